#!/usr/bin/env bash
# Benchmarks of ctg-gateway (issue #9), written as ONE table into
# bench/RESULTS.md (machine, date, command, figures, ratios, targets):
#
#  1. for each base size (--sizes, communes of the national synthetic base):
#     generate it (ctg-synth), start a gateway on a fresh database, import
#     it, restart the gateway on the loaded database, and measure the
#     import, the start-up and the gateway's resident memory (/proc);
#  2. on the largest base: bench/load's ctg-load over mTLS on loopback
#     (Health/Check, GetRequest, SubmitRequest, GetExtract of a ~1,000-cell
#     table as a re-download and as a first download, Audit.ListEvents),
#     closed loop then open loop at 50 % of each method's maximum, sampling
#     the gateway's RSS all along; then extracts of ~100, ~1,000 and ~5,000
#     cells; then the audit trail grown to three sizes (GetRequest,
#     ListEvents, start-up time and RSS at each);
#  3. the Google Benchmark suites (secret statistique, extract build, audit
#     append/verify, group commit).
#
#   tools/run-benchmarks.sh [--build DIR] [--sizes N1,N2,N3] [--duration S]
#                           [--concurrency N] [--audit-sizes E1,E2,E3]
#                           [--quick] [--no-gbench] [--out FILE] [--keep]
#
#   --build DIR        build directory (default build); the targets needed are
#                      built in it (RelWithDebInfo expected)
#   --sizes LIST       communes of the synthetic bases (default 3500,12000,35000;
#                      the last one is the one loaded)
#   --duration S       measured seconds per load phase (default 10; warm-up 2)
#   --concurrency N    ctg-load streams (default 16)
#   --audit-sizes LIST audit trail sizes to grow to (default 100000,300000,1000000)
#   --quick            sizes 3500,35000, 5 s phases, audit sizes 30000,100000,
#                      and only the headline Google Benchmarks
#   --no-gbench        skip the Google Benchmark suites
#   --out FILE         default bench/RESULTS.md
#   --keep             keep the work directory (databases, logs, TSV)
#
# Everything runs on 127.0.0.1 in a temporary directory; the development PKI
# is made there by certs/make-dev-pki.sh, plus requester certificates for
# the communes the load uses. Nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
command_line="tools/run-benchmarks.sh $*"

build=build
sizes=3500,12000,35000
duration=10
warmup=2
concurrency=16
audit_sizes=100000,300000,1000000
quick=0
gbench=1
out=bench/RESULTS.md
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="${2:?}"; shift 2 ;;
    --sizes) sizes="${2:?}"; shift 2 ;;
    --duration) duration="${2:?}"; shift 2 ;;
    --concurrency) concurrency="${2:?}"; shift 2 ;;
    --audit-sizes) audit_sizes="${2:?}"; shift 2 ;;
    --quick) quick=1; sizes=3500,35000; duration=5; audit_sizes=30000,100000; shift ;;
    --no-gbench) gbench=0; shift ;;
    --out) out="${2:?}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-benchmarks: unknown option $1" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a size_list <<< "$sizes"
