#!/usr/bin/env bash
# Makes a DEVELOPMENT public-key infrastructure for ctg-gateway into DIR:
# a Caf CA, the gateway's server certificate, one client certificate per
# role, the deliberately bad certificates the security tests need, a CRL and
# the Ed25519 key that signs audit checkpoints.
#
#   certs/make-dev-pki.sh DIR [--trust-domain TD] [--caf-id ID]
#
# Never use this for a real deployment: every key is unencrypted and the CA
# key sits beside the certificates. No key made here is ever committed.
set -euo pipefail

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

out=""
trust_domain="ctg.caf33.fr"
caf_id="33"
while [ $# -gt 0 ]; do
  case "$1" in
    --trust-domain) trust_domain="${2:?--trust-domain needs a value}"; shift 2 ;;
    --caf-id) caf_id="${2:?--caf-id needs a value}"; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "make-dev-pki: unknown option $1" >&2; usage 2 ;;
    *) [ -z "$out" ] || { echo "make-dev-pki: one DIR only" >&2; exit 2; }
       out="$1"; shift ;;
  esac
done
[ -n "$out" ] || { echo "make-dev-pki: missing DIR" >&2; usage 2; }
command -v openssl >/dev/null || { echo "make-dev-pki: openssl not found" >&2; exit 1; }

mkdir -p "$out/clients" "$out/crl" "$out/ca-db" "$out/foreign-ca-db"
out=$(cd "$out" && pwd)
umask 077
td="spiffe://$trust_domain"

# --- a minimal `openssl ca` set-up (needed for back-dated certs and the CRL)
init_ca_db() {  # DB_DIR
  : > "$1/index.txt"
  echo 1000 > "$1/serial"
  echo 1000 > "$1/crlnumber"
  cat > "$1/ca.cnf" <<CNF
[ ca ]
default_ca = dev_ca
[ dev_ca ]
dir = $1
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir
default_md = sha256
default_days = 825
default_crl_days = 3650
policy = any
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
organizationName = optional
[ ext_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
}

new_key() {  # KEY_FILE
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

make_ca() {  # NAME DB_DIR CN
  new_key "$out/$1.key"
  openssl req -new -x509 -key "$out/$1.key" -out "$out/$1.pem" -days 3650 \
    -subj "/O=Caf de la Gironde (dev)/CN=$3" \
    -addext "basicConstraints=critical,CA:true" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# issue DB_DIR CA_NAME OUT_BASE CN EXT_SECTION_TEXT [STARTDATE ENDDATE]
issue() {
  local db=$1 ca=$2 base=$3 cn=$4 ext=$5 start=${6:-} end=${7:-}
  local extfile="$db/ext-$(basename "$base").cnf"
  printf '[ ext ]\n%s\n' "$ext" > "$extfile"
  new_key "$base.key"
  openssl req -new -key "$base.key" -subj "/O=ctg-gateway dev/CN=$cn" \
    -out "$base.csr" 2>/dev/null
  local dates=()
  if [ -n "$start" ]; then dates=(-startdate "$start" -enddate "$end"); fi
  openssl ca -batch -notext -config "$db/ca.cnf" -cert "$out/$ca.pem" \
    -keyfile "$out/$ca.key" -in "$base.csr" -out "$base.pem" \
    -extfile "$extfile" -extensions ext "${dates[@]}" 2>/dev/null
  rm -f "$base.csr"
}

client_ext() {  # SAN list, e.g. "URI:spiffe://..."
  printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=%s' "$1"
}

init_ca_db "$out/ca-db"
init_ca_db "$out/foreign-ca-db"
make_ca ca ca-db "Caf de la Gironde dev CA"
make_ca foreign-ca foreign-ca-db "Some other CA"

issue "$out/ca-db" ca "$out/server" localhost \
  "$(printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1')"

# name -> SAN (valid identities first, then the test-only bad shapes)
declare -A clients=(
  [requester-33069]="URI:$td/commune/33069/requester/alice.martin"
  [requester2-33069]="URI:$td/commune/33069/requester/bruno.petit"
  [operator-33069]="URI:$td/commune/33069/operator/compas-analyse"
  [requester-33162]="URI:$td/commune/33162/requester/chloe.durand"
  [reviewer]="URI:$td/caf/$caf_id/reviewer/denis.roux"
  [reviewer2]="URI:$td/caf/$caf_id/reviewer/emma.leroy"
  [admin]="URI:$td/caf/$caf_id/admin/fabrice.moreau"
  [auditor]="URI:$td/caf/$caf_id/auditor/gaelle.simon"
  [caf-requester]="URI:$td/caf/$caf_id/requester/hugo.bernard"
  [commune-reviewer-33069]="URI:$td/commune/33069/reviewer/ines.garcia"
  [commune-reviewer2-33069]="URI:$td/commune/33069/reviewer/jules.fabre"
  [commune-reviewer-33162]="URI:$td/commune/33162/reviewer/karim.nadir"
  [revoked]="URI:$td/commune/33069/requester/revoked.user"
  [no-uri]="DNS:no-uri.example"
  [two-uris]="URI:$td/commune/33069/requester/alice.martin,URI:$td/caf/$caf_id/admin/mallory"
  [other-domain]="URI:spiffe://evil.example/caf/$caf_id/admin/mallory"
  [unknown-role]="URI:$td/caf/$caf_id/superuser/mallory"
)
for name in "${!clients[@]}"; do
  issue "$out/ca-db" ca "$out/clients/$name" "$name" "$(client_ext "${clients[$name]}")"
done
issue "$out/ca-db" ca "$out/clients/expired" expired \
  "$(client_ext "URI:$td/commune/33069/requester/expired.user")" \
  20200101000000Z 20210101000000Z
issue "$out/foreign-ca-db" foreign-ca "$out/clients/foreign" foreign \
  "$(client_ext "URI:$td/caf/$caf_id/admin/mallory")"

# Revoke one client and publish the CRL, also as a hashed directory (the
# layout OpenSSL's lookup by issuer hash expects).
openssl ca -batch -config "$out/ca-db/ca.cnf" -cert "$out/ca.pem" \
  -keyfile "$out/ca.key" -revoke "$out/clients/revoked.pem" 2>/dev/null
openssl ca -batch -config "$out/ca-db/ca.cnf" -cert "$out/ca.pem" \
  -keyfile "$out/ca.key" -gencrl -out "$out/crl.pem" 2>/dev/null
rm -f "$out"/crl/*
cp "$out/crl.pem" "$out/crl/ca.crl.pem"
openssl rehash "$out/crl" 2>/dev/null || true

# The Ed25519 key that signs audit checkpoints, and its public half for
# auditors.
openssl genpkey -algorithm ed25519 -out "$out/audit-signing.key" 2>/dev/null
openssl pkey -in "$out/audit-signing.key" -pubout -out "$out/audit-signing.pub" 2>/dev/null

chmod 644 "$out"/*.pem "$out"/clients/*.pem "$out/audit-signing.pub"
# Private keys stay private (the gateway refuses a key that group or others
# may read).
chmod 600 "$out"/*.key "$out"/clients/*.key
echo "Development PKI written to $out (trust domain $trust_domain, caf id $caf_id)"
