#!/usr/bin/env bash
# xisa-cc builds one C program for three ISAs; each runs (natively or under
# qemu-user) and prints the same; PROG is the host's executable.
. "$(dirname "$0")/lib.sh" "$@"
cd "$work"
"$xisa_cc" -O2 -o hello "$here/programs/hello.c" || fail "xisa-cc -O2 -o hello failed"
expect_runs hello "hello world 42 43 ctor=1" world
[ hello -ef hello.x86_64 ] || fail "hello is not the host (x86_64) executable"

# -O0 and -g build too, and a subset of ISAs gives only those files.
"$xisa_cc" -O0 -g --xisa-targets=x86_64,aarch64 -o sub "$here/programs/hello.c" ||
  fail "xisa-cc --xisa-targets=x86_64,aarch64 failed"
[ -x sub.x86_64 ] && [ -x sub.aarch64 ] || fail "subset link did not write sub.x86_64 and sub.aarch64"
[ ! -e sub.ppc64le ] || fail "subset link wrote sub.ppc64le"
[ "$(qemu-aarch64 sub.aarch64)" = "hello none 41 42 ctor=1" ] || fail "sub.aarch64 output differs"

# The runtime's API header is on the search path as is.
printf '#include <xisa/xisa.h>\nint main(void) { return xisa_request_migration != 0 ? 0 : 1; }\n' >api.c
"$xisa_cc" -O2 -c api.c -o api.o 2>api.log || fail "<xisa/xisa.h> not found: $(cat api.log)"

# Default output name.
"$xisa_cc" "$here/programs/hello.c" || fail "xisa-cc without -o failed"
[ -x a.out ] && [ -x a.out.ppc64le ] || fail "no a.out / a.out.ppc64le"
finish
