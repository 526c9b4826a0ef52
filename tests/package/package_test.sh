#!/usr/bin/env bash
# The packaging check (ctest label "package"): builds the Debian package with
# CPack, unpacks it into a scratch root (dpkg -x), verifies the systemd units
# (systemd-analyze verify, when available), creates the service user in the
# scratch root (systemd-sysusers --root), starts the installed ctg-gateway
# with the packaged configuration layout as that user (setpriv), scrapes its
# metrics listener (enabled on port 0; address from the oplog start event:
# /metrics has ctg_build_info and ctg_health_serving 1, /healthz SERVING), calls it
# with the installed ctg (health, an administrator call), backs it up while
# it serves with the packaged backup script (retention included) and checks
# the copy. Exit 77 (skipped) when cpack or dpkg-deb is missing, or for a
# sanitizer build.
#
#   tests/package/package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "${1:?usage: package_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
src=$(cd "${2:?usage: package_test.sh BUILD_DIR SOURCE_DIR}" && pwd)

step() { echo "package_test: $*"; }
fail() { echo "package_test: FAILED: $*" >&2; exit 1; }
for tool in cpack dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "package_test: SKIPPED: $tool not installed"; exit 77; }
done

if grep -q '^CTG_SANITIZE:STRING=.' "$build/CMakeCache.txt"; then
  echo "package_test: SKIPPED: a sanitizer build is not packaged"
  exit 77
fi

