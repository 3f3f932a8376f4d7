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
