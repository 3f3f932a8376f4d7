#!/usr/bin/env bash
# Migration scenarios driven through the real commands: `xisa run` a test
# program, move or checkpoint it while it prints, and require the output and
# exit status of an unmigrated run.
# Usage: migrate-test.sh XISA BIN_DIR SCENARIO ARGS...
#   hops PROG ISA0 ISA1 ...  start PROG (a base path: PROG.<isa> exist) on
#                        ISA0, migrate to ISA1, ISA2, ... in turn
#   checkpoint ISA       checkpoint (program goes on), then restore the images
#   threads PROG ISA TO  checkpoint a threaded program (every thread in the
#                        images), then migrate it to TO: all threads go on
#   mismatch ISA         migration into a replaced executable is refused, original goes on
#   corrupt ISA          damaged checkpoint images are refused, nothing starts
set -euo pipefail
xisa="$1" bin="$2" scenario="$3"
shift 3
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

reference() {
  local isa="$1" exe="$2"
  shift 2
  set +e
  run_direct "$isa" "$exe" "$@" > "$tmp/ref.out"
  ref_rc=$?
  set -e
}

start() {
  local isa="$1"
  shift
  "$xisa" run --quiet --isa "$isa" --pidfile "$tmp/pid" "$@" > "$tmp/out" 2> "$tmp/err" &
  supervisor=$!
  for _ in $(seq 100); do [ -s "$tmp/pid" ] && return 0; sleep 0.1; done
  die "xisa run did not write its pidfile: $(cat "$tmp/err")"
}

wait_lines() {
  for _ in $(seq 600); do
    [ "$(wc -l < "$tmp/out")" -ge "$1" ] && return 0
    kill -0 "$supervisor" 2>/dev/null || die "program ended before printing $1 lines"
    sleep 0.05
  done
  die "program did not print $1 lines in 30 s"
}

finish() {
  set +e
  wait "$supervisor"
  rc=$?
  set -e
  supervisor=""
  if ! cmp -s "$tmp/ref.out" "$tmp/out"; then
    diff "$tmp/ref.out" "$tmp/out" >&2 || true
    die "output differs from the unmigrated run (stderr: $(cat "$tmp/err"))"
  fi
  [ "$rc" = "$ref_rc" ] || die "exit status $rc, unmigrated run gave $ref_rc"
}

case "$scenario" in
hops)
  prog="$1" first="$2"
  shift 2
  reference "$first" "$prog.$first" 40 150
  start "$first" "$prog" 40 150
  line=2
  for to in "$@"; do
    wait_lines "$line"
    "$xisa" migrate "$(cat "$tmp/pid")" --to "$to" --json > "$tmp/migrate.json" ||
      die "migrate to $to failed: $(cat "$tmp/migrate.json")"
    grep -q '"ok":true' "$tmp/migrate.json" || die "migrate reply: $(cat "$tmp/migrate.json")"
    echo "migrated to $to after line $line: $(cat "$tmp/migrate.json")"
    line=$((line + 4))
  done
  finish
  ;;
checkpoint)
  isa="$1"
  reference "$isa" "$bin/counter.$isa" 30 150
  start "$isa" "$bin/counter" 30 150
  wait_lines 3
  "$xisa" checkpoint "$(cat "$tmp/pid")" --dir "$tmp/ck" || die "checkpoint failed"
  finish
  for img in inventory.img pstree.img mm-*.img pagemap-*.img pages-*.img files.img core-*.img; do
    compgen -G "$tmp/ck/$img" > /dev/null || die "checkpoint lacks $img"
  done
  if [ -d /opt/xisa/criu/python ]; then
    PYTHONPATH=/opt/xisa/criu/python /usr/bin/python3 "$(dirname "$0")/../transformer/crit_decode.py" "$tmp/ck" \
      > "$tmp/crit.json" || die "CRIU's decoder rejects the checkpoint"
  else
    die "CRIU's pycriu is not installed (/opt/xisa/criu/python): run scripts/setup.sh"
  fi
  set +e
  "$xisa" restore --quiet "$tmp/ck" > "$tmp/restored.out" 2> "$tmp/restore.err"
  restored_rc=$?
  set -e
  [ "$restored_rc" = "$ref_rc" ] || die "restored run exit status $restored_rc, expected $ref_rc: $(cat "$tmp/restore.err")"
  n=$(wc -l < "$tmp/restored.out")
  [ "$n" -ge 2 ] || die "restored run printed $n lines"
  tail -n "$n" "$tmp/ref.out" | cmp -s - "$tmp/restored.out" ||
    die "restored run's output is not the rest of the unmigrated run's"
  echo "restore printed the last $n lines of the reference run"
  ;;
