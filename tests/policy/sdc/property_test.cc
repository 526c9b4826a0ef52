// Property test: over random hierarchical tables (communes of 2-6 IRIS, an
// optional QPV overlay, one or two indicators with 0-2 linked breakdowns,
// counts or amounts, sometimes a third indicator tied to the first by a
// total_equals relation,
// varying sparsity and small counts, IRIS and pieces under 100 allocataires)
// and random sequences of 2-5 overlapping releases to the same commune, the
// independent LP audit never finds a breach. Fixed seeds: reproducible.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "policy/sdc/lp_audit.h"
#include "policy/sdc/suppressor.h"
#include "policy/sdc/table_builder.h"
#include "tests/policy/sdc/rank_check.h"
#include "tests/policy/sdc/sdc_test_util.h"

namespace ctg::policy::sdc {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kCases = 150;  // ASan is ~10x slower; the normal build runs 1,200
#else
constexpr int kCases = 1200;
#endif

using Rng = std::mt19937_64;

int64_t Uniform(Rng& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

struct RandomCommune {
  Geography geo;
  std::vector<std::string> territories;
  TableInput input;
};

// A count drawn with the case's sparsity: zeros, small counts, or larger.
int64_t Count(Rng& rng, double p_zero, double p_small) {
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  if (u < p_zero) return 0;
  if (u < p_zero + p_small) return Uniform(rng, 1, 4);
  return Uniform(rng, 5, 60);
}

BlockInput RandomBlock(Rng& rng, const Geography& geo,
                       const std::string& indicator, double p_zero,
                       double p_small) {
  const bool amount = Uniform(rng, 0, 4) == 0;
  BlockInput b{indicator,
               "2023",
               amount ? IndicatorKind::kAmount : IndicatorKind::kCount,
               false,
               {},
               {},
               {}};
  const int nb = static_cast<int>(Uniform(rng, 0, 2));
  for (int k = 0; k < nb; ++k) {
    Breakdown bd{absl::StrCat("b", k), {}};
    const int nc = static_cast<int>(Uniform(rng, 2, 4));
    for (int c = 0; c < nc; ++c) bd.categories.push_back(absl::StrCat("c", c));
    b.breakdowns.push_back(bd);
  }
  for (const std::string& piece : geo.pieces()) {
    // Cross cells, then every breakdown's margins (so they are consistent).
    std::vector<int64_t> ncat;
    int64_t ncross = 1;
    for (const Breakdown& bd : b.breakdowns) {
      ncat.push_back(static_cast<int64_t>(bd.categories.size()));
      ncross *= ncat.back();
    }
    std::vector<std::vector<int64_t>> margin(nb), euros(nb);
    for (int k = 0; k < nb; ++k) {
      margin[k].assign(ncat[k], 0);
      euros[k].assign(ncat[k], 0);
    }
    int64_t total = 0, total_euros = 0;
    for (int64_t x = 0; x < ncross; ++x) {
      const int64_t v = Count(rng, p_zero, p_small);
      const int64_t e = amount ? v * Uniform(rng, 50, 400) : 0;
      total += v;
      total_euros += e;
      int64_t rest = x;
      for (int k = 0; k < nb; ++k) {
        margin[k][rest % ncat[k]] += v;
        euros[k][rest % ncat[k]] += e;
        rest /= ncat[k];
      }
    }
    b.figures.push_back({piece, "", "", total, total_euros});
    for (int k = 0; k < nb; ++k) {
      for (int64_t c = 0; c < ncat[k]; ++c) {
        b.figures.push_back({piece, b.breakdowns[k].code,
                             b.breakdowns[k].categories[c], margin[k][c],
                             euros[k][c]});
      }
    }
  }
  return b;
}

// An indicator whose total equals category c0 of `target`'s first breakdown
// in every piece (catalogue relation total_equals), split over 0-1 breakdown.
BlockInput LinkedBlock(Rng& rng, const BlockInput& target,
                       const std::string& indicator) {
  BlockInput b{indicator, "2023", IndicatorKind::kCount, false, {}, {}, {}};
  b.total_equals = {target.indicator, target.breakdowns[0].code,
                    target.breakdowns[0].categories[0]};
  const int nc = static_cast<int>(Uniform(rng, 0, 3));
  if (nc > 1) {
    b.breakdowns.push_back({"k", {}});
    for (int c = 0; c < nc; ++c)
      b.breakdowns[0].categories.push_back(absl::StrCat("k", c));
  }
  for (const Figure& f : target.figures) {
    if (f.breakdown != target.breakdowns[0].code ||
        f.category != target.breakdowns[0].categories[0]) {
      continue;
    }
    b.figures.push_back({f.piece, "", "", f.count});
    int64_t rest = f.count;
    for (int c = 0; nc > 1 && c < nc; ++c) {
      const int64_t v = c + 1 == nc ? rest : Uniform(rng, 0, rest);
      rest -= v;
      b.figures.push_back({f.piece, "k", b.breakdowns[0].categories[c], v});
    }
  }
  return b;
}

RandomCommune MakeCommune(Rng& rng) {
  const int n_iris = static_cast<int>(Uniform(rng, 2, 6));
  CommuneLayout layout{"33069", {}, {}};
  for (int i = 0; i < n_iris; ++i) layout.iris.push_back(testing::Iris(i));
  if (Uniform(rng, 0, 9) < 4) {
    const int first = static_cast<int>(Uniform(rng, 0, n_iris - 1));
    const int parts =
        static_cast<int>(Uniform(rng, 1, std::min(3, n_iris - first)));
    for (int i = first; i < first + parts; ++i) {
      layout.qpv_parts.push_back({"QN03301M", testing::Iris(i)});
    }
  }
  absl::StatusOr<Geography> geo = CommuneGeography(layout);
  EXPECT_TRUE(geo.ok()) << geo.status();
  RandomCommune rc{*std::move(geo), {}, {}};
  for (const auto& t : rc.geo.territories()) rc.territories.push_back(t.code);
  const double p_zero = Uniform(rng, 0, 4) * 0.1,
               p_small = Uniform(rng, 0, 5) * 0.1;
  const int n_blocks = static_cast<int>(Uniform(rng, 1, 2));
  for (int k = 0; k < n_blocks; ++k) {
    rc.input.blocks.push_back(
        RandomBlock(rng, rc.geo, absl::StrCat("I", k), p_zero, p_small));
  }
  const BlockInput& first = rc.input.blocks[0];
  if (first.kind == IndicatorKind::kCount && !first.breakdowns.empty() &&
      Uniform(rng, 0, 2) == 0) {
    rc.input.blocks.push_back(LinkedBlock(rng, first, "L0"));
  }
  for (const std::string& piece : rc.geo.pieces()) {
    rc.input.allocataires.push_back({"2023", piece, Uniform(rng, 40, 700)});
  }
  return rc;
}

// One random request: a non-empty subset of territories and of breakdowns.
void RandomRequest(Rng& rng, RandomCommune* rc) {
  TableInput& in = rc->input;
  in.requested_territories.clear();
  for (const std::string& t : rc->territories) {
    if (Uniform(rng, 0, 2) > 0) in.requested_territories.push_back(t);
  }
  if (in.requested_territories.empty())
    in.requested_territories.push_back(rc->territories[0]);
  in.requested_breakdowns.clear();
  if (Uniform(rng, 0, 1) == 0) in.requested_breakdowns = {"b0"};
}

TEST(PropertyTest, LpAuditNeverFindsABreachOverReleaseSequences) {
  int releases = 0, refused = 0, masked = 0;
  for (int seed = 0; seed < kCases; ++seed) {
    Rng rng(0x5dc0000 + seed);
    RandomCommune rc = MakeCommune(rng);
    SdcConfig config;
    config.mask_zeros = Uniform(rng, 0, 9) == 0;
    ReleaseMemory memory;
    const int n_releases = static_cast<int>(Uniform(rng, 2, 5));
    for (int k = 0; k < n_releases; ++k) {
      RandomRequest(rng, &rc);
      absl::StatusOr<TableModel> model = BuildTable(rc.geo, rc.input);
      ASSERT_TRUE(model.ok()) << "seed " << seed << ": " << model.status();
      absl::StatusOr<Release> r =
          ProtectTable(*model, memory, config, "v1", seed);
      if (!r.ok()) {
        // Refusing is safe; it must be a reasoned refusal, and rare.
        ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition)
            << "seed " << seed << ": " << r.status();
        ++refused;
        if (std::getenv("SDC_PROPERTY_VERBOSE") != nullptr) {
          std::printf("seed %d release %d refused: %s\n", seed, k,
                      std::string(r.status().message()).c_str());
          if (std::getenv("SDC_PROPERTY_DUMP") != nullptr) {
            for (const Cell& c : model->cells) {
              const MemoryEntry* e = memory.Find(c.key);
              std::printf(
                  "  %-40s v=%-3lld rows=%zu req=%d piece=%d pop=%lld mem=%s\n",
                  c.key.ToString().c_str(), static_cast<long long>(c.value),
                  c.rows.size(), c.requested, c.piece,
                  static_cast<long long>(c.territory_population),
                  e == nullptr                                 ? "-"
                  : e->state == MemoryEntry::State::kPublished ? "P"
                                                               : "M");
            }
          }
        }
        continue;
      }
      ++releases;
      absl::StatusOr<AuditReport> a = AuditRelease(*model, *r, memory, config);
      ASSERT_TRUE(a.ok()) << "seed " << seed << ": " << a.status();
      for (const CellInterval& b : a->breaches) {
        ADD_FAILURE() << "seed " << seed << " release " << k << ": breach "
                      << b.key.ToString() << " [" << b.lower << ", " << b.upper
                      << "] needs " << b.required_upper;
      }
      ASSERT_TRUE(a->breaches.empty());
      // And, independently of the LP, no masked cell is a linear combination
      // of what the reader knows (exact, modulo a large prime).
      const std::vector<std::string> derivable =
          testing::DerivableMaskedCells(*model, *r, memory, config);
      ASSERT_TRUE(derivable.empty()) << "seed " << seed << ": " << derivable[0];
      for (const ReleasedCell& c : r->cells)
        masked += c.status != CellStatus::kPublished;
      ASSERT_TRUE(memory.Record(*r).ok()) << "seed " << seed;
    }
  }
  EXPECT_GE(releases, 2 * kCases);
  EXPECT_LE(refused, releases / 50) << "too many refusals";
  EXPECT_GT(masked, 0);
  RecordProperty("releases", releases);
  RecordProperty("refused", refused);
  std::printf("property: %d tables, %d releases, %d refused, %d masked cells\n",
              kCases, releases, refused, masked);
}

// The release that masks every requested cell it may (all but the figures
// published earlier; excluded territories stay excluded): if even it passes
// the audit, a suppression in the release could have made it safe.
Release MaskEverything(const TableModel& model, const ReleaseMemory& memory,
                       const SdcConfig& config) {
  Release out;
  for (const Block& b : model.blocks) {
    for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
      const Cell& c = model.cells[ci];
      if (!c.requested) continue;
      const MemoryEntry* e = memory.Find(c.key);
      ReleasedCell rc{c.key,
                      CellStatus::kMasked,
                      MaskReason::kSecondary,
                      c.value,
                      c.amount,
                      b.kind == IndicatorKind::kAmount};
      if (e != nullptr && e->state == MemoryEntry::State::kPublished) {
        rc.status = CellStatus::kPublished;
        rc.reason = MaskReason::kNone;
      } else if (IsExcludedCell(c, config)) {
        rc.status = CellStatus::kExcluded;
        rc.reason = MaskReason::kExcludedTerritory;
      }
      out.cells.push_back(std::move(rc));
    }
  }
  return out;
}

