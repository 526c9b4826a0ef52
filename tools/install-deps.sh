#!/usr/bin/env bash
# Installs, with apt-get, whichever Debian 12 packages ctg-gateway needs that
# are missing. Idempotent and quiet when everything is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config openssl sqlite3
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libssl-dev libsqlite3-dev libgtest-dev libgmock-dev
  libbenchmark-dev libglpk-dev python3-grpcio
  libsystemd-dev dpkg-dev systemd  # sd_notify; cpack's dpkg-shlibdeps; systemd-analyze
  prometheus-cpp-dev libcivetweb-dev
  postgresql-15 libpq-dev libpqxx-dev  # PostgreSQL backend and its throw-away test cluster
  libcpp-httplib-dev  # the web console's HTTPS listener (gateway/web/)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
  --no-install-recommends "${missing[@]}" >/dev/null
