#!/usr/bin/env bash
# Configures this CMake project with CC=xisa-cc (compiler detection,
# try-compiles and configure checks must pass), builds it, and checks that the
# three executables print what the host cc build prints, with the same status.
# Usage: check-cmake-build.sh XISA_CC WORK_DIR
set -uo pipefail
if [ $# -ne 2 ]; then
  echo "usage: check-cmake-build.sh XISA_CC WORK_DIR" >&2
  exit 2
fi
xisa_cc="$1" work="$2"
src="$(cd "$(dirname "$0")" && pwd)"
# The builds run in other directories: a relative compiler path must not break.
case "$xisa_cc" in */*) xisa_cc="$(realpath "$xisa_cc")" ;; esac
rm -rf "$work"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# configure_and_build DIR CC: the whole CMake flow with that compiler.
configure_and_build() {
  CC="$2" cmake -S "$src" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$1.log" 2>&1 &&
    cmake --build "$1" >>"$1.log" 2>&1
}

mkdir -p "$work"
if ! configure_and_build "$work/host" cc; then
  cat "$work/host.log"
  echo "FAIL: the host cc build failed, so there is no reference"
  exit 1
fi
echo "== CC=$xisa_cc cmake, then cmake --build"
if ! configure_and_build "$work/xisa" "$xisa_cc"; then
  cat "$work/xisa.log"
  for log in CMakeError.log CMakeConfigureLog.yaml; do
    [ -f "$work/xisa/CMakeFiles/$log" ] && tail -n 60 "$work/xisa/CMakeFiles/$log"
  done
  echo "FAIL: configuring or building with CC=xisa-cc failed"
  exit 1
fi
grep -E 'C compiler identification|HAVE_|Detecting C compiler ABI info' "$work/xisa.log"

"$work/host/temperatures" >"$work/want.out"
want_code=$?
for isa in x86_64 aarch64 ppc64le; do
  case "$isa" in x86_64) runner="" ;; *) runner="qemu-$isa" ;; esac
  exe="$work/xisa/temperatures.$isa"
  if [ ! -x "$exe" ]; then
    fail "the CMake build wrote no $exe"
    continue
  fi
  timeout 120 $runner "$exe" >"$work/$isa.out"
  code=$?
  [ "$code" = "$want_code" ] || fail "temperatures.$isa exited $code, the host build $want_code"
  diff -u --label "host cc" "$work/want.out" --label "xisa-cc $isa" "$work/$isa.out" ||
    fail "temperatures.$isa prints something else than the host build"
done

if [ "$failures" != 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "CC=xisa-cc cmake: configure checks pass; temperatures agrees with the host build on x86_64, aarch64 and ppc64le"
