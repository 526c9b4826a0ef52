// ctg-load: a load generator for ctg-gateway. See kUsage in
// options.h, and README "Benchmarks" for how tools/run-benchmarks.sh uses it.
//
// Each method runs in its own phase (warm-up, then the measured window),
// one after the other, so that Health/Check, the bare gRPC + TLS stack on
// the same connections and certificates, is the floor the others are
// compared with in the same run.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/load/channels.h"
#include "bench/load/driver.h"
#include "bench/load/fixture.h"
#include "bench/load/methods.h"
#include "bench/load/options.h"
#include "bench/load/report.h"

namespace ctg::load {
namespace {

constexpr const char* kOrder[] = {"health",  "get",         "submit",
                                  "extract", "extract-new", "audit"};

// Downloads an extract phase may take, with a margin, so that approving
// more requests does not happen while measuring.
int64_t ExpectedCalls(const Options& o, const Fixture& fixture, double rate) {
  const double seconds = o.warmup_s + o.duration_s;
  if (rate > 0)
    return static_cast<int64_t>(rate * seconds * 1.1) + o.concurrency;
  double first_ms = 1e9;
  for (const CommuneSetup& c : fixture.communes()) {
    if (c.first_extract_ms > 0)
      first_ms = std::min(first_ms, c.first_extract_ms);
  }
  if (first_ms >= 1e9) return 0;
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  const double parallel = std::min<double>(o.concurrency, cores);
  return static_cast<int64_t>(parallel * seconds * 1000 / first_ms * 2) +
         o.concurrency;
}

int Run(const Options& o) {
  absl::StatusOr<std::unique_ptr<Channels>> channels =
      o.single_cert() ? Channels::FromFiles(o.gateway, o.ca, o.cert, o.key)
                      : Channels::FromPki(o.gateway, o.pki);
  if (!channels.ok()) {
    absl::FPrintF(stderr, "ctg-load: %s\n", channels.status().message());
    return 1;
  }
  absl::FPrintF(stderr, "ctg-load: setting up on %s...\n", o.gateway);
  const absl::Time setup_start = absl::Now();
  absl::StatusOr<std::unique_ptr<Fixture>> fixture =
      Fixture::SetUp(o, **channels);
  if (!fixture.ok()) {
    absl::FPrintF(stderr, "ctg-load: set-up failed: %s\n",
                  fixture.status().message());
    return 1;
  }
  for (const CommuneSetup& c : (*fixture)->communes()) {
    if (c.commune.empty()) continue;
    absl::FPrintF(stderr,
                  "ctg-load: commune %s (%s): scope of %d territories, %d "
                  "indicators = %d cells; "
                  "first extract %.1f ms\n",
                  c.commune, c.requester, c.scope.territories_size(),
                  c.scope.indicators_size(), c.cells, c.first_extract_ms);
  }
  absl::FPrintF(stderr, "ctg-load: set-up took %.1f s\n",
                absl::ToDoubleSeconds(absl::Now() - setup_start));

  std::vector<ReportRow> rows;
  double health_rate = 0;
  auto run = [&](MethodLoad& load, double rate) {
    PhaseOptions phase{.concurrency = o.concurrency,
                       .warmup_s = o.warmup_s,
                       .duration_s = o.duration_s,
                       .rate = rate};
    if (absl::Status s = load.Provision(ExpectedCalls(o, **fixture, rate));
        !s.ok()) {
      absl::FPrintF(stderr, "ctg-load: %s: set-up failed: %s\n", load.name(),
                    s.message());
      return 0.0;
    }
    absl::FPrintF(stderr, "ctg-load: %s, %s...\n", load.name(),
                  rate > 0 ? absl::StrFormat("open loop at %.1f calls/s", rate)
                           : "closed loop");
    ReportRow row{.result = RunPhase(load, phase)};
    const double calls_per_s = row.result.summary.calls_per_s;
    if (rate == 0 && load.name() == "grpc.health.v1.Health/Check")
      health_rate = calls_per_s;
    row.ratio = health_rate > 0 ? calls_per_s / health_rate : 0;
    row.note = load.Note();
    PrintTable(stderr, {row});
    rows.push_back(std::move(row));
    return calls_per_s;
  };
  for (const char* method : kOrder) {
    if (!o.Wants(method)) continue;
    absl::StatusOr<std::unique_ptr<MethodLoad>> load =
        MakeMethodLoad(method, o, **channels, **fixture);
    if (!load.ok()) {
      absl::FPrintF(stderr, "ctg-load: skipping %s\n", load.status().message());
      continue;
    }
    double measured = run(**load, o.rate);
    if (o.rate == 0 && o.rate_fraction > 0 && measured > 0)
      run(**load, measured * o.rate_fraction);
  }

  absl::PrintF(
      "\nctg-load: %s, %d streams, %.0f s measured per phase after %.0f s "
      "warm-up\n",
      o.gateway, o.concurrency, o.duration_s, o.warmup_s);
  PrintTable(stdout, rows);
  PrintErrors(stdout, rows);
  if (!o.tsv.empty()) {
    std::ofstream tsv(o.tsv, std::ios::app);
    if (!tsv) {
      absl::FPrintF(stderr, "ctg-load: cannot write %s\n", o.tsv);
      return 1;
    }
    tsv.seekp(0, std::ios::end);
    if (tsv.tellp() == 0) tsv << TsvHeader() << "\n";
    for (const ReportRow& row : rows) tsv << TsvLine(o.label, row) << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace ctg::load

int main(int argc, char** argv) {
  absl::StatusOr<ctg::load::Options> options =
      ctg::load::ParseOptions(argc, argv);
  if (!options.ok()) {
    if (absl::IsCancelled(options.status())) {
      std::fputs(ctg::load::kUsage, stdout);
      return 0;
    }
    absl::FPrintF(stderr, "ctg-load: %s\n%s", options.status().message(),
                  ctg::load::kUsage);
    return 2;
  }
  return ctg::load::Run(*options);
}
