#!/usr/bin/env bash
# Builds the routes example with `make CC=xisa-cc` (objects, a static library
# made by ar, -MMD dependency files) and checks that the three executables
# print what the same sources built by the host's cc print, that an edited
# header rebuilds exactly its dependents, and that xisa's checks accept it.
# Usage: check-make-build.sh XISA_CC XISA_TOOL WORK_DIR
set -uo pipefail
if [ $# -ne 3 ]; then
  echo "usage: check-make-build.sh XISA_CC XISA_TOOL WORK_DIR" >&2
  exit 2
fi
xisa_cc="$1" xisa_tool="$2" work="$3"
src="$(cd "$(dirname "$0")" && pwd)"
. "$src/../../tests/corpus/corpus-lib.sh" # corpus_runner
# The builds run in other directories: a relative compiler path must not break.
case "$xisa_cc" in */*) xisa_cc="$(realpath "$xisa_cc")" ;; esac
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

rm -rf "$work"
mkdir -p "$work/host" "$work/xisa"
for dir in host xisa; do
  cp "$src"/*.c "$src"/*.h "$src/Makefile" "$work/$dir/"
done

if ! make -C "$work/host" >"$work/host.log" 2>&1; then
  cat "$work/host.log"
  echo "FAIL: the host cc build failed, so there is no reference"
  exit 1
fi
echo "== make CC=$xisa_cc"
if ! make -C "$work/xisa" CC="$xisa_cc"; then
  echo "FAIL: make CC=xisa-cc failed"
  exit 1
fi

for dep in main report; do
  if ! grep -q 'report\.h' "$work/xisa/$dep.d" 2>/dev/null; then
    fail "$dep.d (from -MMD) is missing or does not name report.h"
  fi
done

for args in "" "csv 60"; do
  # shellcheck disable=SC2086 # args is a word list on purpose
  "$work/host/routes" $args >"$work/want.out"
  for isa in x86_64 aarch64 ppc64le; do
    runner="$(corpus_runner "$isa")"
    exe="$work/xisa/routes.$isa"
    if [ ! -x "$exe" ]; then
      fail "make CC=xisa-cc wrote no $exe"
      continue
    fi
    # shellcheck disable=SC2086
    timeout 120 $runner "$exe" $args >"$work/$isa.out"
    code=$?
    [ "$code" = 0 ] || fail "routes.$isa $args exited $code"
    if ! diff -u --label "host cc" "$work/want.out" --label "xisa-cc $isa" "$work/$isa.out"; then
      fail "routes.$isa $args prints something else than the host build"
    fi
  done
done

# Edit one header: make must rebuild just the objects that include it.
sleep 1
touch "$work/xisa/report.h"
rebuilt="$(make -C "$work/xisa" CC="$xisa_cc" -n | grep -o -- '-o [a-z]*\.o' | sort | tr '\n' ' ')"
if [ "$rebuilt" != "-o main.o -o report.o " ]; then
  fail "after touching report.h make would rebuild '$rebuilt', expected main.o and report.o only"
fi
if ! make -C "$work/xisa" CC="$xisa_cc" >"$work/rebuild.log" 2>&1; then
  cat "$work/rebuild.log"
  fail "the incremental rebuild failed"
fi

# (`xisa meta check` runs as its own test, examples.multifile.meta.)
if ! "$xisa_tool" layout check "$work/xisa/routes"; then
  fail "xisa layout check routes failed"
fi

if [ "$failures" != 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "make CC=xisa-cc: routes agrees with the host build on x86_64, aarch64 and ppc64le"
