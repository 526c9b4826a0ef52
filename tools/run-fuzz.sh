#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and
# runs each of them, one after the other, for a bounded time
# (docs/fuzzing.md).
#
#   tools/run-fuzz.sh                        # CI: every target, 45 s each
#   tools/run-fuzz.sh --seconds 3600 --target sdc_table   # on demand
#   tools/run-fuzz.sh --replay               # run the committed inputs once
#
# Options:
#   --seconds N     fuzzing time per target (default 45: 6 targets take
#                   4.5 min, with the build well within CI's 10 minutes)
#   --target NAME   only this target (repeatable): csv_import spiffe_id
#                   request_validation sdc_table audit_parsers audit_verifier
#   --replay        no fuzzing: run every file of fuzz/corpus/<t>/ and
#                   fuzz/regressions/<t>/ once under the sanitizers
#   --known-bugs    do not skip the known, reported bugs (CTG_FUZZ_KNOWN_BUGS=1)
#   --no-build      use the binaries already in build-fuzz/
#   --fresh         start from the seeds only (empty working corpus)
#
# The working corpus of each target grows in build-fuzz/corpus/<t>/ (kept
# between runs); the committed seeds in fuzz/corpus/<t>/ and the reproducers
# in fuzz/regressions/<t>/ are read, never written. On a crash, a leak, a
# timeout or a violated invariant the input is saved under
# build-fuzz/artifacts/<t>/; the script prints its path, goes on with the
# other targets and exits 1. Logs: build-fuzz/logs/<t>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=45
targets=()
replay=0
build=1
fresh=0
all_targets=(csv_import spiffe_id request_validation sdc_table audit_parsers audit_verifier)
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    --replay) replay=1; shift ;;
    --known-bugs) export CTG_FUZZ_KNOWN_BUGS=1; shift ;;
    --no-build) build=0; shift ;;
    --fresh) fresh=1; shift ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-fuzz: unknown option $1" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  case " ${all_targets[*]} " in
    *" $t "*) ;;
    *) echo "run-fuzz: unknown target $t (one of: ${all_targets[*]})" >&2; exit 2 ;;
  esac
done

dir=build-fuzz
if [ "$build" = 1 ]; then
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    CC=clang CXX=clang++ cmake -S . -B "$dir" "${generator[@]}" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCTG_FUZZ=ON \
      -DCTG_BUILD_BENCH=OFF -DCTG_BUILD_TESTS=OFF
  fi
  # Only the fuzz targets and the pure libraries they link (never the
  # gateway); two jobs at most: the machine is shared.
  jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))
  cmake --build "$dir" --target ctg_fuzzers -j "$jobs"
fi

# Sanitizer settings: stop at the first error, with a stack trace.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

mkdir -p "$dir/logs"
failed=()
summary=()
for t in "${targets[@]}"; do
  bin="$dir/fuzz/ctg_fuzz_$t"
  seeds="fuzz/corpus/$t"
  regressions="fuzz/regressions/$t"
  log="$dir/logs/$t.log"
  artifacts="$dir/artifacts/$t"
  mkdir -p "$artifacts"
  inputs=("$seeds")
  [ -d "$regressions" ] && inputs+=("$regressions")

  if [ "$replay" = 1 ]; then
    files=()
    for d in "${inputs[@]}"; do
      while IFS= read -r -d '' f; do files+=("$f"); done \
        < <(find "$d" -maxdepth 1 -type f ! -name 'README*' -print0 | sort -z)
    done
    echo "== $t: replaying ${#files[@]} committed inputs"
    if "$bin" -artifact_prefix="$artifacts/" "${files[@]}" >"$log" 2>&1; then
      summary+=("$(printf '%-20s replayed %5d inputs  OK' "$t" "${#files[@]}")")
    else
      failed+=("$t")
      summary+=("$(printf '%-20s replayed %5d inputs  FAILED (see %s)' "$t" "${#files[@]}" "$log")")
      grep -E "INVARIANT|ERROR:|runtime error|Running:" "$log" | tail -5 || true
    fi
    continue
  fi

  work="$dir/corpus/$t"
  [ "$fresh" = 1 ] && rm -rf "$work"
  mkdir -p "$work"
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  echo "== $t: fuzzing for ${seconds}s (corpus $work, seeds $seeds)"
  cmd=("$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560
       -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" "$work" "${inputs[@]}")
  echo "   ${cmd[*]}"
  status=0
  "${cmd[@]}" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$work" -type f | wc -l)
  if [ "$status" = 0 ]; then
    summary+=("$(printf '%-20s %4ss %10s execs %7s/s  corpus %5s  OK' \
      "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$corpus")")
  else
    failed+=("$t")
    reproducer=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$log" | tail -1)
    summary+=("$(printf '%-20s %4ss %10s execs  FAILED: reproducer %s' \
      "$t" "$seconds" "${execs:-?}" "${reproducer:-none (see $log)}")")
    echo "!! $t failed (exit $status). Log: $log"
    grep -E "INVARIANT|ERROR:|SUMMARY:|runtime error" "$log" | head -5 || true
    if [ -n "$reproducer" ]; then
      echo "!! reproducer: $reproducer"
      echo "   replay:     $bin $reproducer"
      echo "   keep it:    cp $reproducer fuzz/regressions/$t/<what-it-shows>"
    fi
  fi
done

echo
echo "== fuzz summary (ASan+UBSan, one target at a time)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
