#!/usr/bin/env bash
# Benchmarks of ctg-gateway (issue #9), written as ONE table into
# bench/RESULTS.md (machine, date, command, figures, ratios, targets):
#
#  1. for each base size (--sizes, communes of the national synthetic base):
#     generate it (ctg-synth), start a gateway on a fresh database, import
#     it, restart the gateway on the loaded database, and measure the
#     import, the start-up and the gateway's resident memory (/proc); a
#     short load (4 streams) on the smaller bases;
#  2. on the largest base: bench/load's ctg-load over mTLS on loopback
#     (Health/Check, GetRequest, SubmitRequest, GetExtract of a ~1,000-cell
#     table as a re-download and as a first download, Audit.ListEvents),
#     closed loop then open loop at 50 % of each method's maximum, sampling
#     the gateway's RSS all along; then extracts of ~100, ~1,000 and more
#     cells; then the audit trail grown to three sizes (GetRequest,
#     ListEvents, start-up time and RSS at each);
#  3. the Google Benchmark suites (secret statistique, extract build, audit
#     append/verify, group commit).
#
#   tools/run-benchmarks.sh [--build DIR] [--sizes N1,N2,N3] [--duration S]
#                           [--concurrency N] [--audit-sizes E1,E2,E3]
#                           [--quick] [--no-gbench] [--out FILE] [--keep]
#   tools/run-benchmarks.sh --report-from WORKDIR [--out FILE]
#
#   --build DIR        build directory (default build); the targets needed are
#                      built in it (RelWithDebInfo expected)
#   --sizes LIST       communes of the synthetic bases (default 3500,12000,35000;
#                      the last one is the one loaded)
#   --duration S       measured seconds per load phase (default 10; warm-up 2)
#   --concurrency N    ctg-load streams (default 16)
#   --audit-sizes LIST audit trail sizes to grow to (default 100000,300000,1000000)
#   --quick            sizes 3500,35000, 5 s phases, audit sizes 30000,100000,
#                      and only the headline Google Benchmarks (~10 minutes)
#   --no-gbench        skip the Google Benchmark suites
#   --out FILE         default bench/RESULTS.md
#   --keep             keep the work directory (databases, logs, TSV)
#   --report-from DIR  only write the table again from a kept work directory
#
# Everything runs on 127.0.0.1 in a temporary directory; the development PKI
# is made there by certs/make-dev-pki.sh, plus requester certificates for
# the communes the load uses. Nothing is left running. The whole script is
# one function, read before it runs, so that editing it meanwhile is safe.

main() {
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
report_from=""
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
    --report-from) report_from="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,43p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-benchmarks: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -n "$report_from" ]; then
  work=$report_from
  # shellcheck disable=SC1091
  . "$work/state.sh"
  write_report
  log "wrote $out"
  return 0
fi

