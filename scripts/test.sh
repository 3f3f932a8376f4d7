#!/usr/bin/env bash
# Sets up this machine, builds, and runs the whole test suite (all labels,
# the VM and namespace tests included).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
cd "${XISA_BUILD_DIR:-$top/build}"
ctest -j2 --output-on-failure --timeout 900 "$@"
