#!/usr/bin/env bash
# Installs what is missing, builds, makes a development PKI and a demo
# database (synthetic data for Le Bouscat 33069 and Eysines 33162), and runs
# the gateway in the foreground on 127.0.0.1:8443, printing how to call it.
#
#   tools/run-demo.sh [--port N] [--fresh]
#
# Everything it makes lives in demo/ (ignored by git): demo/pki (keys and
# certificates: development only), demo/gateway.conf, demo/ctg.db.
# --fresh starts from an empty demo/ directory. Ctrl-C stops the gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

port=8443
fresh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-demo: unknown option $1" >&2; exit 2 ;;
  esac
done

tools/install-deps.sh
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
[ -f build/CMakeCache.txt ] || cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)" --target ctg-gateway ctg ctg-synth

demo="$root/demo"
[ "$fresh" -eq 0 ] || rm -rf "$demo"
mkdir -p "$demo"
[ -f "$demo/pki/ca.pem" ] || certs/make-dev-pki.sh "$demo/pki" >/dev/null
# The gateway refuses private keys that group or others may read (a demo/
# made by an older version may have them 0644).
chmod 600 "$demo"/pki/*.key "$demo"/pki/clients/*.key
# PKCS#12 copies of the client certificates, to import into a browser for
# the web console (password "demo").
for pem in "$demo"/pki/clients/*.pem; do
  p12="${pem%.pem}.p12"
  [ -f "$p12" ] || openssl pkcs12 -export -in "$pem" -inkey "${pem%.pem}.key" -out "$p12" \
    -name "$(basename "${pem%.pem}")" -passout pass:demo 2>/dev/null && chmod 600 "$p12"
done

cat > "$demo/gateway.conf" <<CONF
# Demo configuration (docs/configuration.md is the reference).
listen = "127.0.0.1:$port"
trust_domain = "ctg.caf33.fr"
caf_id = "33"
caf_name = "Caf de la Gironde"
database = "ctg.db"

[tls]
ca = "pki/ca.pem"
cert = "pki/server.pem"
key = "pki/server.key"
crl = "pki/crl.pem"

[audit]
signing_key = "pki/audit-signing.key"
checkpoint_interval_seconds = 60

[web]
listen = "127.0.0.1:$((port + 1))"
CONF

gateway_log="$demo/gateway.log"
build/gateway/ctg-gateway --config "$demo/gateway.conf" > "$gateway_log" 2>&1 &
gateway_pid=$!
trap 'kill -TERM $gateway_pid 2>/dev/null; wait $gateway_pid 2>/dev/null' EXIT INT TERM

export CTG_GATEWAY="127.0.0.1:$port" CTG_CA="$demo/pki/ca.pem"
as() { CTG_CERT="$demo/pki/clients/$1.pem" CTG_KEY="$demo/pki/clients/$1.key" build/cli/ctg "${@:2}"; }
for _ in $(seq 1 100); do
  as admin health --timeout 1 >/dev/null 2>&1 && break
  sleep 0.2
  kill -0 $gateway_pid 2>/dev/null || { cat "$gateway_log" >&2; exit 1; }
done
as admin health >/dev/null || { cat "$gateway_log" >&2; exit 1; }

if [ -x tools/demo-data.sh ] && [ ! -f "$demo/.data-loaded" ]; then
  tools/demo-data.sh "$demo" && touch "$demo/.data-loaded"
fi

cat <<TXT

ctg-gateway is serving on 127.0.0.1:$port (mTLS; log: demo/gateway.log).
Call it as any demo identity, e.g. the requester of Le Bouscat:

  export CTG_GATEWAY=127.0.0.1:$port CTG_CA=$demo/pki/ca.pem
  export CTG_CERT=$demo/pki/clients/requester-33069.pem CTG_KEY=$demo/pki/clients/requester-33069.key
  build/cli/ctg health
  build/cli/ctg catalogue indicators

Other identities in demo/pki/clients/: requester-33162 (Eysines), operator-33069,
reviewer, reviewer2, admin, auditor. The README walks through each role.

The web console is on https://127.0.0.1:$((port + 1))/ : import demo/pki/ca.pem as
a trusted CA and one of demo/pki/clients/*.p12 (password "demo") into your
browser (README, "Web console").
Ctrl-C stops the gateway.
TXT
wait $gateway_pid
