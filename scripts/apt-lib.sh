# Sourced by the setup scripts: non-interactive apt with a tolerant update.
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# A mirror mid-sync can fail one index (seen for bookworm-security ppc64el);
# retry, then go on with what was fetched: an install that needs a missing
# index still fails loudly.
apt_update() {
  local try
  for try in 1 2 3; do
    $SUDO apt-get update -qq && return 0
    echo "setup: apt-get update failed (try $try of 3)" >&2
    sleep 5
  done
  echo "setup: WARNING: some package indexes could not be fetched; continuing" >&2
}

# Debian trixie's source archive (deb-src only), where newer upstream
# sources come from (CRIU 4.1, Lua 5.4.7): same mirror as the machine's.
add_trixie_sources() {
  local src_list=/etc/apt/sources.list.d/xisa-trixie-src.sources uri
  [ -f "$src_list" ] && return 0
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || uri=http://deb.debian.org/debian
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" \
    | $SUDO tee "$src_list" >/dev/null
  apt_update
}

# Downloads the upstream tarball of trixie's source package PACKAGE into the
# current directory and checks its SHA-256; WHO names the caller in errors.
fetch_trixie_tarball() {
  local who=$1 package=$2 tarball=$3 sha256=$4
  add_trixie_sources
  apt-get source --download-only "$package/trixie" >/dev/null 2>&1 || true
  [ -f "$tarball" ] || { echo "$who: could not download $tarball from the trixie source archive" >&2; exit 1; }
  echo "$sha256  $tarball" | sha256sum -c --quiet - || { echo "$who: $tarball has the wrong SHA-256; refusing it" >&2; exit 1; }
}
