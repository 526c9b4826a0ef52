#!/usr/bin/env bash
# Revokes one client certificate of a development PKI made by
# make-dev-pki.sh and rewrites its CRL (DIR/crl.pem and DIR/crl/):
#
#   certs/revoke-dev-cert.sh DIR CLIENT      e.g. DIR requester2-33069
#
# A running gateway picks the new CRL up at its next reload
# (tls.reload_seconds) or at once on SIGHUP.
set -euo pipefail
dir="${1:?usage: revoke-dev-cert.sh DIR CLIENT}"
client="${2:?usage: revoke-dev-cert.sh DIR CLIENT}"
cert="$dir/clients/$client.pem"
[ -f "$cert" ] || { echo "revoke-dev-cert: no certificate $cert" >&2; exit 2; }
openssl ca -batch -config "$dir/ca-db/ca.cnf" -cert "$dir/ca.pem" -keyfile "$dir/ca.key" \
  -revoke "$cert" 2>/dev/null
openssl ca -batch -config "$dir/ca-db/ca.cnf" -cert "$dir/ca.pem" -keyfile "$dir/ca.key" \
  -gencrl -out "$dir/crl.pem.new" 2>/dev/null
mv "$dir/crl.pem.new" "$dir/crl.pem"
rm -f "$dir"/crl/*
cp "$dir/crl.pem" "$dir/crl/ca.crl.pem"
openssl rehash "$dir/crl" 2>/dev/null || true
echo "revoked $client; CRL rewritten: $dir/crl.pem"
