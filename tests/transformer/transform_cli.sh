#!/bin/bash
# `xisa transform` refuses bad arguments and bad image directories with a
# clear message and a failing exit status. Usage: transform_cli.sh XISA
set -u
xisa=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# expect STATUS PATTERN -- ARGS...: runs `xisa transform ARGS`, checks both
# (STATUS "nonzero" accepts any failure, as CLI11's usage errors have their own codes).
expect() {
  local want_status=$1 pattern=$2
  shift 3
  local out status
  out=$("$xisa" transform "$@" 2>&1)
  status=$?
  local status_ok=1
  if [ "$want_status" = nonzero ]; then [ "$status" != 0 ] || status_ok=0
  else [ "$status" = "$want_status" ] || status_ok=0; fi
  if [ "$status_ok" = 0 ] || ! grep -q -- "$pattern" <<<"$out"; then
    echo "FAIL: xisa transform $*: status $status (want $want_status), output:" >&2
    echo "$out" >&2
    failed=1
  fi
}

expect 1 "unknown ISA 'riscv64'" -- --to riscv64 "$work" "$work/out"
expect 1 "is not a directory of CRIU images" -- --to aarch64 "$work/none" "$work/out"
mkdir "$work/bad"
printf 'garbage' > "$work/bad/inventory.img"
expect 1 "inventory.img" -- --to aarch64 "$work/bad" "$work/out"
expect nonzero "in_dir is required" -- --to aarch64
exit $failed
