# Shared by the migration test drivers (migrate-test.sh,
# threads/migrate-threads.sh); sourced, not run. Makes a scratch directory
# $tmp (kept with KEEP=1) that holds the supervisors' sockets, and on exit
# stops the supervisor whose pid is in $supervisor.
tmp="$(mktemp -d)"
supervisor=""
cleanup() {
  if [ -n "$supervisor" ] && kill -0 "$supervisor" 2>/dev/null; then
    kill "$supervisor" 2>/dev/null || true
    wait "$supervisor" 2>/dev/null || true
  fi
  [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR="$tmp/run"

die() { echo "FAIL: $*" >&2; exit 1; }

# The program run plainly, natively or under qemu-user.
run_direct() {
  local isa="$1" exe="$2"
  shift 2
  if [ "$isa" = "$(uname -m)" ]; then "$exe" "$@"; else "qemu-$isa" "$exe" "$@"; fi
}

# reference ISA EXE ARGS...: the unmigrated run's stdout ($tmp/ref.out) and
# status ($ref_rc).
reference() {
  local isa="$1" exe="$2"
  shift 2
  set +e
  run_direct "$isa" "$exe" "$@" > "$tmp/ref.out"
  ref_rc=$?
  set -e
}

# compare OUT RC: the unmigrated run's stdout and exit status.
compare() {
  if ! cmp -s "$tmp/ref.out" "$1"; then
    diff "$tmp/ref.out" "$1" | head -n 40 >&2 || true
    die "output differs from the unmigrated run (stderr: $(cat "$tmp/err"))"
  fi
  [ "$2" = "$ref_rc" ] || die "exit status $2, unmigrated run gave $ref_rc (stderr: $(cat "$tmp/err"))"
}

# finish: waits for the supervised program and compares.
finish() {
  set +e
  wait "$supervisor"
  local rc=$?
  set -e
  supervisor=""
  compare "$tmp/out" "$rc"
}
