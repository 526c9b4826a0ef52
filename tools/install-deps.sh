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

exec "$(dirname "$0")/apt-install-missing.sh" "packages" "${packages[@]}"
