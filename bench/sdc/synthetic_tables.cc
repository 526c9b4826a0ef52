#include "bench/sdc/synthetic_tables.h"

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ctg::bench::sdc {
namespace {

using policy::sdc::BlockInput;
using policy::sdc::Breakdown;
using policy::sdc::IndicatorKind;
using Rng = std::mt19937_64;

// Splits `total` over `shares` (multinomial by sequential binomials).
std::vector<int64_t> Split(Rng& rng, int64_t total,
                           const std::vector<double>& shares) {
  std::vector<int64_t> out(shares.size(), 0);
  double rest = 1.0;
  for (size_t c = 0; c + 1 < shares.size(); ++c) {
    const double p = rest > 0 ? std::min(1.0, shares[c] / rest) : 0;
    out[c] = std::binomial_distribution<int64_t>(total, p)(rng);
    total -= out[c];
    rest -= shares[c];
  }
  out.back() = total;
  return out;
}

std::vector<double> Shares(Rng& rng, int n) {
  std::vector<double> s(n);
  double sum = 0;
  for (int c = 0; c < n; ++c)
    sum += s[c] = std::exp(std::normal_distribution<double>(0, 1.2)(rng));
  for (double& v : s) v /= sum;
  return s;
}

// Adds one block: per piece a total from `size[p]` scaled by `rate`, split
// over the categories.
void AddBlock(Rng& rng, const std::vector<std::string>& pieces,
              const std::vector<int64_t>& size, double rate,
              const std::string& indicator, const std::string& period,
              int categories, bool allocataires, policy::sdc::TableInput* in) {
  BlockInput b{indicator, period, IndicatorKind::kCount, allocataires, {},
               {},        {}};
  Breakdown bd{"cat", {}};
  for (int c = 0; c < categories; ++c)
    bd.categories.push_back(absl::StrCat("c", c));
  b.breakdowns.push_back(bd);
  const std::vector<double> shares = Shares(rng, categories);
  b.figures.reserve(pieces.size() * (categories + 1));
  for (size_t p = 0; p < pieces.size(); ++p) {
    const int64_t total =
        allocataires ? size[p]
                     : std::binomial_distribution<int64_t>(size[p], rate)(rng);
    b.figures.push_back({pieces[p], "", "", total});
    const std::vector<int64_t> split = Split(rng, total, shares);
    for (int c = 0; c < categories; ++c) {
      b.figures.push_back({pieces[p], "cat", bd.categories[c], split[c]});
    }
  }
  in->blocks.push_back(std::move(b));
}

}  // namespace

// A sub-population of `population` (same pieces and categories): each figure
// thinned by `rate`, bounded by it.
void AddSubPopulation(Rng& rng, const BlockInput& population, double rate,
                      const std::string& indicator,
                      policy::sdc::TableInput* in) {
  BlockInput b = population;
  b.indicator = indicator;
  b.allocataire_count = false;
  b.bounded_by = population.indicator;
  absl::flat_hash_map<std::string, int64_t> totals;
  for (policy::sdc::Figure& f : b.figures) {
    if (f.breakdown.empty()) continue;
    f.count = std::binomial_distribution<int64_t>(f.count, rate)(rng);
    totals[f.piece] += f.count;
  }
  for (policy::sdc::Figure& f : b.figures) {
    if (f.breakdown.empty()) f.count = totals[f.piece];
  }
  in->blocks.push_back(std::move(b));
}

absl::StatusOr<SyntheticTable> CommuneRelease(uint64_t seed, bool linked) {
  Rng rng(seed);
  policy::sdc::CommuneLayout layout{"33069", {}, {}};
  for (int i = 0; i < 12; ++i)
    layout.iris.push_back(absl::StrFormat("33069%04d", 101 + i));
  for (int i = 3; i < 6; ++i)
    layout.qpv_parts.push_back({"QN03301M", layout.iris[i]});
  absl::StatusOr<policy::sdc::Geography> geo =
      policy::sdc::CommuneGeography(layout);
  if (!geo.ok()) return geo.status();
  SyntheticTable t{*std::move(geo), {}};
  std::vector<int64_t> size;
  for (size_t p = 0; p < t.geography.pieces().size(); ++p) {
    size.push_back(std::uniform_int_distribution<int64_t>(60, 700)(rng));
  }
  for (int period = 0; period < 3; ++period) {
    const std::string year = absl::StrCat(2021 + period);
    const size_t first = t.input.blocks.size();
    for (int k = 0; k < 15; ++k) {
      const double rate =
          k == 0 ? 1.0 : std::uniform_real_distribution<double>(0.02, 0.6)(rng);
      if (linked && k > 0) {
        const BlockInput population = t.input.blocks[first];
        AddSubPopulation(rng, population, rate, absl::StrCat("IND", k),
                         &t.input);
        continue;
      }
      AddBlock(rng, t.geography.pieces(), size, rate, absl::StrCat("IND", k),
               year, 5, k == 0, &t.input);
    }
  }
  return t;
}

absl::StatusOr<SyntheticTable> NationalTable(int communes, int iris,
                                             int categories, uint64_t seed) {
  Rng rng(seed);
  const int depts = 101;
  // One commune in seven is divided into IRIS (at least 2 each); the others
  // are one IRIS each.
  const int divided = std::max(1, communes / 7);
  std::vector<int> n_iris(communes, 1);
  for (int c = 0; c < divided; ++c) n_iris[c] = 2;
  for (int k = communes + divided; k < iris; ++k) {
    ++n_iris[std::uniform_int_distribution<int>(0, divided - 1)(rng)];
  }
  std::vector<std::string> pieces;
  std::vector<policy::sdc::TerritorySpec> territories;
  territories.push_back({"FR", {}});
  for (int d = 0; d < depts; ++d)
    territories.push_back({absl::StrFormat("D%03d", d), {}});
  std::vector<policy::sdc::TerritorySpec> commune_specs, iris_specs;
  std::vector<int64_t> size;
  for (int c = 0; c < communes; ++c) {
    const int d = c % depts;
    const std::string code = absl::StrFormat("%05d", 1000 + c);
    policy::sdc::TerritorySpec commune{code, {}};
    // Many small rural communes: a log-normal commune size.
    const double mean =
        std::exp(std::normal_distribution<double>(4.6, 1.1)(rng));
    for (int i = 0; i < n_iris[c]; ++i) {
      const std::string ic = n_iris[c] == 1
                                 ? absl::StrCat(code, "0000")
                                 : absl::StrFormat("%s%04d", code, 101 + i);
      pieces.push_back(ic);
      size.push_back(n_iris[c] == 1 ? static_cast<int64_t>(mean)
                                    : std::uniform_int_distribution<int64_t>(
                                          150, 900)(rng));
      commune.pieces.push_back(ic);
      territories[0].pieces.push_back(ic);
      territories[1 + d].pieces.push_back(ic);
      iris_specs.push_back({ic, {ic}});
    }
    commune_specs.push_back(std::move(commune));
  }
  for (auto& s : commune_specs) territories.push_back(std::move(s));
  // An undivided commune's IRIS (commune + "0000") is published too, as in
  // INSEE's IRIS tables: its cells duplicate the commune's.
  for (auto& s : iris_specs) territories.push_back(std::move(s));
  absl::StatusOr<policy::sdc::Geography> geo =
      policy::sdc::Geography::Create(std::move(pieces), std::move(territories));
  if (!geo.ok()) return geo.status();
  SyntheticTable t{*std::move(geo), {}};
  AddBlock(rng, t.geography.pieces(), size, 1.0, "ALLOC", "2023", categories,
           true, &t.input);
  return t;
}

}  // namespace ctg::bench::sdc
