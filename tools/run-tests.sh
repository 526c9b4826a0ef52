#!/usr/bin/env bash
# Builds ctg-gateway and runs every test (unit, integration over mTLS, the
# web console in headless Chromium (ctest label "browser"), and the
# packaging check: the Debian package built, unpacked into a scratch root,
# started as its service user and backed up; ctest label "package").
#
#   tools/run-tests.sh              # RelWithDebInfo build in build/
#   tools/run-tests.sh --sanitize   # AddressSanitizer + UBSan, in build-asan/
#   tools/run-tests.sh --tsan       # ThreadSanitizer, in build-tsan/
#
# Extra arguments after -- go to ctest (e.g. -- -R Foundation, -- -L package).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) build_dir=build-asan; cmake_args+=(-DCTG_SANITIZE=address,undefined -DCTG_BUILD_BENCH=OFF); shift ;;
    --tsan) build_dir=build-tsan; cmake_args+=(-DCTG_SANITIZE=thread -DCTG_BUILD_BENCH=OFF); shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-tests: unknown option $1" >&2; exit 2 ;;
  esac
done

tools/install-deps.sh
tools/install-browser-deps.sh  # headless Chromium for the web console's browser test
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" "${generator[@]}" "${cmake_args[@]}"
fi
cmake --build "$build_dir" -j "$(nproc)"
# Tests that start gateways use loopback only; run two at a time.
ctest --test-dir "$build_dir" --output-on-failure -j 2 "$@"
