#!/usr/bin/env bash
# One corpus test: the program built by plain clang (the reference, run on
# this x86-64 host) and by xisa-cc (run natively and under qemu-user) must
# print the same stdout and end with the same exit status on every ISA, and
# the named `xisa <check> check`s (default: layout meta) must accept the
# xisa-cc build.
# Usage: check-program.sh SOURCE REF_EXE XISA_BASE XISA_TOOL [CHECKS]
#   REF_EXE.status and XISA_BASE.status are written by record-build.sh.
set -uo pipefail
if [ $# -ne 4 ] && [ $# -ne 5 ]; then
  echo "usage: check-program.sh SOURCE REF_EXE XISA_BASE XISA_TOOL [CHECKS]" >&2
  exit 2
fi
source="$1" ref="$2" base="$3" xisa_tool="$4" checks="${5:-layout meta}"
. "$(dirname "$0")/corpus-lib.sh"

name="$(basename "$source" .c)"
read -r -a args <<<"$(corpus_tag "$source" args)"
stdin="$(corpus_stdin "$source")"
want_exit="$(corpus_tag "$source" exit)"
want_exit="${want_exit:-0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL $name: $*"
  failures=$((failures + 1))
}

# build_ok STATUS_OWNER WHAT: checks a recorded build step, shows its log if it failed.
build_ok() {
  if [ ! -f "$1.status" ]; then
    fail "$2 was not built ($1.status missing): build the 'corpus' target first"
    return 1
  fi
  if [ "$(cat "$1.status")" != 0 ]; then
    fail "$2 failed (exit $(cat "$1.status")); its output:"
    sed 's/^/    /' "$1.status.log"
    return 1
  fi
}

# run OUT_PREFIX RUNNER EXE: runs with the program's args and stdin, writes
# OUT_PREFIX.out and OUT_PREFIX.code. Time-boxed so a hang is a failure.
run() {
  local code
  timeout 120 $2 "$3" "${args[@]}" <"$stdin" >"$1.out"
  code=$?
  [ "$code" = 124 ] && echo "    (timed out after 120 s)" >>"$1.out"
  echo "$code" >"$1.code"
}

build_ok "$ref" "reference build (clang-19 -O2 -static, musl)" || exit 1
run "$work/ref" "" "$ref"
if [ "$(cat "$work/ref.code")" != "$want_exit" ]; then
  fail "the reference build exited $(cat "$work/ref.code"), the program says it must exit $want_exit; output:"
  sed 's/^/    /' "$work/ref.out"
  exit 1
fi

if build_ok "$base" "xisa-cc -O2"; then
  for isa in x86_64 aarch64 ppc64le; do
    exe="$base.$isa"
    runner="$(corpus_runner "$isa")"
    if [ ! -x "$exe" ]; then
      fail "xisa-cc reported success but wrote no executable $exe"
      continue
    fi
    if [ -n "$runner" ] && ! command -v "$runner" >/dev/null; then
      fail "$runner is not installed, so the $isa build cannot run here: run scripts/setup.sh"
      continue
    fi
    run "$work/$isa" "$runner" "$exe"
    code="$(cat "$work/$isa.code")"
    if [ "$code" != "$want_exit" ]; then
      fail "$isa: exit status $code, reference $want_exit"
    fi
    if ! diff -u --label reference "$work/ref.out" --label "xisa-cc $isa" "$work/$isa.out" >"$work/$isa.diff"; then
      fail "$isa: stdout differs from the reference:"
      head -n 40 "$work/$isa.diff" | sed 's/^/    /'
    fi
  done
  for check in $checks; do
    if ! "$xisa_tool" "$check" check "$base" >"$work/$check.log" 2>&1; then
      fail "xisa $check check $base failed:"
      sed 's/^/    /' "$work/$check.log"
    fi
  done
fi

if [ "$failures" != 0 ]; then
  echo "$name: $failures check(s) failed"
  exit 1
fi
echo "$name: reference, x86_64, aarch64 and ppc64le agree (exit $want_exit); xisa checks passed: $checks"
