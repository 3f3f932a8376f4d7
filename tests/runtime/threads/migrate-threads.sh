#!/usr/bin/env bash
# Moves a running threaded program to other ISAs through the real commands
# and requires the output and exit status of an unmigrated run.
# Usage: migrate-threads.sh XISA PROG FROM TO...
#   PROG is a base path (PROG.<isa> exist) of tls_workers; it runs 3 workers.
# One TO: once every worker has printed, `xisa checkpoint` (the images must
# hold all 4 threads, however slowly the program started under qemu-user),
# then `xisa migrate`. Several: `xisa run --hop` takes them in turn.
set -euo pipefail
xisa="$1" prog="$2" from="$3"
shift 3
workers=3 rounds=30 ms=100
. "$(cd "$(dirname "$0")" && pwd)/../migrate-lib.sh"

reference "$from" "$prog.$from" $workers $rounds $ms

if [ $# -gt 1 ]; then
  # Several hops: scheduled by the main thread's count of migration points
  # (it polls while it waits), so each comes while the program runs.
  hops=() point=0
  for to in "$@"; do
    point=$((point + 300))
    hops+=(--hop "$point:$to")
  done
  set +e
  "$xisa" run --quiet --json --isa "$from" "${hops[@]}" "$prog" $workers $rounds $ms \
    > "$tmp/out" 2> "$tmp/err"
  rc=$?
  set -e
  grep -q "\"hops_reached\":$#" "$tmp/err" || die "not every hop was taken: $(cat "$tmp/err")"
  cat "$tmp/err"
  compare "$tmp/out" "$rc"
else
  "$xisa" run --quiet --isa "$from" --pidfile "$tmp/pid" "$prog" $workers $rounds $ms \
    > "$tmp/out" 2> "$tmp/err" &
  supervisor=$!
  for _ in $(seq 600); do
    [ -s "$tmp/pid" ] && [ "$(wc -l < "$tmp/out")" -ge $workers ] && break
    kill -0 "$supervisor" 2>/dev/null || die "program ended early: $(cat "$tmp/err")"
    sleep 0.05
  done
  [ "$(wc -l < "$tmp/out")" -ge $workers ] || die "the workers did not print in 30 s"
  handle="$(cat "$tmp/pid")"
  "$xisa" checkpoint "$handle" --dir "$tmp/ck" --json > "$tmp/ck.json" ||
    die "checkpoint failed: $(cat "$tmp/ck.json" "$tmp/err")"
  n=$(ls "$tmp"/ck/core-*.img | wc -l)
  [ "$n" = $((workers + 1)) ] || die "checkpoint has $n threads, expected $((workers + 1))"
  "$xisa" migrate "$handle" --to "$1" --json > "$tmp/migrate.json" ||
    die "migrate to $1 failed: $(cat "$tmp/migrate.json" "$tmp/err")"
  echo "migrated to $1 after line $(wc -l < "$tmp/out"): $(cat "$tmp/migrate.json")"
  finish
fi
echo "PASS: $prog from $from to $*, $((workers + 1)) threads"