IFS=, read -r -a size_list <<< "$sizes"
IFS=, read -r -a audit_list <<< "$audit_sizes"
national=${size_list[${#size_list[@]}-1]}
build_targets
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit + local changes"
work=$(mktemp -d /tmp/ctg-bench.XXXXXX)
gw_pid=""
sampler_pid=""
trap cleanup EXIT
trap 'exit 130' INT TERM
results=$work/results.tsv   # section, what, value, unit, note
: > "$results"
pki=$work/pki
certs/make-dev-pki.sh "$pki" >/dev/null
save_state

run_bases
run_main_load
run_cell_sizes
run_audit_sizes
stop_gateway
[ "$gbench" -eq 0 ] || run_gbench
save_state
write_report
# The web console's page and action latency (headless Chromium, as root:
# it writes a Chromium policy under /etc); skipped without Chromium.
if command -v chromium >/dev/null && [ "$(id -u)" -eq 0 ]; then
  log "web console latency (bench/web/web_console_latency.py)"
  { echo; /usr/bin/python3 bench/web/web_console_latency.py --build "$build"; } >> "$out"
fi
log "wrote $out"
}

log() { echo "run-benchmarks: $*" >&2; }

# What write_report needs, so that --report-from can write the table again.
save_state() {
  {
    declare -p command_line build commit concurrency duration warmup national size_list audit_list
    declare -p load_rss_max load_hwm 2>/dev/null || true
  } > "$work/state.sh"
}

cleanup() {
  [ -z "${sampler_pid:-}" ] || kill "$sampler_pid" 2>/dev/null || true
  if [ -n "${gw_pid:-}" ]; then kill -TERM "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true; fi
  if [ "$keep" -eq 1 ]; then log "work directory kept: $work"; else rm -rf "$work"; fi
}

build_targets() {
  local targets=(ctg-gateway ctg ctg-synth ctg-load)
  [ "$gbench" -eq 0 ] || targets+=(ctg_sdc_bench ctg_extract_bench ctg_audit_bench ctg_append_bench)
  if [ ! -f "$build/CMakeCache.txt" ]; then
    local generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  log "building ${targets[*]} in $build"
  cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >/dev/null
  gateway_bin=$root/$build/gateway/ctg-gateway
  ctg_bin=$root/$build/cli/ctg
  synth_bin=$root/$build/tools/ctg-synth/ctg-synth
  load_bin=$root/$build/bench/load/ctg-load
}

record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$results"; }

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
# Issues requester certificates for the communes given; prints their
# client names separated by commas.
requesters_for() {
  local names=() c
  for c in "$@"; do issue_requester "$c"; names+=("requester-$c"); done
  (IFS=,; echo "${names[*]}")
}

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
  [ -n "$gw_pid" ] || return 0
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
events_now() {
  as auditor audit checkpoint --format json | sed -n 's/.*"tree_size": *"\{0,1\}\([0-9]*\).*/\1/p'
}
# ctg-load against the running gateway; LABEL then its arguments.
load() {
  local label=$1; shift
  "$load_bin" --gateway "$gw_addr" --pki "$pki" --tsv "$work/load.tsv" --label "$label" "$@" \
    > "$work/load-$label.txt" 2> "$work/load-$label.err" ||
    { cat "$work/load-$label.err" >&2; exit 1; }
}

# Communes of a generated base with between $2 and $3 IRIS, the first $4
# of them (territories.csv: code,level,name,parent,allocataires).
communes_with_iris() {
  awk -F, -v lo="$2" -v hi="$3" 'NR > 1 && $2 == "iris" {n[$4]++}
    END {for (c in n) if (n[c] >= lo && n[c] <= hi) print c}' "$1" | sort | head -n "$4"
}

# --- 1. bases of each size: import, start-up, memory, a short load -------------
run_bases() {
  local n base rows territories db t0 t1 import_s import_hwm idle_rss
  for n in "${size_list[@]}"; do
    base=$work/base-$n
    mkdir -p "$base"
    log "base of $n communes: generating, importing"
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
      "$(printf '%.1f' "$import_s")" s \
      "$(printf '%.0f' "$(echo "$rows / $import_s" | bc -l)") rows/s; gateway peak RSS during import $(mib "$import_hwm") MiB"
    record base "gateway start-up and RSS after start, $n communes" \
      "$(printf '%.2f' "$gw_start_s")" s "RSS $(mib "$idle_rss") MiB"
    if [ "$n" != "$national" ]; then
      log "base of $n communes: short load"
      load "communes=$n" --requesters "$(requesters_for $(communes_with_iris "$base/territories.csv" 12 20 4))" \
        --methods health,get,submit,extract,extract-new --concurrency 4 \
        --duration "$duration" --warmup "$warmup"
      stop_gateway
    fi
  done
}

# --- 2. the load on the largest base -----------------------------------------------
run_main_load() {
  local base=$work/base-$national
  requester_list=$(requesters_for $(communes_with_iris "$base/territories.csv" 12 20 "$concurrency"))
  log "load on the base of $national communes, $concurrency streams"
  start_sampler "$work/rss-load.txt"
  load main --requesters "$requester_list" --concurrency "$concurrency" \
    --duration "$duration" --warmup "$warmup" --rate-fraction 0.5
  stop_sampler
  load_rss_max=$(max_of "$work/rss-load.txt")
  load_hwm=$(rss_kib VmHWM)
  save_state
  cat "$work/load-main.txt" >&2
}

# Extracts of ~100, ~1,000 and ~5,000 cells from the largest communes (the
# engine's table is the whole commune, the scope a part of it: more cells
# means more indicators and territories of the same communes).
run_cell_sizes() {
  local base=$work/base-$national cells big
  big=$(requesters_for $(communes_with_iris "$base/territories.csv" 50 1000 4))
  for cells in 100 1000 5000; do
    log "extracts of ~$cells cells"
    load "cells=$cells" --requesters "$big" --methods extract,extract-new --extract-cells "$cells" \
      --concurrency 4 --duration "$duration" --warmup "$warmup" --rate-fraction 0.5
    grep -o "= [0-9]* cells" "$work/load-cells=$cells.err" | head -1 | sed 's/= //' \
      > "$work/cells-$cells.txt" || true
  done
}

# The audit trail grown to each size with GetRequest calls (the cheapest
# audited call), then measured: GetRequest, ListEvents, start-up, RSS.
run_audit_sizes() {
  local target now secs
  for target in "${audit_list[@]}"; do
    now=$(events_now)
    if [ "$now" -lt "$target" ]; then
      log "growing the audit trail from $now to $target events"
      for _ in $(seq 1 100); do
        now=$(events_now)
        [ "$now" -lt "$target" ] || break
        # About 1,500 audited calls/s: fill in steps of at most 120 s.
        secs=$(( (target - now) / 1500 + 1 )); [ "$secs" -le 120 ] || secs=120
        "$load_bin" --gateway "$gw_addr" --pki "$pki" --requesters "$requester_list" --methods get \
          --concurrency "$concurrency" --duration "$secs" --warmup 0 > /dev/null 2>&1
      done
    fi
    stop_gateway
    start_gateway "$work/gateway-$national.db"
    record audit "gateway start-up and RSS after start, $(events_now) audit events" \
      "$(printf '%.2f' "$gw_start_s")" s "RSS $(mib "$(rss_kib VmRSS)") MiB"
    load "events=$target" --requesters "$requester_list" --methods health,get,audit \
      --concurrency "$concurrency" --duration "$duration" --warmup "$warmup"
    record audit "gateway RSS after that load, $(events_now) audit events" \
      "$(mib "$(rss_kib VmRSS)")" MiB "VmHWM $(mib "$(rss_kib VmHWM)") MiB"
  done
}

# --- 3. Google Benchmark suites ----------------------------------------------------
gbench_run() {  # NAME BINARY FILTER: medians of 3 repetitions, console format
  local name=$1 bin=$2 filter=$3
  log "Google Benchmark: $name ($filter)"
  "$bin" --benchmark_filter="$filter" --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true --benchmark_color=false \
    > "$work/gbench-$name.txt" 2> "$work/gbench-$name.err" || log "$name failed (see $work)"
}
run_gbench() {
  if [ "$quick" -eq 1 ]; then
    gbench_run sdc "$build/bench/sdc/ctg_sdc_bench" 'BM_Commune'
    gbench_run extract "$build/bench/extract/ctg_extract_bench" '.'
    gbench_run audit "$build/bench/audit/ctg_audit_bench" 'BM_VerifyVsSha256|BM_SignCheckpoint|BM_InclusionProof'
    gbench_run store "$build/bench/store/ctg_append_bench" 'BM_DurableAppend/threads:(1|16|64)/'
  else
    gbench_run sdc "$build/bench/sdc/ctg_sdc_bench" '.'
    gbench_run extract "$build/bench/extract/ctg_extract_bench" '.'
    gbench_run audit "$build/bench/audit/ctg_audit_bench" '.'
    gbench_run store "$build/bench/store/ctg_append_bench" '.'
  fi
}

# --- RESULTS.md -------------------------------------------------------------------
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
tsv_field() {  # LABEL METHOD MODE FIELD
  awk -F'\t' -v l="$1" -v m="$2" -v mo="$3" -v f="$4" '
    NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i; next}
    $1 == l && $2 == m && $3 == mo {print $col[f]; exit}' "$work/load.tsv"
}
load_row() {  # LABEL METHOD MODE TEXT [TARGET]
  local l=$1 m=$2 mo=$3 text=$4 target=${5:-}
  local rate ratio p50 p99 p999 err r=""
  rate=$(tsv_field "$l" "$m" "$mo" calls_per_s)
  [ -n "$rate" ] || return 0
  ratio=$(tsv_field "$l" "$m" "$mo" ratio)
  p50=$(tsv_field "$l" "$m" "$mo" p50_ms); p99=$(tsv_field "$l" "$m" "$mo" p99_ms)
  p999=$(tsv_field "$l" "$m" "$mo" p999_ms); err=$(tsv_field "$l" "$m" "$mo" errors)
  [ "$ratio" = "0.000" ] || r=" (**$(printf '%.1f' "$(echo "$ratio * 100" | bc -l)") %** of Health/Check)"
  row "$text" "$(printf '%.0f' "$rate") calls/s$r" \
    "p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms; errors $err" "$target"
}
gbench_rows() {  # NAME: one row per "_median" line (name, real time, CPU time, rates)
  local file=$work/gbench-$1.txt
  [ -f "$file" ] || return 0
  sed 's/\x1b\[[0-9;]*m//g' "$file" | awk '$1 ~ /_median$/ && $3 ~ /^(ns|us|ms|s)$/ {
      name = $1; sub(/_median$/, "", name)
      extra = ""
      for (i = 7; i <= NF; i++) if ($i ~ /\/s$/) extra = extra " " $i
      if (extra != "") extra = ";" extra
      printf "| Google Benchmark `%s` | %s %s wall, %s %s CPU (median of 3)%s | | |\n", name, $2, $3, $4, $5, extra
    }'
}

