#!/usr/bin/env bash
# CMake with CMAKE_C_COMPILER=xisa-cc: compiler detection, try-compile checks
# (include, symbol, source), a static library and a program.
. "$(dirname "$0")/lib.sh" "$@"
if ! cmake -S "$here/projects/cmake" -B "$work/build" -G Ninja -DCMAKE_C_COMPILER="$xisa_cc" \
  >"$work/configure.log" 2>&1; then
  fail "cmake configure with xisa-cc failed:"
  tail -30 "$work/configure.log"
  finish
fi
grep -q "The C compiler identification is Clang" "$work/configure.log" ||
  fail "CMake did not identify xisa-cc as Clang: $(grep identification "$work/configure.log")"
cmake --build "$work/build" -j1 >"$work/build.log" 2>&1 || { fail "cmake build failed:"; cat "$work/build.log"; }
expect_runs "$work/build/probe" "square=144"
finish
