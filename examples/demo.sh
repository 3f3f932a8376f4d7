#!/usr/bin/env bash
# The README demo: one C program built by xisa-cc for three ISAs, checked for
# one layout and matching metadata, run on each ISA, then moved live while it
# runs. Usage: examples/demo.sh BUILD_DIR
set -euo pipefail
build="$(cd "${1:?usage: examples/demo.sh BUILD_DIR}" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
xisa="$build/bin/xisa"
work=$(mktemp -d)
trap 'kill "$sup" 2>/dev/null || true; rm -rf "$work"' EXIT
sup=""

step() { printf '\n== %s\n' "$*"; }

step "build counter.c for x86_64, aarch64 and ppc64le"
"$build/bin/xisa-cc" -O2 -o "$work/counter" "$here/counter.c"
ls -l "$work"/counter.*

step "every symbol at one address; call sites agree"
"$xisa" layout check "$work/counter"
"$xisa" meta check "$work/counter"

step "the same output on each ISA (aarch64 and ppc64le under qemu-user)"
"$work/counter.x86_64" | tail -n 1
qemu-aarch64 "$work/counter.aarch64" | tail -n 1
qemu-ppc64le "$work/counter.ppc64le" | tail -n 1

step "run it under xisa and move it live: x86_64 -> aarch64 -> ppc64le -> x86_64"
# Built at -O0 for the hops: at -O2 the backend keeps values across calls
# that the stackmaps do not record yet, and a cross-ISA restore of such a
# frame fails (issue 5; the tests runtime.cross_* track it).
"$build/bin/xisa-cc" -O0 -o "$work/hop" "$here/counter.c"
"$work/hop.x86_64" > "$work/reference"
"$xisa" run --quiet --pidfile "$work/pid" "$work/hop" > "$work/out" &
sup=$!
for _ in $(seq 50); do [ -s "$work/pid" ] && break; sleep 0.1; done
for to in aarch64 ppc64le x86_64; do
  sleep 0.8
  "$xisa" migrate "$(cat "$work/pid")" --to "$to"
  echo "  ... $(tail -n 1 "$work/out")"
done
wait "$sup"
sup=""
if cmp -s "$work/reference" "$work/out"; then
  echo "output of the migrated run is byte-identical to an unmigrated run"
else
  diff "$work/reference" "$work/out" >&2 || true
  echo "output differs from an unmigrated run" >&2
  exit 1
fi

step "a failed migration leaves the program running where it was"
"$xisa" run --quiet --pidfile "$work/pid2" "$work/counter" > "$work/out2" &
sup=$!
for _ in $(seq 50); do [ -s "$work/pid2" ] && break; sleep 0.1; done
sleep 0.5
cp "$work/hop.aarch64" "$work/counter.aarch64" # another build: refused
if "$xisa" migrate "$(cat "$work/pid2")" --to aarch64; then
  echo "migration into a different executable claimed success" >&2
  exit 1
fi
wait "$sup"
sup=""
"$work/counter.x86_64" | cmp -s - "$work/out2" && echo "the program went on on x86_64 and finished with the same output"
