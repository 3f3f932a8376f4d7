#!/usr/bin/env bash
# Bad input gets exit status 1 and a message naming the problem, never a crash.
. "$(dirname "$0")/lib.sh" "$@"
cd "$work"
printf 'int main(void){return 0;}\n' >ok.c
printf 'int main() { return 0; }\n' >prog.cpp
printf 'int f(void) { return 1 }\n' >broken.c
printf 'int g(void) { return 2; }\n' >host.c
clang-19 -c host.c -o host.o

# expect_error "MESSAGE PART" ARGS...
expect_error() {
  local want="$1"
  shift
  "$xisa_cc" "$@" >out.txt 2>&1
  local code=$?
  if [ "$code" -ne 1 ]; then
    fail "xisa-cc $* exited $code (want 1): $(head -3 out.txt)"
  elif ! grep -qF -- "$want" out.txt; then
    fail "xisa-cc $*: message lacks '$want': $(head -3 out.txt)"
  fi
}
expect_error "C only" prog.cpp
expect_error "static" -shared -o lib.so ok.c
expect_error "ISA-specific" -march=native ok.c
expect_error "not built by xisa-cc" ok.c host.o
expect_error "cannot find -lnosuchlib" ok.c -lnosuchlib
expect_error "compiling broken.c for" -c broken.c
expect_error "unknown ISA" --xisa-targets=mips ok.c
expect_error "no input files"
"$xisa_cc" -c --xisa-targets=x86_64 -o only86.o ok.c || fail "x86_64-only compile failed"
expect_error "rebuild it for every ISA" only86.o
finish
