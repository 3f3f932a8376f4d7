#!/usr/bin/env bash
# record-build.sh STATUS_FILE -- COMMAND...
# Runs one corpus build step and records its outcome instead of failing the
# build: STATUS_FILE gets the exit code, STATUS_FILE.log the output. The
# corpus test then fails with that log, so a compiler bug on one program
# shows up as that program's failing test, not as a broken tree.
set -uo pipefail
status_file="$1"
shift
if [ "${1:-}" != "--" ]; then
  echo "usage: record-build.sh STATUS_FILE -- COMMAND..." >&2
  exit 2
fi
shift
mkdir -p "$(dirname "$status_file")"
{ echo "+ $*"; "$@"; } >"$status_file.log" 2>&1
code=$?
echo "$code" >"$status_file"
if [ "$code" != 0 ]; then
  echo "note: build step failed (exit $code), recorded in $status_file.log: $*" >&2
fi
exit 0
