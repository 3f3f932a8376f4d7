#!/usr/bin/env bash
# Runtime benchmarks: request-to-parked latency (with and without long
# stretches of code between migration points), stream/checkpoint size
# against resident memory, and total same-ISA migration time.
# Usage: bench/runtime/bench.sh BUILD_DIR [RESULTS_FILE]
# Writes RESULTS_FILE (default bench/runtime/results.md) with the command.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:?usage: bench.sh BUILD_DIR [RESULTS_FILE]}" && pwd)"
results="${2:-$here/results.md}"
xisa="$build/bin/xisa"
tmp="$(mktemp -d)"
supervisor=""
cleanup() {
  [ -n "$supervisor" ] && kill "$supervisor" 2>/dev/null && wait "$supervisor" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR="$tmp/run"

clang=/usr/lib/llvm-19/bin/clang
musl=/usr/lib/x86_64-linux-musl
"$clang" --target=x86_64-linux-musl -O2 -fno-omit-frame-pointer -nostdinc \
  -isystem "$("$clang" -print-resource-dir)/include" -isystem /usr/include/x86_64-linux-musl \
  -fuse-ld=lld -static -nostdlib "$musl/crt1.o" "$musl/crti.o" "$here/workload.c" \
  "$build/lib/xisa/x86_64/libxisa_rt.a" -Wl,--wrap=main -Wl,--wrap=pthread_create \
  -Wl,--start-group "$musl/libc.a" /usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a -Wl,--end-group \
  "$musl/crtn.o" -o "$tmp/workload.x86_64"

runs=10
# One migration series: prints "park_ms total_ms stream_bytes rss_kib" per run.
series() {
  local mib="$1" gap="$2"
  "$xisa" run --quiet --pidfile "$tmp/pid" "$tmp/workload" "$mib" "$gap" > "$tmp/out" &
  supervisor=$!
  until [ -s "$tmp/out" ]; do sleep 0.05; done
  local handle child rss
  handle=$(cat "$tmp/pid")
  for _ in $(seq "$runs"); do
    child=$(pgrep -P "$handle" | head -1)
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$child/status")
    "$xisa" migrate "$handle" --to x86_64 --json |
      python3 -c "import json,sys; r=json.load(sys.stdin); print(r['park_ms'], r['total_ms'], r['stream_bytes'], $rss)"
  done
  kill "$supervisor"
  wait "$supervisor" 2>/dev/null || true
  supervisor=""
}

summary() {
  python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
col = lambda i: sorted(r[i] for r in rows)
med = lambda i: statistics.median(col(i))
print(f"| {sys.argv[1]} | {sys.argv[2]} | {med(0):.2f} | {max(col(0)):.2f} | {med(1):.1f} | {med(2)/2**20:.2f} | {med(3)/1024:.1f} |")
' "$@"
}

{
  echo "# Runtime benchmarks"
  echo
  echo "Command: \`bench/runtime/bench.sh $1${2:+ $2}\` ($(date -u +%Y-%m-%d), $(nproc) cores, shared machine)"
  echo
  echo "Same-ISA x86_64 migrations of bench/runtime/workload.c through \`xisa run\` /"
  echo "\`xisa migrate --json\`, $runs per row, medians. park = signal sent to stream"
  echo "started (request-to-parked); total = request to destination running."
  echo "gap = time spent between two migration points in code without points."
  echo
  echo "| heap MiB | gap us | park ms (median) | park ms (max) | total ms | stream MiB | RSS MiB |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for gap in 0 1000 10000 100000; do
    series 16 "$gap" | summary 16 "$gap"
  done
  for mib in 1 64 256; do
    series "$mib" 0 | summary "$mib" 0
  done
} > "$tmp/results.md"
mv "$tmp/results.md" "$results"
cat "$results"
