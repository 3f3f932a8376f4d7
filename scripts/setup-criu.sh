#!/usr/bin/env bash
# Builds CRIU 4.1.1 from Debian's source archive (bookworm's 3.17 cannot run
# on kernels >= 6.13) into /opt/xisa/criu, and applies this host's two quirks.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/apt-lib.sh"

prefix=/opt/xisa/criu
version=4.1.1
tarball=criu_${version}.orig.tar.xz
sha256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe

# Quirk 2: without CAP_SYS_RESOURCE, lazy-pages needs pipes larger than 1 MiB.
if [ "$(cat /proc/sys/fs/pipe-max-size)" -lt 4194304 ]; then
  echo 4194304 | $SUDO tee /proc/sys/fs/pipe-max-size >/dev/null
fi

# Our patches on top of 4.1.1 (scripts/criu-patches/*.patch, applied in
# order); their hash is recorded so that a changed set rebuilds CRIU.
patch_dir="$(cd "$(dirname "$0")" && pwd)/criu-patches"
patch_hash=$(cat "$patch_dir"/*.patch 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -x "$prefix/bin/criu" ] && [ -d "$prefix/images" ] &&
   [ "$(cat "$prefix/patches.sha256" 2>/dev/null)" = "$patch_hash" ]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fetch_trixie_tarball setup-criu criu "$tarball" "$sha256"
tar xf "$tarball"
cd "criu-$version"
for p in "$patch_dir"/*.patch; do
  [ -e "$p" ] || continue
  patch -p1 --quiet < "$p" || { echo "setup-criu: patch $(basename "$p") does not apply" >&2; exit 1; }
done
echo "setup-criu: building CRIU $version (about a minute)"
make -j"$(nproc)" criu >build.log 2>&1 || { tail -40 build.log >&2; echo "setup-criu: CRIU build failed" >&2; exit 1; }
$SUDO mkdir -p "$prefix/bin" "$prefix/images"
$SUDO install -m 0755 criu/criu "$prefix/bin/criu"
$SUDO cp images/*.proto "$prefix/images/"
# crit (the image decoder) from the same source tree, for tests that cross-check images.
if [ -d crit ] || [ -d lib/pycriu ]; then
  make -j"$(nproc)" lib >/dev/null 2>&1 || true
  $SUDO mkdir -p "$prefix/python"
  [ -d lib/pycriu ] && $SUDO cp -r lib/pycriu "$prefix/python/" || true
  [ -d lib/py ] && $SUDO cp -r lib/py "$prefix/python/pycriu" || true
fi
echo "$patch_hash" | $SUDO tee "$prefix/patches.sha256" >/dev/null
echo "setup-criu: installed $prefix/bin/criu"
