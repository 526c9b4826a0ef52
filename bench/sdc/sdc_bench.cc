// Benchmarks of the secret statistique engine against its targets (single
// thread on the 2-core machine): a commune-size release (<= 50 ms), the LP
// audit of a commune-size release (<= 5 s), a national table of over
// 1,000,000 cells (<= 60 s, <= 4 GB).
//
//   cmake --build build-sdc --target ctg_sdc_bench &&
//   build-sdc/bench/sdc/ctg_sdc_bench
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include "bench/sdc/synthetic_tables.h"
#include "benchmark/benchmark.h"
#include "policy/sdc/lp_audit.h"
#include "policy/sdc/suppressor.h"
#include "policy/sdc/table_builder.h"

namespace ctg::bench::sdc {
namespace {

using namespace ::ctg::policy::sdc;  // NOLINT: benchmark brevity

template <typename T>
T OrDie(absl::StatusOr<T> v) {
  if (!v.ok()) {
    std::fprintf(stderr, "%s\n", v.status().ToString().c_str());
    std::abort();
  }
  return *std::move(v);
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void Report(benchmark::State& state, const TableModel& m, const Release& r) {
  int64_t requested = 0;
  for (const Cell& c : m.cells) requested += c.requested;
  state.counters["cells"] = static_cast<double>(m.cells.size());
  state.counters["requested"] = static_cast<double>(requested);
  state.counters["inner"] = static_cast<double>(m.inner.size());
  state.counters["masked"] = static_cast<double>(r.loss.cells_masked);
  state.counters["secondary"] = static_cast<double>(r.loss.cells_secondary);
  state.counters["value_secondary"] =
      static_cast<double>(r.loss.value_secondary);
  state.counters["excluded_territories"] =
      static_cast<double>(r.excluded.size());
  state.counters["peak_rss_mb"] = PeakRssMb();
}

// A commune release as the gateway makes it: build the model from the base's
// figures, then protect it. Args: audit (0 off, 1 always); linked (1: the 14
// other indicators are sub-populations of the first, bounded_by: the full
// reader model, one LP per period over all 15 indicators).
void BM_CommuneRelease(benchmark::State& state) {
  const SyntheticTable t = OrDie(CommuneRelease(42, state.range(1) == 1));
  SdcConfig config;
  config.audit.mode = state.range(0) ? AuditMode::kAlways : AuditMode::kOff;
  TableModel m;
  Release r;
  for (auto _ : state) {
    m = OrDie(BuildTable(t.geography, t.input));
    r = OrDie(ProtectTable(m, {}, config, "v1"));
    benchmark::DoNotOptimize(r.cells.data());
  }
  Report(state, m, r);
  state.counters["repair_rounds"] = static_cast<double>(r.audit.repair_rounds);
  state.counters["lp_solves"] = static_cast<double>(r.audit.lp_solves);
}
BENCHMARK(BM_CommuneRelease)
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Unit(benchmark::kMillisecond);

// The independent LP audit of a commune release.
void BM_CommuneAudit(benchmark::State& state) {
  const SyntheticTable t = OrDie(CommuneRelease(42));
  const TableModel m = OrDie(BuildTable(t.geography, t.input));
  const Release r = OrDie(ProtectTable(m, {}, SdcConfig{}, "v1"));
  AuditReport a;
  for (auto _ : state) {
    a = OrDie(AuditRelease(m, r, {}, SdcConfig{}));
    benchmark::DoNotOptimize(a.cells_checked);
  }
  state.counters["cells_checked"] = static_cast<double>(a.cells_checked);
  state.counters["breaches"] = static_cast<double>(a.breaches.size());
}
BENCHMARK(BM_CommuneAudit)->Unit(benchmark::kMillisecond);

// The national table: build + Gauss (the LP audit is above its size limit).
// Args: communes, IRIS, categories.
void BM_NationalTable(benchmark::State& state) {
  const SyntheticTable t = OrDie(NationalTable(
      static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
      static_cast<int>(state.range(2)), 7));
  SdcConfig config;
  config.audit.mode = AuditMode::kOff;
  TableModel m;
  Release r;
  for (auto _ : state) {
    m = OrDie(BuildTable(t.geography, t.input));
    r = OrDie(ProtectTable(m, {}, config, "v1"));
    benchmark::DoNotOptimize(r.cells.data());
  }
  Report(state, m, r);
}
// The national table's model alone (to separate its memory from the engine's).
void BM_NationalBuild(benchmark::State& state) {
  const SyntheticTable t = OrDie(NationalTable(
      static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
      static_cast<int>(state.range(2)), 7));
  state.counters["input_rss_mb"] = PeakRssMb();
  for (auto _ : state) {
    TableModel m = OrDie(BuildTable(t.geography, t.input));
    benchmark::DoNotOptimize(m.cells.data());
    state.counters["model_rss_mb"] = PeakRssMb();
    if (!m.Validate().ok()) std::abort();
    state.counters["validate_rss_mb"] = PeakRssMb();
  }
}
BENCHMARK(BM_NationalBuild)
    ->Args({35000, 49000, 12})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

BENCHMARK(BM_NationalTable)
    ->Args({3500, 4900, 12})
    ->Args({35000, 49000, 12})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace ctg::bench::sdc

BENCHMARK_MAIN();
