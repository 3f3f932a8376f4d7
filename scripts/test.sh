#!/usr/bin/env bash
# Sets up this machine, builds, and runs the whole test suite (all labels,
# the namespace and migration tests included).
#
# Tests labelled known-failing check what does not work yet; they are listed
# here, loudly, and left out of the pass/fail verdict. `scripts/test.sh -L
# known-failing` runs just them.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
cd "${XISA_BUILD_DIR:-$top/build}"
if [ $# -eq 0 ]; then
  known=$(ctest -N -L known-failing -FA '.*' | sed -n 's/^ *Test *#[0-9]*: //p')
  if [ -n "$known" ]; then
    echo "=================================================================="
    echo "NOT RUN: $(echo "$known" | wc -l) tests labelled known-failing (what does not work yet):"
    echo "$known" | sed 's/^/  /'
    echo "=================================================================="
  fi
  set -- -LE known-failing
fi
ctest -j2 --output-on-failure --timeout 900 "$@"
