#!/usr/bin/env bash
# Moves a running threaded program to other ISAs through the real commands
# and requires the output and exit status of an unmigrated run.
# Usage: migrate-threads.sh XISA PROG FROM TO...
#   PROG is a base path (PROG.<isa> exist) of tls_workers; it runs 3 workers
#   and moves to each TO in turn, a few printed lines apart.
# Unlike migrate-test.sh's `threads` scenario, it checkpoints only once every
# worker has printed, so the images must hold all 4 threads however slowly
# the program starts (qemu-user under load).
set -euo pipefail
xisa="$1" prog="$2" from="$3"
shift 3
workers=3 rounds=20 ms=100
tmp="$(mktemp -d)"
supervisor=""
cleanup() {
  if [ -n "$supervisor" ] && kill -0 "$supervisor" 2>/dev/null; then
    kill "$supervisor" 2>/dev/null || true
    wait "$supervisor" 2>/dev/null || true
  fi
  [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR="$tmp/run"
die() { echo "FAIL: $*" >&2; exit 1; }

set +e
if [ "$from" = "$(uname -m)" ]; then
  "$prog.$from" $workers $rounds $ms > "$tmp/ref.out"
else
  "qemu-$from" "$prog.$from" $workers $rounds $ms > "$tmp/ref.out"
fi
ref_rc=$?
set -e

"$xisa" run --quiet --isa "$from" --pidfile "$tmp/pid" "$prog" $workers $rounds $ms \
  > "$tmp/out" 2> "$tmp/err" &
supervisor=$!
for _ in $(seq 600); do
  [ -s "$tmp/pid" ] && [ "$(wc -l < "$tmp/out")" -ge $workers ] && break
  kill -0 "$supervisor" 2>/dev/null || die "program ended early: $(cat "$tmp/err")"
  sleep 0.05
done
[ "$(wc -l < "$tmp/out")" -ge $workers ] || die "the workers did not print in 30 s"

"$xisa" checkpoint "$(cat "$tmp/pid")" --dir "$tmp/ck" --json > "$tmp/ck.json" ||
  die "checkpoint failed: $(cat "$tmp/ck.json" "$tmp/err")"
n=$(ls "$tmp"/ck/core-*.img | wc -l)
[ "$n" = $((workers + 1)) ] || die "checkpoint has $n threads, expected $((workers + 1))"
line=$workers
for to in "$@"; do
  for _ in $(seq 600); do
    [ "$(wc -l < "$tmp/out")" -ge $line ] && break
    kill -0 "$supervisor" 2>/dev/null || die "program ended before line $line: $(cat "$tmp/err")"
    sleep 0.05
  done
  "$xisa" migrate "$(cat "$tmp/pid")" --to "$to" --json > "$tmp/migrate.json" ||
    die "migrate to $to failed: $(cat "$tmp/migrate.json" "$tmp/err")"
  echo "migrated to $to after line $(wc -l < "$tmp/out"): $(cat "$tmp/migrate.json")"
  line=$((line + 2 * workers))
done

set +e
wait "$supervisor"
rc=$?
set -e
supervisor=""
if ! cmp -s "$tmp/ref.out" "$tmp/out"; then
  diff "$tmp/ref.out" "$tmp/out" | head -n 40 >&2 || true
  die "output differs from the unmigrated run (stderr: $(cat "$tmp/err"))"
fi
[ "$rc" = "$ref_rc" ] || die "exit status $rc, unmigrated run gave $ref_rc (stderr: $(cat "$tmp/err"))"
echo "PASS: $prog from $from to $*, $((workers + 1)) threads"
