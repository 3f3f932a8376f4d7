#!/usr/bin/env bash
# Configures and builds xisa into build/ (reused between runs).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
build="${XISA_BUILD_DIR:-$top/build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j2
