// Producing an extract: the secret statistique on the commune's bases, then
// the canonical CSV and its digest, as GetExtract does before streaming.
//
//   build/bench/extract/ctg_extract_bench
//
// Two sizes: about 1,000 cells (every indicator and breakdown,
// two periods, ten territories of Le Bouscat), and the commune-wide extract
// (every indicator and breakdown, two periods, the commune, its 12 IRIS and
// its QPV). Synthetic demo data (ctg-synth).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "extract/extract_csv.h"
#include "gateway/protection.h"
#include "statbase/catalogue.h"
#include "tools/ctg-synth/synth.h"

namespace {

namespace sdc = ::ctg::policy::sdc;
using ctg::gateway::BasesByPeriod;

BasesByPeriod Bases(const std::vector<std::string>& periods) {
  BasesByPeriod bases;
  for (const std::string& p : periods) {
    bases[p] = std::make_shared<const ctg::statbase::Base>(
        *ctg::synth::GenerateDemo(ctg::synth::kDefaultSeed, p));
  }
  return bases;
}

std::vector<std::string> Territories() {
  std::vector<std::string> out = {"33069", "QN03302M"};
  for (int i = 1; i <= 12; ++i)
    out.push_back(absl::StrCat("3306901", i < 10 ? "0" : "", i));
  return out;
}

// The digest over the released cells, as the gateway computes it.
std::string Digest(const sdc::Release& release) {
  ctg::extract::ExtractCsvWriter writer;
  ctg::v1::ExtractHeader header;
  header.set_source_mention("Source : Caf de la Gironde");
  writer.WriteHeader(header);
  ctg::v1::ExtractCell cell;
  for (const sdc::ReleasedCell& c : release.cells) {
    cell.set_territory(c.key.territory);
    cell.set_period(c.key.period);
    cell.set_indicator(c.key.indicator);
    cell.set_breakdown(c.key.breakdown);
    cell.set_category(c.key.category);
    cell.set_status(c.status == sdc::CellStatus::kPublished ? ctg::v1::PUBLISHED
                                                            : ctg::v1::MASKED);
    if (c.status == sdc::CellStatus::kPublished)
      cell.set_value(c.value);
    else
      cell.clear_value();
    writer.WriteCell(cell);
  }
  return writer.FinishDigest();
}

void Run(benchmark::State& state, const BasesByPeriod& bases,
         const ctg::policy::Scope& scope, bool audit) {
  ctg::gateway::SecretStatistiqueConfig config;
  config.lp_audit = audit ? "always" : "off";
  sdc::SdcConfig sdc_config = ctg::gateway::SdcConfigFrom(config);
  size_t cells = 0;
  sdc::InformationLoss loss;
  for (auto _ : state) {
    auto release = ctg::gateway::ProtectScope("33069", bases, scope, {},
                                              sdc_config, "bench");
    if (!release.ok()) {
      state.SkipWithError(std::string(release.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(Digest(*release));
    cells = release->cells.size();
    loss = release->loss;
  }
  state.counters["cells"] = static_cast<double>(cells);
  // Information loss (what the safety costs on the demo base).
  state.counters["masked"] = static_cast<double>(loss.cells_masked);
  state.counters["value_masked"] = static_cast<double>(loss.value_masked);
  state.counters["secondary"] = static_cast<double>(loss.cells_secondary);
  state.counters["value_secondary"] = static_cast<double>(loss.value_secondary);
}

// Every indicator and every breakdown of the catalogue, over `territories`.
ctg::policy::Scope EveryIndicator(std::vector<std::string> territories) {
  ctg::policy::Scope scope{.territories = std::move(territories),
                           .periods = {"2022", "2023"}};
  for (const auto& indicator : ctg::statbase::Indicators()) {
    scope.indicators.emplace_back(indicator.code);
    for (const auto& b : indicator.breakdowns) {
      std::string code(b.code);
      if (std::find(scope.breakdowns.begin(), scope.breakdowns.end(), code) ==
          scope.breakdowns.end()) {
        scope.breakdowns.push_back(code);
      }
    }
  }
  return scope;
}

const BasesByPeriod& TwoPeriods() {
  static const BasesByPeriod* bases =
      new BasesByPeriod(Bases({"2022", "2023"}));
  return *bases;
}

void BM_Extract1000Cells(benchmark::State& state) {
  std::vector<std::string> ten = Territories();
  ten.resize(10);
  Run(state, TwoPeriods(), EveryIndicator(ten), state.range(0) == 1);
}
BENCHMARK(BM_Extract1000Cells)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("lp_audit")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ExtractCommuneEveryIndicator(benchmark::State& state) {
  Run(state, TwoPeriods(), EveryIndicator(Territories()), state.range(0) == 1);
}
BENCHMARK(BM_ExtractCommuneEveryIndicator)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("lp_audit")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
