#!/usr/bin/env bash
# What build systems ask without compiling, and -E / -S / -M on the host ISA.
. "$(dirname "$0")/lib.sh" "$@"
cd "$work"
[ "$("$xisa_cc" -dumpmachine)" = x86_64-linux-musl ] || fail "-dumpmachine: $("$xisa_cc" -dumpmachine)"
"$xisa_cc" --version | grep -q "xisa-cc" || fail "--version does not name xisa-cc"
[ "$("$xisa_cc" -print-file-name=libc.a)" = /usr/lib/x86_64-linux-musl/libc.a ] ||
  fail "-print-file-name=libc.a: $("$xisa_cc" -print-file-name=libc.a)"
[ -f "$("$xisa_cc" -print-libgcc-file-name)" ] || fail "-print-libgcc-file-name names no file"
printf '#include <stdint.h>\nint x = UINT8_MAX;\n' >p.c
echo 'MUSL_CHECK __STDC_VERSION__' | "$xisa_cc" -E -std=c11 - | grep -q "MUSL_CHECK 201112L" ||
  fail "-E from stdin did not preprocess"
"$xisa_cc" -E p.c -o p.i && grep -qF "int x = (0xff)" p.i || fail "-E -o p.i: $(tail -1 p.i)"
"$xisa_cc" -S p.c && grep -q "\.globl" p.s || fail "-S did not write p.s"
"$xisa_cc" -MM p.c | grep -q "^p.o: p.c" || fail "-MM: $("$xisa_cc" -MM p.c)"
mkdir -p sub
"$xisa_cc" -c -MD p.c -o sub/p.o && grep -q "^sub/p.o:" sub/p.d || fail "-MD -o sub/p.o: wrong sub/p.d"
finish