write_report() {
  local rd="ctg.v1.Extracts/GetExtract (re-download)"
  local fd="ctg.v1.Extracts/GetExtract (first download)"
  local get=ctg.v1.DataRequests/GetRequest submit=ctg.v1.DataRequests/SubmitRequest
  local health=grpc.health.v1.Health/Check events=ctg.v1.Audit/ListEvents
  local cpu mem n cells actual e suite
  cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
  mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
  {
    echo "# Benchmark results"
    echo
    echo "Written by \`tools/run-benchmarks.sh\`; README \"Benchmarks\" says what each figure means."
    echo
    echo "- machine: $(nproc) cores ($cpu), $mem, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- date: $(date -u -r "$work/load.tsv" '+%Y-%m-%d %H:%M UTC'); commit ${commit:-?} (what was built)"
    echo "- command: \`$command_line\` (build \`$build\`, $(awk -F= '/CMAKE_BUILD_TYPE:/ {print $2}' "$build/CMakeCache.txt"))"
    echo "- load: ctg-load, $concurrency streams (one TLS connection each) unless said, ${duration} s measured per phase after ${warmup} s warm-up; the client and the gateway share the cores; load average when the table was written: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| what | measured | latency / detail | target |"
    echo "|---|---|---|---|"
    load_row main "$health" closed "Health/Check (gRPC + mTLS floor), closed loop"
    load_row main "$get" closed "GetRequest, authorized and audited (durable), closed loop" "≥ 50 % of Health/Check"
    load_row main "$submit" closed "SubmitRequest (durable), closed loop" "≥ 25 % of Health/Check"
    load_row main "$rd" closed "GetExtract ~1,000 cells, re-download (cached release), closed loop (maximum)"
    load_row main "$rd" open "GetExtract ~1,000 cells, re-download, open loop at 50 % of that maximum" "p99 ≤ 20 ms"
    load_row main "$fd" closed "GetExtract ~1,000 cells, first download (engine + LP audit), closed loop (maximum)"
    load_row main "$fd" open "GetExtract ~1,000 cells, first download, open loop at 50 % of that maximum" "p99 ≤ 20 ms"
    load_row main "$events" closed "Audit.ListEvents, limit 100, closed loop"
    load_row main "$health" open "Health/Check, open loop at 50 %"
    load_row main "$get" open "GetRequest, open loop at 50 %"
    load_row main "$submit" open "SubmitRequest, open loop at 50 %"
    load_row main "$events" open "Audit.ListEvents, open loop at 50 %"
    if [ -n "${load_rss_max:-}" ]; then
      row "gateway RSS during the load above, base of $national communes" \
        "max $(mib "$load_rss_max") MiB (sampled every 0.2 s)" "VmHWM $(mib "$load_hwm") MiB" "≤ 100 MB"
    fi
    while IFS=$'\t' read -r _ what value unit note; do
      row "$what" "$value $unit" "$note" ""
    done < <(awk -F'\t' '$1 == "base"' "$work/results.tsv")
    for n in "${size_list[@]}"; do
      [ "$n" != "$national" ] || continue
      load_row "communes=$n" "$get" closed "GetRequest, base of $n communes (4 streams)"
      load_row "communes=$n" "$submit" closed "SubmitRequest, base of $n communes (4 streams)"
      load_row "communes=$n" "$rd" closed "GetExtract ~1,000 cells re-download, base of $n communes (4 streams)"
      load_row "communes=$n" "$fd" closed "GetExtract ~1,000 cells first download, base of $n communes (4 streams)"
    done
    for cells in 100 1000 5000; do
      actual=$(cat "$work/cells-$cells.txt" 2>/dev/null || true)
      [ -n "$actual" ] || actual="~$cells cells"
      load_row "cells=$cells" "$fd" closed "GetExtract first download, $actual, communes of 50+ IRIS (4 streams)"
      load_row "cells=$cells" "$fd" open "GetExtract first download, $actual, open loop at 50 %"
      load_row "cells=$cells" "$rd" closed "GetExtract re-download, $actual (4 streams)"
      load_row "cells=$cells" "$rd" open "GetExtract re-download, $actual, open loop at 50 %"
    done
    while IFS=$'\t' read -r _ what value unit note; do
      row "$what" "$value $unit" "$note" ""
    done < <(awk -F'\t' '$1 == "audit"' "$work/results.tsv")
    for e in "${audit_list[@]}"; do
      load_row "events=$e" "$get" closed "GetRequest, audit trail of ~$e events"
      load_row "events=$e" "$events" closed "ListEvents (latest 100), audit trail of ~$e events"
    done
    for suite in sdc extract audit store; do gbench_rows "$suite"; done
  } > "$out"
}

main "$@"
