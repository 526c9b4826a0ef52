#!/usr/bin/env bash
# Re-vendors the web console's front-end libraries from the npm registry,
# exactly as pinned by package-lock.json (npm ci), into
#   dist/lib/   served by the gateway (embedded in the binary): Chart.js
#   test/       used only by the browser tests: axe-core
# and records their SHA-256 in SHA256SUMS. The build and CI never run this
# (no network, no npm): the vendored files are committed. To upgrade, change
# the versions in package.json, run `npm install --save-exact` here, then
# this script, and commit package*.json, dist/, test/ and SHA256SUMS.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
mkdir -p dist/lib test
cp node_modules/chart.js/dist/chart.umd.min.js dist/lib/chart.umd.min.js
cp node_modules/chart.js/LICENSE.md dist/lib/chart.js.LICENSE.md
cp node_modules/axe-core/axe.min.js test/axe.min.js
cp node_modules/axe-core/LICENSE test/axe-core.LICENSE
sha256sum dist/lib/* test/* > SHA256SUMS
rm -rf node_modules
echo "vendored: chart.js $(node -p 'require("./package-lock.json").packages["node_modules/chart.js"].version')," \
     "axe-core $(node -p 'require("./package-lock.json").packages["node_modules/axe-core"].version')"
