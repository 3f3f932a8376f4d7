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

step "run it under xisa and move it while it runs"
"$xisa" run "$work/counter" > "$work/out" &
sup=$!
sleep 1
"$xisa" migrate "$sup" --to x86_64
sleep 0.5
# Cross-ISA restore does not work yet (see the closing notes of issue 5);
# a failed migration must leave the program running where it was.
if "$xisa" migrate "$sup" --to aarch64; then
  echo "moved to aarch64"
else
  echo "(cross-ISA migration failed; the program goes on on x86_64)"
fi
wait "$sup"
sup=""
"$work/counter.x86_64" > "$work/reference"
if cmp -s "$work/reference" "$work/out"; then
  echo "output of the migrated run is byte-identical to an unmigrated run"
else
  echo "output differs from an unmigrated run" >&2
  exit 1
fi
