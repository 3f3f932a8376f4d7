#!/usr/bin/env bash
# Installs every system dependency of xisa on Debian 12 (bookworm).
# Idempotent and non-interactive: safe to run on every build.
#   scripts/setup.sh          toolchain, runtime and test dependencies
#   scripts/setup.sh --no-criu  skip building CRIU (container path)
set -euo pipefail

want_criu=1
for arg in "$@"; do
  case "$arg" in
    --no-criu) want_criu=0 ;;
    *) echo "setup.sh: unknown option '$arg' (known: --no-criu)" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "$0")" && pwd)"
. "$here/apt-lib.sh"

# Foreign ISAs' musl and libgcc come through Debian multiarch.
for arch in arm64 ppc64el; do
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    $SUDO dpkg --add-architecture "$arch"
  fi
done

packages=(
  build-essential cmake ninja-build pkg-config git python3 file xz-utils
  clang-19 llvm-19-dev llvm-19-tools lld-19 libclang-19-dev
  libelf-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev libtomlplusplus-dev
  libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev protobuf-compiler python3-protobuf
  musl-dev musl-dev:arm64 musl-dev:ppc64el
  gcc-aarch64-linux-gnu gcc-powerpc64le-linux-gnu
  qemu-user valgrind gdb-multiarch
  runc iptables iproute2 procps psmisc util-linux busybox-static
  patch libnl-3-dev libnet1-dev libcap-dev libbsd-dev libgnutls28-dev libnftables-dev uuid-dev libdrm-dev libarchive-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
  apt_update
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$here/setup-lua.sh"
if [ $want_criu -eq 1 ]; then
  "$here/setup-criu.sh"
fi
echo "setup: done"
