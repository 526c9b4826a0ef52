#!/usr/bin/env bash
# Installs, with apt-get, what the web console's browser tests need
# (tests/browser/, ctest label "browser"): Debian 12's Chromium and its
# WebDriver, Selenium for Python, and NSS's certutil/pk12util. Idempotent
# and quiet when everything is present. tools/run-tests.sh calls it; the
# browser test skips itself, saying why, when they are absent.
set -euo pipefail

packages=(chromium chromium-driver python3-selenium libnss3-tools)

exec "$(dirname "$0")/apt-install-missing.sh" "packages for the browser tests" "${packages[@]}"