work=$(mktemp -d /tmp/ctg-package-XXXXXX)
gateway_pid=""
cleanup() {
  [ -z "$gateway_pid" ] || kill -KILL "$gateway_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"

step "cpack"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$work"/out/ctg-gateway_*.deb)
ls "$work"/out/ctg-synth_*.deb >/dev/null || fail "no ctg-synth package"

step "package metadata: $(basename "$deb")"
info=$(dpkg-deb -f "$deb" Package Version Depends)
echo "$info"
grep -q '^Depends:.*libgrpc++' <<<"$info" || fail "Depends lacks the shared libraries (shlibdeps)"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/ctg-gateway/ctg-gateway.conf \
  || fail "the configuration is not a conffile"
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
for script in preinst postinst prerm postrm; do
  sh -n "$work/control/$script" || fail "$script does not parse"
done
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/ctg-gateway ./usr/bin/ctg ./etc/ctg-gateway/ctg-gateway.conf \
            ./usr/lib/systemd/system/ctg-gateway.service \
            ./usr/lib/systemd/system/ctg-gateway-backup.service \
            ./usr/lib/systemd/system/ctg-gateway-backup.timer \
            ./usr/libexec/ctg-gateway/ctg-gateway-backup \
            ./usr/lib/sysusers.d/ctg-gateway.conf ./usr/lib/tmpfiles.d/ctg-gateway.conf \
            ./usr/share/doc/ctg-gateway/README.md; do
  grep -q " $path\$" <<<"$contents" || fail "$path missing from the package"
done

root="$work/root"
dpkg -x "$deb" "$root"
chmod 0755 "$root"
units="$root/usr/lib/systemd/system"

version=$("$build/gateway/ctg-gateway" --version)
[ "$("$root/usr/bin/ctg-gateway" --version)" = "$version" ] || fail "installed --version differs"
"$root/usr/bin/ctg" --version | grep -q "^ctg " || fail "ctg --version"
package_version=$(dpkg-deb -f "$deb" Version)
[ "${package_version%-*}" = "$(cut -d' ' -f2 <<<"$version")" ] \
  || fail "package version $package_version, binaries $version (build again)"
step "installed: $version"

if command -v systemd-analyze >/dev/null; then
  step "systemd-analyze verify"
  # The units name /usr/bin/...: verify copies that name the scratch root's
  # files (systemd-analyze checks that the commands are executable).
  mkdir "$work/units"
  for unit in ctg-gateway.service ctg-gateway-backup.service ctg-gateway-backup.timer; do
    sed -e "s|=/usr/|=$root/usr/|" "$units/$unit" >"$work/units/$unit"
  done
  if ! systemd-analyze verify "$work/units/ctg-gateway.service" \
       "$work/units/ctg-gateway-backup.service" "$work/units/ctg-gateway-backup.timer" \
       >"$work/verify.log" 2>&1; then
    cat "$work/verify.log" >&2
    fail "systemd-analyze verify"
  fi
  ! grep . "$work/verify.log" || fail "systemd-analyze verify warned (above)"
  for unit in ctg-gateway.service ctg-gateway-backup.service; do
    systemd-analyze security --offline=yes "$work/units/$unit" 2>/dev/null | tail -1 || true
  done
else
  step "SKIPPED systemd-analyze verify: systemd-analyze not installed"
fi

# The layout the postinst and systemd make: the user, /etc/ctg-gateway
# (root:ctg-gateway 0750, files 0640), /var/lib and /var/backups (0700).
run_as=()
if [ "$(id -u)" -eq 0 ] && command -v systemd-sysusers >/dev/null && command -v setpriv >/dev/null; then
  mkdir -p "$root/etc"
  cp /etc/passwd /etc/group "$root/etc/"  # so the new uid is free on this host too
  systemd-sysusers --root="$root" "$root/usr/lib/sysusers.d/ctg-gateway.conf"
  uid=$(awk -F: '$1 == "ctg-gateway" { print $3 }' "$root/etc/passwd")
  gid=$(awk -F: '$1 == "ctg-gateway" { print $3 }' "$root/etc/group")
  [ -n "$uid" ] && [ -n "$gid" ] || fail "systemd-sysusers made no ctg-gateway user"
  step "service user ctg-gateway: uid $uid gid $gid"
  run_as=(setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs --)
else
  step "not root (or no systemd-sysusers/setpriv): running as $(id -un), not as a service user"
  uid=$(id -u); gid=$(id -g)
fi

conf_dir="$root/etc/ctg-gateway"
state="$root/var/lib/ctg-gateway"
backups="$root/var/backups/ctg-gateway"
bash "$src/certs/make-dev-pki.sh" "$work/pki" >/dev/null
mkdir -p "$conf_dir/pki" "$state" "$backups"
for f in ca.pem server.pem server.key crl.pem audit-signing.key; do
  cp "$work/pki/$f" "$conf_dir/pki/$f"
done
# The packaged file, with the two keys it leaves for the operator and the
# scratch root's paths.
sed -e 's|^#trust_domain = .*|trust_domain = "ctg.caf33.fr"|' -e 's|^#caf_id = .*|caf_id = "33"|' \
    -e "s|/var/lib/ctg-gateway|$state|" -e 's|^listen = .*|listen = "127.0.0.1:0"|' \
    -e 's|^#\[metrics\]$|[metrics]|' -e 's|^#listen = "127.0.0.1:9464"$|listen = "127.0.0.1:0"|' \
    "$conf_dir/ctg-gateway.conf" >"$work/conf" && cat "$work/conf" >"$conf_dir/ctg-gateway.conf"
grep -qx '\[metrics\]' "$conf_dir/ctg-gateway.conf" || fail "no [metrics] section to enable in the packaged file"
config="$conf_dir/ctg-gateway.conf"
chown -R "0:$gid" "$conf_dir"
chmod 0750 "$conf_dir" "$conf_dir/pki"
chmod 0640 "$config" "$conf_dir"/pki/*
# Private keys: the service user's own, 0600 (the gateway refuses others).
chown "$uid:$gid" "$conf_dir/pki/server.key" "$conf_dir/pki/audit-signing.key"
chmod 0600 "$conf_dir/pki/server.key" "$conf_dir/pki/audit-signing.key"
chown "$uid:$gid" "$state" "$backups"
chmod 0700 "$state" "$backups"

step "start the installed gateway"
(umask 0077; exec "${run_as[@]}" "$root/usr/bin/ctg-gateway" --config "$config" \
   >"$work/gateway.out" 2>"$work/gateway.err") &
gateway_pid=$!
address=""
for _ in $(seq 1 150); do
  address=$(sed -n 's/.*listening on \([^ ]*\) .*/\1/p' "$work/gateway.out")
  [ -n "$address" ] && break
  kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/gateway.err" >&2; fail "the gateway exited"; }
  sleep 0.2
done
[ -n "$address" ] || { cat "$work/gateway.err" >&2; fail "the gateway did not start"; }
head -1 "$work/gateway.out"
grep -qF "ctg-gateway $(cut -d' ' -f2 <<<"$version"): listening on" "$work/gateway.out" \
  || fail "no version in the start-up line"
[ "$(stat -c '%a %u' "$state/ctg.db")" = "600 $uid" ] || fail "database mode $(stat -c '%a %u' "$state/ctg.db")"

# GET of a plain-HTTP path on HOST:PORT: status line, headers and body.
http_get() {
  if command -v curl >/dev/null; then
    curl -si --max-time 10 "http://$1$2"
  else
    local host=${1%:*} port=${1##*:}
    exec 3<>"/dev/tcp/$host/$port" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$2" "$1" >&3
    timeout 10 cat <&3
    exec 3<&-
  fi
}
step "metrics and /healthz on the address of the start event"
metrics=$(grep '"event":"start"' "$work/gateway.err" | sed -n 's/.*"metrics_listen":"\([^"]*\)".*/\1/p')
[[ "$metrics" =~ ^127\.0\.0\.1:[1-9][0-9]*$ ]] \
  || { cat "$work/gateway.err" >&2; fail "no bound metrics address in the start event ($metrics)"; }
http_get "$metrics" /metrics >"$work/metrics" || fail "GET /metrics on $metrics"
head -1 "$work/metrics" | grep -q ' 200' || fail "GET /metrics: $(head -1 "$work/metrics")"
grep -q '^ctg_build_info{.* 1$' "$work/metrics" || fail "no ctg_build_info in /metrics"
grep -qx 'ctg_health_serving 1' "$work/metrics" || fail "ctg_health_serving is not 1"
http_get "$metrics" /healthz >"$work/healthz" || fail "GET /healthz on $metrics"
head -1 "$work/healthz" | grep -q ' 200' || fail "GET /healthz: $(head -1 "$work/healthz")"
grep -q SERVING "$work/healthz" || fail "/healthz does not say SERVING"

as() {
  CTG_GATEWAY="$address" CTG_CA="$work/pki/ca.pem" CTG_CERT="$work/pki/clients/$1.pem" \
    CTG_KEY="$work/pki/clients/$1.key" "$root/usr/bin/ctg" "${@:2}"
}
step "ctg health; ctg admin convention create / list"
as auditor health
as admin admin convention create --commune 33069 --name "Le Bouscat" --from 2020-03-01 \
  --until 2027-12-31 --perimeter 33069
as admin admin convention list | grep -q CTG-33069-1 || fail "the convention is not listed"

step "backup while serving (packaged script, retention 1 day)"
old_daily="$backups/ctg-gateway-20000101T000000Z.db"
old_upgrade="$backups/ctg-gateway-before-0.0.1-1-20000101T000000Z.db"
touch -d '3 days ago' "$old_daily" "$old_upgrade"
chown "$uid:$gid" "$old_daily" "$old_upgrade"
CTG_GATEWAY_CONFIG="$config" CTG_BACKUP_DIR="$backups" CTG_BACKUP_KEEP_DAYS=1 \
  CTG_GATEWAY_BIN="$root/usr/bin/ctg-gateway" \
  "${run_as[@]}" "$root/usr/libexec/ctg-gateway/ctg-gateway-backup"
[ ! -e "$old_daily" ] || fail "retention kept the old daily copy"
[ -e "$old_upgrade" ] || fail "retention deleted the copy made before an upgrade"
copy=$(ls "$backups"/ctg-gateway-2*Z.db | grep -v 20000101)
[ "$(stat -c '%a %u' "$copy")" = "600 $uid" ] || fail "backup mode $(stat -c '%a %u' "$copy")"
"${run_as[@]}" "$root/usr/bin/ctg-gateway" --config "$config" --check "$copy" | tee "$work/check"
grep -q intact "$work/check" || fail "the backup does not verify"

step "stop"
kill -TERM "$gateway_pid"
wait "$gateway_pid" || fail "the gateway exited with $?"
gateway_pid=""
step "OK"