threads)
  prog="$1" isa="$2" to="$3"
  reference "$isa" "$prog.$isa" 3 40 100
  start "$isa" "$prog" 3 40 100
  "$xisa" checkpoint "$(cat "$tmp/pid")" --dir "$tmp/ck" --json > "$tmp/ck.json" ||
    die "checkpoint of a threaded program failed: $(cat "$tmp/ck.json")"
  n=$(ls "$tmp"/ck/core-*.img | wc -l)
  [ "$n" = 4 ] || die "checkpoint has $n threads, expected 4"
  "$xisa" migrate "$(cat "$tmp/pid")" --to "$to" --json > "$tmp/migrate.json" ||
    die "migrating a threaded program to $to failed: $(cat "$tmp/migrate.json" "$tmp/err")"
  echo "migrated to $to: $(cat "$tmp/migrate.json")"
  finish
  ;;
mismatch)
  isa="$1"
  cp "$bin/counter.$isa" "$tmp/prog.$isa"
  reference "$isa" "$tmp/prog.$isa" 30 150
  start "$isa" "$tmp/prog" 30 150
  wait_lines 2
  cp "$bin/other.$isa" "$tmp/new" && mv "$tmp/new" "$tmp/prog.$isa"
  if "$xisa" migrate "$(cat "$tmp/pid")" --to "$isa" > "$tmp/migrate.out" 2> "$tmp/migrate.err"; then
    die "migration into a different executable claimed success"
  fi
  grep -q "changed since the program started" "$tmp/migrate.err" ||
    die "no clear error: $(cat "$tmp/migrate.err")"
  finish
  ;;
corrupt)
  isa="$1"
  reference "$isa" "$bin/counter.$isa" 20 100
  start "$isa" "$bin/counter" 20 100
  wait_lines 2
  "$xisa" checkpoint "$(cat "$tmp/pid")" --dir "$tmp/ck" || die "checkpoint failed"
  finish
  expect_refused() {
    local what="$1"
    set +e
    "$xisa" restore --quiet "$tmp/bad" > "$tmp/bad.out" 2> "$tmp/bad.err"
    local bad_rc=$?
    set -e
    [ "$bad_rc" != 0 ] || die "restore of $what succeeded"
    [ ! -s "$tmp/bad.out" ] || die "restore of $what started the program: $(cat "$tmp/bad.out")"
    grep -q "error" "$tmp/bad.err" || die "restore of $what gave no error message"
    echo "$what: $(head -1 "$tmp/bad.err")"
  }
  rm -rf "$tmp/bad" && cp -r "$tmp/ck" "$tmp/bad"
  pages=$(ls "$tmp"/bad/pages-*.img)
  truncate -s $(($(stat -c %s "$pages") / 2)) "$pages"
  expect_refused "truncated pages"
  rm -rf "$tmp/bad" && cp -r "$tmp/ck" "$tmp/bad"
  core=$(ls "$tmp"/bad/core-*.img | head -1)
  truncate -s 20 "$core"
  expect_refused "truncated core"
  rm -rf "$tmp/bad" && cp -r "$tmp/ck" "$tmp/bad"
  rm "$tmp"/bad/mm-*.img
  expect_refused "missing mm image"
  ;;
*)
  die "unknown scenario $scenario"
  ;;
esac
echo "PASS: $scenario $*"
