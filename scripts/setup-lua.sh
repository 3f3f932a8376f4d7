#!/usr/bin/env bash
# Fetches the source of Lua 5.4.7 (Debian trixie's upstream tarball) into
# /opt/xisa/src once, for the real-program tests (tests/real): CMake's
# XISA_LUA_TARBALL points there.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/apt-lib.sh"

dir=/opt/xisa/src
tarball=lua5.4_5.4.7.orig.tar.gz
sha256=9fbf5e28ef86c69858f6d3d34eccc32e911c1a28b4120ff3e84aaa70cfbf1e30

if [ -f "$dir/$tarball" ] && echo "$sha256  $dir/$tarball" | sha256sum -c --quiet - 2>/dev/null; then
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fetch_trixie_tarball setup-lua lua5.4 "$tarball" "$sha256"
$SUDO mkdir -p "$dir"
$SUDO install -m 0644 "$tarball" "$dir/$tarball"
echo "setup-lua: installed $dir/$tarball"
