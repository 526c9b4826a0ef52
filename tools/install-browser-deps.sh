#!/usr/bin/env bash
# Installs, with apt-get, what the web console's browser tests need
# (tests/browser/, ctest label "browser"): Debian 12's Chromium and its
# WebDriver, Selenium for Python, and NSS's certutil/pk12util. Idempotent
# and quiet when everything is present. tools/run-tests.sh calls it; the
# browser test skips itself, saying why, when they are absent.
set -euo pipefail

packages=(chromium chromium-driver python3-selenium libnss3-tools)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages for the browser tests: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
  --no-install-recommends "${missing[@]}" >/dev/null