// The repair loop refuses only what no suppression in the release can
// repair: for every refused release of random sequences (QPV overlays,
// zeros, linked indicators, earlier releases), masking every requested cell
// still leaves a breach; every release made passes the audit.
TEST(PropertyTest, ARefusalIsNeededEvenWithEverythingMasked) {
  int releases = 0, refused = 0;
  for (int seed = 0; seed < kCases; ++seed) {
    Rng rng(0x7e9a000 + seed);
    RandomCommune rc = MakeCommune(rng);
    SdcConfig config;
    ReleaseMemory memory;
    const int n_releases = static_cast<int>(Uniform(rng, 2, 5));
    for (int k = 0; k < n_releases; ++k) {
      RandomRequest(rng, &rc);
      absl::StatusOr<TableModel> model = BuildTable(rc.geo, rc.input);
      ASSERT_TRUE(model.ok()) << "seed " << seed << ": " << model.status();
      absl::StatusOr<Release> r =
          ProtectTable(*model, memory, config, "v1", seed);
      if (!r.ok()) {
        ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition)
            << "seed " << seed << ": " << r.status();
        ++refused;
        absl::StatusOr<AuditReport> all = AuditRelease(
            *model, MaskEverything(*model, memory, config), memory, config);
        ASSERT_TRUE(all.ok()) << "seed " << seed << ": " << all.status();
        EXPECT_FALSE(all->breaches.empty())
            << "seed " << seed << " release " << k
            << " refused, but masking every requested cell is safe: "
            << r.status();
        continue;
      }
      ++releases;
      absl::StatusOr<AuditReport> a = AuditRelease(*model, *r, memory, config);
      ASSERT_TRUE(a.ok()) << "seed " << seed << ": " << a.status();
      ASSERT_TRUE(a->breaches.empty())
          << "seed " << seed << " release " << k << ": breach "
          << a->breaches[0].key.ToString();
      ASSERT_TRUE(memory.Record(*r).ok()) << "seed " << seed;
    }
  }
  EXPECT_GE(releases, 2 * kCases);
  std::printf("necessary refusals: %d releases, %d refused\n", releases,
              refused);
}

