#!/usr/bin/env bash
# Sets up this machine, builds, and runs the main demo.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
exec "$top/examples/demo.sh" "${XISA_BUILD_DIR:-$top/build}"
