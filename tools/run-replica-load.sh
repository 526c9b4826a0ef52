#!/usr/bin/env bash
# ctg-load on the three storage set-ups, one after the other, on the same
# machine and base: SQLite (one gateway), PostgreSQL with one gateway, and
# PostgreSQL with two gateway replicas on one database (ctg-load spreads its
# workers over both). Each run reports its own Health/Check, so each method's
# throughput is a ratio to the floor of that same run.
#
#   tools/run-replica-load.sh [--build DIR] [--communes N] [--duration S]
#                             [--concurrency N] [--methods LIST] [--out DIR]
#
#   --build DIR        build directory with ctg-gateway, ctg, ctg-synth and
#                      ctg-load built (default build)
#   --communes N       communes of the synthetic national base (default 3500)
#   --duration S       measured seconds per phase (default 5; warm-up 2)
#   --concurrency N    ctg-load streams (default 8)
#   --methods LIST     ctg-load methods (default health,get,submit,extract,
#                      extract-new,audit)
#   --out DIR          where the three reports go (default: a new temporary
#                      directory, printed at the end)
#
# PostgreSQL is a throw-away cluster of tools/pg-test-cluster.sh (Unix
# socket, fsync and synchronous_commit on); the script runs itself under
# `tools/pg-test-cluster.sh run` and everything stops at its end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ -z "${CTG_TEST_PG_DIR:-}" ]; then
  exec tools/pg-test-cluster.sh run -- "$root/tools/run-replica-load.sh" "$@"
fi

build=build
communes=3500
duration=5
concurrency=8
methods=health,get,submit,extract,extract-new,audit
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --communes) communes=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "run-replica-load: unknown argument $1" >&2; exit 2 ;;
  esac
done

gateway_bin=$root/$build/gateway/ctg-gateway
ctg_bin=$root/$build/cli/ctg
synth_bin=$root/$build/tools/ctg-synth/ctg-synth
load_bin=$root/$build/bench/load/ctg-load
for b in "$gateway_bin" "$ctg_bin" "$synth_bin" "$load_bin"; do
  [ -x "$b" ] || { echo "run-replica-load: build $b first" >&2; exit 1; }
done

work=$(mktemp -d /tmp/ctg-replica-load.XXXXXX)
[ -n "$out" ] || out=$work/reports
mkdir -p "$out"
gw_pids=()
cleanup() {
  local pid
  for pid in "${gw_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${gw_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
log() { echo "run-replica-load: $*" >&2; }

# shellcheck disable=SC1091
. "$CTG_TEST_PG_DIR/env"
pki=$work/pki
certs/make-dev-pki.sh "$pki" >/dev/null

# A requester certificate for commune $1, as tools/run-benchmarks.sh does.
issue_requester() {
  local code=$1 base=$pki/clients/requester-$1
  printf '[ ext ]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:spiffe://ctg.caf33.fr/commune/%s/requester/bench.%s\n' \
    "$code" "$code" > "$pki/ca-db/ext-bench-$code.cnf"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$base.key" 2>/dev/null
  openssl req -new -key "$base.key" -subj "/O=ctg-gateway dev/CN=requester-$code" -out "$base.csr" 2>/dev/null
  openssl ca -batch -notext -config "$pki/ca-db/ca.cnf" -cert "$pki/ca.pem" -keyfile "$pki/ca.key" \
    -in "$base.csr" -out "$base.pem" -extfile "$pki/ca-db/ext-bench-$code.cnf" -extensions ext 2>/dev/null
  rm -f "$base.csr"
}

log "generating a base of $communes communes"
"$synth_bin" --mode national --communes "$communes" --out "$work/base" > "$work/synth.txt"
names=()
for code in $(awk -F, 'NR > 1 && $2 == "iris" {n[$4]++}
    END {for (c in n) if (n[c] >= 12 && n[c] <= 20) print c}' "$work/base/territories.csv" |
    sort | head -n "$concurrency"); do
  issue_requester "$code"
  names+=("requester-$code")
done
requesters=$(IFS=,; echo "${names[*]}")

# start_gateway NAME DATABASE_LINES: starts a gateway, appends its address
# to $addresses and its pid to gw_pids.
start_gateway() {
  local name=$1 database=$2 conf=$work/$1.conf
  cat > "$conf" <<CONF
listen = "127.0.0.1:0"
trust_domain = "ctg.caf33.fr"
caf_id = "33"
caf_name = "Caf de la Gironde"
$database
[tls]
ca = "$pki/ca.pem"
cert = "$pki/server.pem"
key = "$pki/server.key"
crl = "$pki/crl.pem"
[audit]
signing_key = "$pki/audit-signing.key"
checkpoint_interval_seconds = 60
[limits]
calls_per_minute = 0
CONF
  "$gateway_bin" --config "$conf" > "$work/$name.out" 2> "$work/$name.err" &
  gw_pids+=($!)
  local pid=$! address=""
  for _ in $(seq 1 600); do
    address=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$work/$name.out" | head -1)
    [ -z "$address" ] || break
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$address" ] || { log "$name did not start"; exit 1; }
  addresses=${addresses:+$addresses,}$address
}
stop_gateways() {
  cleanup
  gw_pids=()
  addresses=""
}
as_admin() {
  CTG_GATEWAY=${addresses%%,*} CTG_CA=$pki/ca.pem CTG_CERT=$pki/clients/admin.pem \
    CTG_KEY=$pki/clients/admin.key "$ctg_bin" "$@"
}
# run_load LABEL: imports the base through the first gateway, then ctg-load
# against all of them.
run_load() {
  local label=$1
  as_admin admin import "$work/base/statistics-2023.csv" --period 2023 >/dev/null
  log "$label: ctg-load on $addresses"
  "$load_bin" --gateway "$addresses" --pki "$pki" --requesters "$requesters" \
    --concurrency "$concurrency" --duration "$duration" --warmup 2 \
    --methods "$methods" --tsv "$out/load.tsv" --label "$label" \
    > "$out/$label.txt" 2> "$out/$label.err" || { cat "$out/$label.err" >&2; exit 1; }
  uptime > "$out/$label.uptime"
  cat "$out/$label.txt"
}
pg_database() {  # pg_database DB: a new database, its [database] section
  "${CTG_PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -q -v ON_ERROR_STOP=1 \
    "$CTG_TEST_PG_ADMIN_URL" -c "CREATE DATABASE $1 OWNER ctg_owner" >/dev/null
  printf '[database]\nurl = "%s"\nmigrate_url = "%s"\n' \
    "${CTG_TEST_PG_GATEWAY_URL%/*}/$1" "${CTG_TEST_PG_OWNER_URL%/*}/$1"
}

addresses=""
uptime > "$out/start.uptime"
start_gateway sqlite "database = \"$work/ctg.db\""
run_load sqlite
stop_gateways

section=$(pg_database one)
start_gateway pg1 "$section"
run_load postgres-1
stop_gateways

section=$(pg_database two)
start_gateway pg2a "$section"
start_gateway pg2b "$section"
run_load postgres-2
stop_gateways
log "reports in $out"
