#!/bin/bash
# Migration-point and shadow-frame overhead of XisaPass.so at -O2 on x86-64:
# the same kernels built with and without the plugin (both static musl, lld,
# frame pointers, function sections), user CPU time, best of $RUNS runs.
# Usage: bench/pass/run.sh BUILD_DIR  (writes bench/pass/results.md)
set -eu
build=${1:?usage: run.sh BUILD_DIR}
runs=${RUNS:-5}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
musl=/usr/lib/x86_64-linux-musl
common="--target=x86_64-linux-musl -nostdlibinc -isystem /usr/include/x86_64-linux-musl -O2
  -ffunction-sections -fdata-sections -fno-omit-frame-pointer -fno-common -fuse-ld=lld -static
  -nostdlib $musl/crt1.o $musl/crti.o"
tail="$musl/libc.a /usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a $musl/crtn.o"
clang=/usr/lib/llvm-19/bin/clang
$clang $common "$here/kernels.c" "$here/stub_runtime.c" $tail -o "$work/plain"
$clang $common -fpass-plugin="$build/lib/xisa/XisaPass.so" "$here/kernels.c" \
  "$here/stub_runtime.c" $tail -o "$work/xisa"

best() { # best user time of $runs runs of "$1 $2"
  local b="" t
  TIMEFORMAT=%U
  for _ in $(seq "$runs"); do
    t=$( { time "$1" "$2" >/dev/null; } 2>&1 )
    b=$(echo "$b $t" | awk 'NF == 1 { print $1; next } { print ($2 < $1 ? $2 : $1) }')
  done
  echo "$b"
}

out="$here/results.md"
{
  echo "# XisaPass overhead (x86-64, -O2, user CPU seconds, best of $runs)"
  echo
  echo "Command: \`RUNS=$runs bench/pass/run.sh $build\` on $(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  echo
  echo "| kernel | plain | xisa | overhead |"
  echo "| --- | --- | --- | --- |"
} > "$out"
ratios=""
for k in fib matmul sort sieve strings nbody; do
  echo "bench: $k" >&2
  p=$(best "$work/plain" $k); x=$(best "$work/xisa" $k)
  r=$(echo "$p $x" | awk '{ printf "%.4f", ($1 > 0 ? $2 / $1 : 1) }')
  ratios="$ratios $r"
  echo "| $k | $p | $x | $(echo $r | awk '{ printf "%+.1f%%", ($1 - 1) * 100 }') |" >> "$out"
done
echo "$ratios" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += log($i); printf "\nGeomean overhead: %+.1f%%\n", (exp(s / NF) - 1) * 100 }' >> "$out"
cat "$out"
