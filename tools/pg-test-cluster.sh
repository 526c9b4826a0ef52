#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the tests of the PostgreSQL backend.
#
#   tools/pg-test-cluster.sh start DIR   # initdb in DIR, start, create roles
#   tools/pg-test-cluster.sh stop DIR    # stop and remove DIR
#   tools/pg-test-cluster.sh run -- CMD  # start in a temporary DIR, run CMD
#                                        # with CTG_TEST_PG_DIR set, stop
#   tools/pg-test-cluster.sh stop-server DIR   # stop the server of DIR's
#   tools/pg-test-cluster.sh start-server DIR  # cluster (fast shutdown) and
#                                              # start it again, data kept:
#                                              # an outage, for fault tests
#
# The cluster runs as an unprivileged user (postgres refuses root): the
# current user, or when run as root CTG_PG_USER (default "postgres", the
# user Debian's postgresql-15 package creates; "nobody" works too). It
# listens on no TCP port, only on a Unix socket in DIR/socket (mode 0700),
# so concurrent clusters never collide and no other user can reach it.
#
# Roles: ctg_admin (superuser, trust over the private socket: for the tests'
# set-up), ctg_owner (owns the database "ctg" and its schema: migrations)
# and ctg_gateway (the gateway's role: the migrations grant it only what it
# needs, never UPDATE or DELETE on append-only tables). Passwords are
# written to DIR/env with the connection URLs:
#   CTG_TEST_PG_ADMIN_URL, CTG_TEST_PG_OWNER_URL, CTG_TEST_PG_GATEWAY_URL,
#   CTG_TEST_PG_SOCKET, CTG_TEST_PG_PORT
#
# Stopping is guaranteed: a start that fails half-way stops what it started
# (trap); `run` stops on any exit of CMD; and `start` leaves a watcher that
# stops the cluster when the process that asked for it (CTG_PG_WATCH_PID, by
# default the parent, e.g. ctest) exits without calling `stop`.
set -euo pipefail

PG_BIN=${CTG_PG_BIN:-/usr/lib/postgresql/15/bin}

die() { echo "pg-test-cluster: $*" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "${CTG_PG_USER:-postgres}" -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  local dir=$1
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/watcher.pid" ]; then
    local watcher
    watcher=$(cat "$dir/watcher.pid")
    rm -f "$dir/watcher.pid"
    kill "$watcher" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

psql_admin() {
  local dir=$1; shift
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$(cat "$dir/port")" \
    -U ctg_admin -d postgres "$@"
}

start_cluster() {
  local dir=$1 watch_pid=$2
  [ -x "$PG_BIN/initdb" ] || die "no $PG_BIN/initdb: install postgresql-15 (tools/install-deps.sh)"
  # A cluster left in DIR by an interrupted run is stopped first.
  [ ! -e "$dir" ] || stop_cluster "$dir"
  mkdir -p "$dir/socket"
  trap 'stop_cluster "$dir"' ERR
  if [ "$(id -u)" -eq 0 ]; then
    chown -R "${CTG_PG_USER:-postgres}" "$dir"
  fi
  chmod 0700 "$dir" "$dir/socket"
  # Any port: without TCP it only names the socket file.
  local port=$(( 20000 + RANDOM % 40000 ))
  echo "$port" > "$dir/port"
  local owner_pw gateway_pw
  owner_pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  gateway_pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U ctg_admin --auth-local=trust \
    --auth-host=reject -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  # Only the admin role is trusted; every other role needs its password.
  cat > "$dir/data/pg_hba.conf" <<'EOF'
local all ctg_admin trust
local all all scram-sha-256
EOF
  cat >> "$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$dir/socket'
unix_socket_permissions = 0700
fsync = on
max_connections = 200
log_min_messages = warning
EOF
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start >/dev/null \
    || { cat "$dir/postgres.log" >&2; die "postgres did not start"; }
  psql_admin "$dir" <<EOF
CREATE ROLE ctg_owner LOGIN PASSWORD '$owner_pw';
CREATE ROLE ctg_gateway LOGIN PASSWORD '$gateway_pw';
CREATE DATABASE ctg OWNER ctg_owner;
EOF
  local host
  host=$(printf '%s' "$dir/socket" | sed 's|/|%2F|g')
  cat > "$dir/env" <<EOF
CTG_TEST_PG_SOCKET=$dir/socket
CTG_TEST_PG_PORT=$port
CTG_TEST_PG_ADMIN_URL=postgresql://ctg_admin@$host:$port/postgres
CTG_TEST_PG_OWNER_URL=postgresql://ctg_owner:$owner_pw@$host:$port/ctg
CTG_TEST_PG_GATEWAY_URL=postgresql://ctg_gateway:$gateway_pw@$host:$port/ctg
EOF
  trap - ERR
  if [ "$watch_pid" != 0 ]; then
    # Stops the cluster if whoever started it dies without stopping it.
    ( exec </dev/null >/dev/null 2>&1
      while kill -0 "$watch_pid" 2>/dev/null && [ -d "$dir/data" ]; do sleep 1; done
      rm -f "$dir/watcher.pid"
      [ -d "$dir/data" ] && stop_cluster "$dir" ) &
    echo $! > "$dir/watcher.pid"
  fi
}

# The server of the cluster in DIR, stopped (sessions ended at once, as in
# a restart; data kept) or started again on the same socket.
stop_server() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] || die "no server running in $dir"
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null \
    || die "the server in $dir did not stop"
}

start_server() {
  local dir=$1
  [ -d "$dir/data" ] || die "no cluster in $dir"
  # No descriptor of the caller's is left to the server (a caller reading
  # our output to its end would wait for the server to exit).
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start \
    </dev/null >/dev/null 2>>"$dir/postgres.log" \
    || { tail -5 "$dir/postgres.log" >&2; die "the server in $dir did not start"; }
}

case "${1:-}" in
  stop-server)
    [ $# -eq 2 ] || die "usage: $0 stop-server DIR"
    stop_server "$(realpath -m "$2")"
    ;;
  start-server)
    [ $# -eq 2 ] || die "usage: $0 start-server DIR"
    start_server "$(realpath -m "$2")"
    ;;
  start)
    [ $# -eq 2 ] || die "usage: $0 start DIR"
    start_cluster "$(realpath -m "$2")" "${CTG_PG_WATCH_PID:-$PPID}"
    echo "pg-test-cluster: started in $2 (env in $2/env)"
    ;;
  stop)
    [ $# -eq 2 ] || die "usage: $0 stop DIR"
    stop_cluster "$(realpath -m "$2")"
    ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -ge 1 ] || die "usage: $0 run -- COMMAND..."
    dir=$(mktemp -d /tmp/ctg-pg.XXXXXX)
    trap 'stop_cluster "$dir"' EXIT
    start_cluster "$dir" 0
    export CTG_TEST_PG_DIR=$dir
    "$@"
    ;;
  *)
    die "usage: $0 start DIR | stop DIR | run -- COMMAND... | stop-server DIR | start-server DIR"
    ;;
esac