// A base replaced between two releases (some pieces' figures change): the
// second release is either refused as unsafe or passes the audit with the
// memory of the first (the reader is assumed to know current values).
TEST(PropertyTest, ReplacedBaseIsRefusedOrSafe) {
  int safe = 0, refused = 0;
  for (int seed = 0; seed < kCases / 4; ++seed) {
    Rng rng(0xba5e000 + seed);
    RandomCommune rc = MakeCommune(rng);
    SdcConfig config;
    ReleaseMemory memory;
    RandomRequest(rng, &rc);
    absl::StatusOr<TableModel> v1 = BuildTable(rc.geo, rc.input);
    ASSERT_TRUE(v1.ok()) << v1.status();
    absl::StatusOr<Release> r1 = ProtectTable(*v1, memory, config, "v1");
    if (!r1.ok()) continue;
    ASSERT_TRUE(memory.Record(*r1).ok());
    // Base v2: a third of the pieces get new figures.
    RandomCommune replaced = rc;
    for (size_t k = 0; k < rc.input.blocks.size(); ++k) {
      if (!rc.input.blocks[k].total_equals.indicator.empty())
        continue;  // redone below
      BlockInput fresh =
          RandomBlock(rng, rc.geo, rc.input.blocks[k].indicator, 0.2, 0.3);
      fresh.kind = rc.input.blocks[k].kind;
      BlockInput& old = replaced.input.blocks[k];
      bool same_shape = fresh.breakdowns.size() == old.breakdowns.size();
      for (size_t d = 0; same_shape && d < old.breakdowns.size(); ++d) {
        same_shape =
            fresh.breakdowns[d].categories == old.breakdowns[d].categories;
      }
      if (!same_shape) continue;
      for (size_t f = 0; f < old.figures.size(); ++f) {
        if (std::hash<std::string>{}(old.figures[f].piece) % 3 == 0) {
          old.figures[f] = fresh.figures[f];
        }
      }
    }
    for (BlockInput& b : replaced.input.blocks) {
      if (!b.total_equals.indicator.empty()) {
        b = LinkedBlock(rng, replaced.input.blocks[0], b.indicator);
      }
    }
    RandomRequest(rng, &replaced);
    absl::StatusOr<TableModel> v2 = BuildTable(replaced.geo, replaced.input);
    ASSERT_TRUE(v2.ok()) << v2.status();
    absl::StatusOr<Release> r2 = ProtectTable(*v2, memory, config, "v2");
    if (!r2.ok()) {
      ASSERT_EQ(r2.status().code(), absl::StatusCode::kFailedPrecondition)
          << r2.status();
      ++refused;
      continue;
    }
    ++safe;
    absl::StatusOr<AuditReport> a = AuditRelease(*v2, *r2, memory, config);
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_TRUE(a->breaches.empty())
        << "seed " << seed << ": " << a->breaches[0].key.ToString();
  }
  EXPECT_GT(safe, 0);
  std::printf("replaced base: %d safe releases, %d refused\n", safe, refused);
}

}  // namespace
}  // namespace ctg::policy::sdc