IFS=, read -r -a audit_list <<< "$audit_sizes"
national=${size_list[${#size_list[@]}-1]}

log() { echo "run-benchmarks: $*" >&2; }

# --- build -------------------------------------------------------------------
targets=(ctg-gateway ctg ctg-synth ctg-load)
[ "$gbench" -eq 0 ] || targets+=(ctg_sdc_bench ctg_extract_bench ctg_audit_bench ctg_append_bench)
if [ ! -f "$build/CMakeCache.txt" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
log "building ${targets[*]} in $build"
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >/dev/null
gateway_bin=$root/$build/gateway/ctg-gateway
ctg_bin=$root/$build/cli/ctg
synth_bin=$root/$build/tools/ctg-synth/ctg-synth
load_bin=$root/$build/bench/load/ctg-load

work=$(mktemp -d /tmp/ctg-bench.XXXXXX)
gw_pid=""
sampler_pid=""
cleanup() {
  [ -z "$sampler_pid" ] || kill "$sampler_pid" 2>/dev/null || true
  if [ -n "$gw_pid" ]; then kill -TERM "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true; fi
  if [ "$keep" -eq 1 ]; then log "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
results=$work/results.tsv   # section, what, value, unit, note
: > "$results"
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$results"; }

# --- PKI ----------------------------------------------------------------------
pki=$work/pki
certs/make-dev-pki.sh "$pki" >/dev/null
# A requester certificate for commune $1 (clients/requester-$1), signed by
# the development CA like the others.
issue_requester() {
  local code=$1 base=$pki/clients/requester-$1
  [ -f "$base.pem" ] && return 0
  printf '[ ext ]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:spiffe://ctg.caf33.fr/commune/%s/requester/bench.%s\n' \
    "$code" "$code" > "$pki/ca-db/ext-bench-$code.cnf"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$base.key" 2>/dev/null
  openssl req -new -key "$base.key" -subj "/O=ctg-gateway dev/CN=requester-$code" -out "$base.csr" 2>/dev/null
  openssl ca -batch -notext -config "$pki/ca-db/ca.cnf" -cert "$pki/ca.pem" -keyfile "$pki/ca.key" \
    -in "$base.csr" -out "$base.pem" -extfile "$pki/ca-db/ext-bench-$code.cnf" -extensions ext 2>/dev/null
  rm -f "$base.csr"
}

# --- gateway ------------------------------------------------------------------
# start_gateway DB: starts a gateway on DB; sets gw_pid, gw_addr, gw_start_s.
start_gateway() {
  local db=$1 conf=$work/gateway.conf
  cat > "$conf" <<CONF
listen = "127.0.0.1:0"
trust_domain = "ctg.caf33.fr"
caf_id = "33"
caf_name = "Caf de la Gironde"
database = "$db"
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
  local t0 t1
  t0=$(date +%s.%N)
  "$gateway_bin" --config "$conf" > "$work/gateway.out" 2> "$work/gateway.err" &
  gw_pid=$!
  for _ in $(seq 1 3000); do  # up to 5 minutes (a long audit trail is re-hashed at start)
    grep -q "listening on" "$work/gateway.out" 2>/dev/null && break
    kill -0 "$gw_pid" 2>/dev/null || { cat "$work/gateway.err" >&2; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s.%N)
  gw_addr=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$work/gateway.out" | head -1)
  [ -n "$gw_addr" ] || { log "the gateway did not start"; cat "$work/gateway.err" >&2; exit 1; }
  gw_start_s=$(echo "$t1 - $t0" | bc -l)
}
stop_gateway() {
  kill -TERM "$gw_pid" 2>/dev/null || true
  wait "$gw_pid" 2>/dev/null || true
  gw_pid=""
}
# KiB of VmRSS / VmHWM of the gateway.
rss_kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$gw_pid/status"; }
# Samples the gateway's VmRSS every 0.2 s into $1 (bounded: 2 hours).
start_sampler() {
  local file=$1 pid=$gw_pid
  ( for _ in $(seq 1 36000); do
      awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status" 2>/dev/null || exit 0
      sleep 0.2
    done ) > "$file" &
  sampler_pid=$!
}
stop_sampler() { kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""; }
max_of() { sort -n "$1" | tail -1; }
mib() { echo "scale=1; $1 / 1024" | bc -l; }
as() {  # as CLIENT ctg ARGS...
  local client=$1; shift
  CTG_GATEWAY=$gw_addr CTG_CA=$pki/ca.pem CTG_CERT=$pki/clients/$client.pem \
    CTG_KEY=$pki/clients/$client.key "$ctg_bin" "$@"
}

# Communes of a generated base with between $2 and $3 IRIS, the first $4
# of them (territories.csv: code,level,name,parent,allocataires).
communes_with_iris() {
  awk -F, -v lo="$2" -v hi="$3" 'NR > 1 && $2 == "iris" {n[$4]++}
    END {for (c in n) if (n[c] >= lo && n[c] <= hi) print c}' "$1" | sort | head -n "$4"
}

# --- 1. bases of three sizes: import, start-up, memory ------------------------
for n in "${size_list[@]}"; do
  base=$work/base-$n
  mkdir -p "$base"
  log "base of $n communes: generating"
  "$synth_bin" --mode national --communes "$n" --out "$base" > "$base/synth.txt"
  rows=$(awk -F, 'NR > 1' "$base/statistics-2023.csv" | wc -l)
  territories=$(($(wc -l < "$base/territories.csv") - 1))
  db=$work/gateway-$n.db
  start_gateway "$db"
  t0=$(date +%s.%N)
  as admin admin import "$base/statistics-2023.csv" --period 2023 >/dev/null
  t1=$(date +%s.%N)
  import_s=$(echo "$t1 - $t0" | bc -l)
  import_hwm=$(rss_kib VmHWM)
  stop_gateway
  start_gateway "$db"
  idle_rss=$(rss_kib VmRSS)
  record base "import, $n communes ($territories territories, $rows rows)" \
    "$(printf '%.1f' "$import_s")" s "$(printf '%.0f' "$(echo "$rows / $import_s" | bc -l)") rows/s; gateway peak RSS during import $(mib "$import_hwm") MiB"
  record base "gateway start-up and RSS after start, $n communes" \
    "$(printf '%.2f' "$gw_start_s")" s "RSS $(mib "$idle_rss") MiB"
  if [ "$n" != "$national" ]; then
    # A short load at this size too: GetRequest and the 1,000-cell extract.
    mapfile -t picked < <(communes_with_iris "$base/territories.csv" 12 20 4)
    requesters=()
    for c in "${picked[@]}"; do issue_requester "$c"; requesters+=("requester-$c"); done
    "$load_bin" --gateway "$gw_addr" --pki "$pki" --requesters "$(IFS=,; echo "${requesters[*]}")" \
      --methods health,get,extract,extract-new --concurrency 4 --duration "$duration" --warmup "$warmup" \
      --tsv "$work/load.tsv" --label "communes=$n" > "$work/load-$n.txt" 2> "$work/load-$n.err" ||
      { cat "$work/load-$n.err" >&2; exit 1; }
    stop_gateway
  fi
done

# --- 2. load on the national base ----------------------------------------------
base=$work/base-$national
mapfile -t picked < <(communes_with_iris "$base/territories.csv" 12 20 "$concurrency")
requesters=()
for c in "${picked[@]}"; do issue_requester "$c"; requesters+=("requester-$c"); done
requester_list=$(IFS=,; echo "${requesters[*]}")
log "load on the base of $national communes: ${#picked[@]} communes, $concurrency streams"
start_sampler "$work/rss-load.txt"
"$load_bin" --gateway "$gw_addr" --pki "$pki" --requesters "$requester_list" \
  --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" --rate-fraction 0.5 \
  --tsv "$work/load.tsv" --label "main" > "$work/load-main.txt" 2> "$work/load-main.err" ||
  { cat "$work/load-main.err" >&2; exit 1; }
stop_sampler
load_rss_max=$(max_of "$work/rss-load.txt")
load_hwm=$(rss_kib VmHWM)
cat "$work/load-main.txt" >&2

# Extracts of ~100, ~1,000 and ~5,000 cells, from the largest communes
# (the engine's table is the whole commune, the scope a part of it: more
# cells means more indicators and territories of the same communes).
mapfile -t big < <(communes_with_iris "$base/territories.csv" 50 1000 4)
big_requesters=()
for c in "${big[@]}"; do issue_requester "$c"; big_requesters+=("requester-$c"); done
for cells in 100 1000 5000; do
  log "extracts of ~$cells cells"
  "$load_bin" --gateway "$gw_addr" --pki "$pki" --requesters "$(IFS=,; echo "${big_requesters[*]}")" \
    --methods extract,extract-new --extract-cells "$cells" --concurrency 4 --duration "$duration" \
    --warmup "$warmup" --rate-fraction 0.5 --tsv "$work/load.tsv" --label "cells=$cells" \
    > "$work/load-cells-$cells.txt" 2> "$work/load-cells-$cells.err" ||
    { cat "$work/load-cells-$cells.err" >&2; exit 1; }
  grep -o "[0-9]* cells" "$work/load-cells-$cells.err" | head -1 > "$work/cells-$cells.txt" || true
done

# The audit trail grown to each size with GetRequest calls (the cheapest
# audited call), then measured: GetRequest, ListEvents, start-up, RSS.
events_now() { as auditor audit checkpoint --format json | sed -n 's/.*"tree_size": *"\{0,1\}\([0-9]*\).*/\1/p'; }
for target in "${audit_list[@]}"; do
  now=$(events_now)
  if [ "$now" -lt "$target" ]; then
    log "growing the audit trail from $now to $target events"
    for _ in $(seq 1 100); do
      now=$(events_now)
      [ "$now" -lt "$target" ] || break
      # About 2,000 audited calls/s: fill in steps of at most 120 s.
      secs=$(( (target - now) / 2000 + 1 )); [ "$secs" -le 120 ] || secs=120
      "$load_bin" --gateway "$gw_addr" --pki "$pki" --requesters "$requester_list" --methods get \
        --concurrency "$concurrency" --duration "$secs" --warmup 0 > /dev/null 2>&1
    done
  fi
  stop_gateway
  start_gateway "$work/gateway-$national.db"
  record audit "gateway start-up and RSS after start, $(events_now) audit events" \
    "$(printf '%.2f' "$gw_start_s")" s "RSS $(mib "$(rss_kib VmRSS)") MiB"
  "$load_bin" --gateway "$gw_addr" --pki "$pki" --requesters "$requester_list" \
    --methods health,get,audit --concurrency "$concurrency" --duration "$duration" \
    --warmup "$warmup" --tsv "$work/load.tsv" --label "events=$target" \
    > "$work/load-events-$target.txt" 2> "$work/load-events-$target.err" ||
    { cat "$work/load-events-$target.err" >&2; exit 1; }
  record audit "gateway RSS after the load, $(events_now) audit events" \
    "$(mib "$(rss_kib VmRSS)")" MiB "VmHWM $(mib "$(rss_kib VmHWM)") MiB"
done
stop_gateway

# --- 3. Google Benchmark suites -------------------------------------------------
gbench_run() {  # NAME BINARY FILTER
  local name=$1 bin=$2 filter=$3
  log "Google Benchmark: $name ($filter)"
  "$bin" --benchmark_filter="$filter" --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true --benchmark_out="$work/gbench-$name.csv" \
    --benchmark_out_format=csv > "$work/gbench-$name.txt" 2>&1 || log "$name failed (see $work)"
}
if [ "$gbench" -eq 1 ]; then
  if [ "$quick" -eq 1 ]; then
    gbench_run sdc "$build/bench/sdc/ctg_sdc_bench" 'BM_Commune'
    gbench_run extract "$build/bench/extract/ctg_extract_bench" '.'
    gbench_run audit "$build/bench/audit/ctg_audit_bench" 'BM_VerifyVsSha256|BM_SignCheckpoint|BM_InclusionProof'
    gbench_run store "$build/bench/store/ctg_append_bench" 'BM_DurableAppend/threads:(1|16|64)'
  else
    gbench_run sdc "$build/bench/sdc/ctg_sdc_bench" '.'
    gbench_run extract "$build/bench/extract/ctg_extract_bench" '.'
    gbench_run audit "$build/bench/audit/ctg_audit_bench" '.'
    gbench_run store "$build/bench/store/ctg_append_bench" '.'
  fi
fi

# --- RESULTS.md -------------------------------------------------------------------
rd="ctg.v1.Extracts/GetExtract (re-download)"
fd="ctg.v1.Extracts/GetExtract (first download)"
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
tsv_field() {  # LABEL METHOD MODE FIELD
  awk -F'\t' -v l="$1" -v m="$2" -v mo="$3" -v f="$4" '
    NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i; next}
    $1 == l && $2 == m && $3 == mo {print $col[f]; exit}' "$work/load.tsv"
}
load_row() {  # LABEL METHOD MODE TEXT [TARGET]
  local l=$1 m=$2 mo=$3 text=$4 target=${5:-}
  local rate ratio p50 p99 p999 err
  rate=$(tsv_field "$l" "$m" "$mo" calls_per_s)
  [ -n "$rate" ] || return 0
  ratio=$(tsv_field "$l" "$m" "$mo" ratio)
  p50=$(tsv_field "$l" "$m" "$mo" p50_ms); p99=$(tsv_field "$l" "$m" "$mo" p99_ms)
  p999=$(tsv_field "$l" "$m" "$mo" p999_ms); err=$(tsv_field "$l" "$m" "$mo" errors)
  local r=""
  [ "$ratio" = "0.000" ] || r="; $(printf '%.0f' "$(echo "$ratio * 100" | bc -l)") % of Health/Check"
  row "$text" "$(printf '%.0f' "$rate") calls/s$r" \
    "p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms; errors $err" "$target"
}
gbench_rows() {  # NAME: one row per aggregate "median" line of the CSV
  local file=$work/gbench-$1.csv
  [ -f "$file" ] || return 0
  awk -F, 'BEGIN {started = 0}
    /^name,/ {started = 1; for (i = 1; i <= NF; i++) col[$i] = i; next}
    started && $1 ~ /_median"?$/ {
      name = $1; gsub(/"/, "", name); sub(/_median$/, "", name)
      t = $col["real_time"]; u = $col["time_unit"]
      extra = ""
      if ("items_per_second" in col && $col["items_per_second"] != "")
        extra = sprintf("; %.0f items/s", $col["items_per_second"])
      printf "| Google Benchmark `%s` | %.3g %s (median of 3, wall)%s | | |\n", name, t, u, extra
    }' "$file"
}

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
{
  echo "# Benchmark results"
  echo
  echo "Written by \`tools/run-benchmarks.sh\`; see README \"Benchmarks\" for what each figure means."
  echo
  echo "- machine: $(nproc) cores ($cpu), $mem, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "- command: \`$command_line\` (build \`$build\`, $(awk -F= '/CMAKE_BUILD_TYPE:/ {print $2}' "$build/CMakeCache.txt"))"
  echo "- load: ctg-load, $concurrency streams (one TLS connection each), ${duration} s measured per phase after ${warmup} s warm-up; client and gateway share the cores; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| what | measured | latency / detail | target |"
  echo "|---|---|---|---|"
  load_row main grpc.health.v1.Health/Check closed "Health/Check (gRPC + mTLS floor), closed loop"
  load_row main ctg.v1.DataRequests/GetRequest closed "GetRequest, authorized and audited (durable), closed loop" "≥ 50 % of Health/Check"
  load_row main ctg.v1.DataRequests/SubmitRequest closed "SubmitRequest (durable), closed loop" "≥ 25 % of Health/Check"
  load_row main "$rd" closed "GetExtract, ~1,000 cells, re-download (cached release), closed loop (maximum)"
  load_row main "$rd" open "GetExtract, ~1,000 cells, re-download, open loop at 50 % of the maximum" "p99 ≤ 20 ms"
  load_row main "$fd" closed "GetExtract, ~1,000 cells, first download (engine + LP audit), closed loop (maximum)"
  load_row main "$fd" open "GetExtract, ~1,000 cells, first download, open loop at 50 % of the maximum" "p99 ≤ 20 ms"
  load_row main ctg.v1.Audit/ListEvents closed "Audit.ListEvents, limit 100, closed loop"
  load_row main grpc.health.v1.Health/Check open "Health/Check, open loop at 50 %"
  load_row main ctg.v1.DataRequests/GetRequest open "GetRequest, open loop at 50 %"
  load_row main ctg.v1.DataRequests/SubmitRequest open "SubmitRequest, open loop at 50 %"
  load_row main ctg.v1.Audit/ListEvents open "Audit.ListEvents, open loop at 50 %"
  row "gateway RSS under the load above, base of $national communes" \
    "max $(mib "$load_rss_max") MiB (sampled every 0.2 s)" "VmHWM $(mib "$load_hwm") MiB" "≤ 100 MB"
  while IFS=$'\t' read -r _ what value unit note; do
    row "$what" "$value $unit" "$note" ""
  done < <(awk -F'\t' '$1 == "base"' "$results")
  for n in "${size_list[@]}"; do
    [ "$n" != "$national" ] || continue
    load_row "communes=$n" ctg.v1.DataRequests/GetRequest closed "GetRequest, base of $n communes (4 streams)"
    load_row "communes=$n" "$rd" closed "GetExtract ~1,000 cells re-download, base of $n communes (4 streams)"
    load_row "communes=$n" "$fd" closed "GetExtract ~1,000 cells first download, base of $n communes (4 streams)"
  done
  for cells in 100 1000 5000; do
    actual=$(cat "$work/cells-$cells.txt" 2>/dev/null || echo "$cells cells")
    load_row "cells=$cells" "$fd" closed "GetExtract first download, $actual, communes of 50+ IRIS, closed loop (4 streams)"
    load_row "cells=$cells" "$fd" open "GetExtract first download, $actual, open loop at 50 %"
    load_row "cells=$cells" "$rd" closed "GetExtract re-download, $actual, closed loop (4 streams)"
    load_row "cells=$cells" "$rd" open "GetExtract re-download, $actual, open loop at 50 %"
  done
  while IFS=$'\t' read -r _ what value unit note; do
    row "$what" "$value $unit" "$note" ""
  done < <(awk -F'\t' '$1 == "audit"' "$results" | head -n 100)
  for e in "${audit_list[@]}"; do
    load_row "events=$e" ctg.v1.DataRequests/GetRequest closed "GetRequest with ~$e audit events"
    load_row "events=$e" ctg.v1.Audit/ListEvents closed "ListEvents (latest 100) with ~$e audit events"
  done
  for suite in sdc extract audit store; do gbench_rows "$suite"; done
} > "$out"
log "wrote $out"
