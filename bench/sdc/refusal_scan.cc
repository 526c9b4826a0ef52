// ctg_sdc_refusal_scan: the first release of every commune of the national
// synthetic base (ctg-synth --mode national, seed 42, 35,000 communes,
// 2023), with the scope ctg-load requests (bench/load/fixture.cc SizeScope:
// indicators in catalogue order until ~1,000 cells, every breakdown, the
// commune's territories in code order, fewer for a large commune), through
// gateway::ProtectScope with the default [secret_statistique]. Prints each
// refusal and the totals (releases, refused, cells, masked, repair rounds):
// the refusal rate and information loss of the repair loop at scale.
//
//   ctg_sdc_refusal_scan [EVERY [COMMUNE]]   (every EVERY-th commune, or one)
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gateway/config.h"
#include "gateway/protection.h"
#include "statbase/catalogue.h"
#include "tools/ctg-synth/synth.h"

namespace {

using ctg::statbase::Base;
using ctg::statbase::Territory;

constexpr int64_t kTargetCells = 1000;  // ctg-load's --extract-cells

// The commune, its IRIS and the QPVs over them, sorted by code.
std::vector<std::string> TerritoriesOf(const Base& base, const Territory& t) {
  std::vector<std::string> out{t.code};
  std::set<std::string> qpvs;
  for (auto iris : t.parts) {
    out.push_back(base.territory(iris).code);
    for (auto piece : base.territory(iris).parts) {
      const auto qpv = base.territory(piece).qpv;
      if (qpv != ctg::statbase::kNoTerritory)
        qpvs.insert(base.territory(qpv).code);
    }
  }
  out.insert(out.end(), qpvs.begin(), qpvs.end());
  std::sort(out.begin(), out.end());
  return out;
}

// SizeScope of bench/load/fixture.cc.
ctg::policy::Scope LoadScope(const std::vector<std::string>& territories) {
  ctg::policy::Scope scope{.periods = {"2023"}};
  int64_t per_territory = 0;
  std::set<std::string> breakdowns;
  const int64_t n = static_cast<int64_t>(territories.size());
  for (const auto& indicator : ctg::statbase::Indicators()) {
    if (n * per_territory >= kTargetCells) break;
    scope.indicators.emplace_back(indicator.code);
    per_territory += 1;
    for (const auto& b : indicator.breakdowns) {
      per_territory += static_cast<int64_t>(b.categories.size());
      breakdowns.emplace(b.code);
    }
  }
  int64_t keep = n;
  if (keep * per_territory > kTargetCells + kTargetCells / 2) {
    keep = std::max<int64_t>(
        1, (kTargetCells + per_territory - 1) / per_territory);
  }
  scope.territories.assign(territories.begin(), territories.begin() + keep);
  scope.breakdowns.assign(breakdowns.begin(), breakdowns.end());
  return scope;
}

}  // namespace

int main(int argc, char** argv) {
  const int every = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
  const std::string only = argc > 2 ? argv[2] : "";
  auto generated = ctg::synth::GenerateNational(
      ctg::synth::kDefaultSeed, ctg::synth::kDefaultNationalCommunes, "2023");
  if (!generated.ok()) {
    std::cerr << generated.status() << "\n";
    return 1;
  }
  auto base = std::make_shared<const Base>(std::move(*generated));
  const ctg::gateway::BasesByPeriod bases{{"2023", base}};
  const auto config =
      ctg::gateway::SdcConfigFrom(ctg::gateway::SecretStatistiqueConfig{});
  int64_t seen = 0, releases = 0, refused = 0, cells = 0, masked = 0,
          rounds = 0;
  for (auto id : base->sorted_territories()) {
    const Territory& t = base->territory(id);
    if (t.level != ctg::statbase::TerritoryLevel::kCommune) continue;
    ++seen;
    if (only.empty() ? seen % every != 0 : t.code != only) continue;
    auto release = ctg::gateway::ProtectScope(
        t.code, bases, LoadScope(TerritoriesOf(*base, t)), {}, config,
        "synth@1");
    if (!release.ok()) {
      ++refused;
      std::cout << "refused " << t.code << ": " << release.status().message()
                << "\n";
      continue;
    }
    ++releases;
    cells += static_cast<int64_t>(release->cells.size());
    masked += release->loss.cells_masked;
    rounds += release->audit.repair_rounds;
  }
  std::cout << "communes " << releases + refused << ", releases " << releases
            << ", refused " << refused << ", cells " << cells << ", masked "
            << masked << ", repair rounds " << rounds << "\n";
  return 0;
}
