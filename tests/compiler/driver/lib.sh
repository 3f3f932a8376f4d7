# Helpers for the xisa-cc tests: usage `. lib.sh XISA_CC XISA` at the top.
set -uo pipefail
xisa_cc="$1"
xisa="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/xisa-driver-test-XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# run_isa ISA EXE ARGS...: runs natively on the host ISA, else under qemu-user.
run_isa() {
  local isa="$1"
  shift
  case "$isa" in
    x86_64) "$@" ;;
    aarch64) qemu-aarch64 "$@" ;;
    ppc64le) qemu-ppc64le "$@" ;;
  esac
}

# expect_runs PROG EXPECTED ARGS...: PROG.<isa> prints EXPECTED on all ISAs.
expect_runs() {
  local prog="$1" expected="$2"
  shift 2
  case "$prog" in /*) ;; *) prog="./$prog" ;; esac
  local isa out
  for isa in x86_64 aarch64 ppc64le; do
    if [ ! -x "$prog.$isa" ]; then
      fail "$prog.$isa was not built"
      continue
    fi
    out="$(run_isa "$isa" "$prog.$isa" "$@" 2>&1)"
    [ "$out" = "$expected" ] || fail "$prog.$isa printed '$out', expected '$expected'"
  done
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}
