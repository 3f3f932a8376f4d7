#!/usr/bin/env bash
# The reference toolchain the corpus and the benchmark compare xisa-cc with:
# plain clang-19, static, against musl for one ISA, no xisa pass or layout.
# Usage: musl-clang.sh <isa> [clang arguments...]   (isa: x86_64 aarch64 ppc64le)
# With -c, -S or -E it only compiles; otherwise it also links a static executable.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: musl-clang.sh <x86_64|aarch64|ppc64le> [clang arguments...]" >&2
  exit 2
fi
isa="$1"; shift
case "$isa" in
  x86_64)  triple=x86_64-linux-musl;      libgcc=/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a ;;
  aarch64) triple=aarch64-linux-musl;     libgcc=/usr/lib/gcc-cross/aarch64-linux-gnu/12/libgcc.a ;;
  ppc64le) triple=powerpc64le-linux-musl; libgcc=/usr/lib/gcc-cross/powerpc64le-linux-gnu/12/libgcc.a ;;
  *) echo "musl-clang.sh: unknown ISA '$isa' (expected x86_64, aarch64 or ppc64le)" >&2; exit 2 ;;
esac

clang="${XISA_CLANG:-/usr/lib/llvm-19/bin/clang}"
musl_lib="/usr/lib/$triple"
if [ ! -f "$musl_lib/libc.a" ] || [ ! -f "$libgcc" ]; then
  echo "musl-clang.sh: musl or libgcc for $isa is missing ($musl_lib/libc.a, $libgcc); run scripts/setup.sh" >&2
  exit 2
fi

compile_only=0
for arg in "$@"; do
  case "$arg" in -c|-S|-E|-M|-MM) compile_only=1 ;; esac
done

common=(--target="$triple" -nostdinc
        -isystem "$("$clang" -print-resource-dir)/include"
        -isystem "/usr/include/$triple")
if [ "$compile_only" = 1 ]; then
  exec "$clang" "${common[@]}" "$@"
fi
# -L: a program's -lm must find musl's (empty) libm, not the host's glibc one.
exec "$clang" "${common[@]}" -fuse-ld=lld -static -nostdlib -L "$musl_lib" \
  "$musl_lib/crt1.o" "$musl_lib/crti.o" "$@" \
  -Wl,--start-group "$musl_lib/libc.a" "$libgcc" -Wl,--end-group "$musl_lib/crtn.o"
