#!/usr/bin/env bash
# Installs, with apt-get, those of the Debian packages named that are not
# installed yet. Idempotent and quiet when all are present. The first
# argument names them in the message shown before installing:
#
#   tools/apt-install-missing.sh "packages for the browser tests" chromium ...
#
# Used by tools/install-deps.sh and tools/install-browser-deps.sh.
set -euo pipefail

label=$1
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing ${label}: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
  --no-install-recommends "${missing[@]}" >/dev/null
