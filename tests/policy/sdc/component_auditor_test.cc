// The warm LP of the repair loop (ComponentAuditor kept across audits) must
// give the reader's exact intervals and the same breaches as a cold LP built
// for each audit, on random tables with a sub-population bound, status words
// and "masked >= 1", while the published set shrinks round after round (and
// once grows back); and, in the repair loop's mode, a C2 breach without its
// min solve, the min given on demand.
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/internal/lp_block_audit.h"
#include "policy/sdc/lp_audit.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/suppressor.h"
#include "policy/sdc/table_builder.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using internal::AuditCell;
using internal::AuditRole;
using internal::BlockAuditResult;
using internal::ComponentAuditor;
using internal::Label;
using testing::GridGeography;
using testing::GridInput;
using Rng = std::mt19937_64;

// N (the allocataires: status words) by IRIS and category, and S <= N
// (bounded_by), cell by cell.
TableModel RandomTable(Rng& rng) {
  const int iris = std::uniform_int_distribution<int>(2, 5)(rng);
  const int cats = std::uniform_int_distribution<int>(2, 4)(rng);
  std::vector<std::vector<int64_t>> n(iris, std::vector<int64_t>(cats));
  for (auto& row : n) {
    for (int64_t& v : row)
      v = std::uniform_int_distribution<int64_t>(0, 60)(rng);
  }
  TableInput in = GridInput(n);
  in.blocks[0].allocataire_count = true;
  BlockInput s = in.blocks[0];
  s.indicator = "S";
  s.allocataire_count = false;
  s.bounded_by = "N";
  std::vector<int64_t> totals(iris, 0);
  for (Figure& f : s.figures) {
    if (f.breakdown.empty()) continue;
    f.count = std::binomial_distribution<int64_t>(f.count, 0.4)(rng);
  }
  for (Figure& f : s.figures) {
    if (f.breakdown.empty()) {
      f.count = 0;
      for (const Figure& g : s.figures) {
        if (!g.breakdown.empty() && g.piece == f.piece) f.count += g.count;
      }
    }
  }
  in.blocks.push_back(std::move(s));
  absl::StatusOr<Geography> geo = GridGeography(static_cast<size_t>(iris));
  EXPECT_TRUE(geo.ok());
  absl::StatusOr<TableModel> m = BuildTable(*geo, in);
  EXPECT_TRUE(m.ok()) << m.status();
  return *std::move(m);
}

// What the reader knows of a cell when `published` says whether it is.
AuditCell Knowledge(const TableModel& m, int32_t ci, bool published,
                    const SdcConfig& config) {
  const Cell& c = m.cells[ci];
  const Block& b = m.blocks[m.inner[c.rows[0]].block];
  AuditCell a;
  a.role = published ? AuditRole::kPublished : AuditRole::kMasked;
  if (b.allocataire_count && c.key.is_total() && !c.piece) {
    a.label = c.value >= config.territory_threshold ? Label::kShown
                                                    : Label::kExcluded;
  }
  if (!published) {
    a.known_positive = c.value >= 1;
    a.required_upper =
        IsSmallFigure(c, b, config) ? config.frequency_threshold : 0;
    a.required_width = internal::RequiredWidth(c, b, config);
  }
  return a;
}

void ExpectSameBreaches(const BlockAuditResult& warm,
                        const BlockAuditResult& cold) {
  ASSERT_EQ(warm.breached, cold.breached);
  for (size_t k = 0; k < warm.breaches.size(); ++k) {
    EXPECT_EQ(warm.breaches[k].criterion, cold.breaches[k].criterion);
    EXPECT_NEAR(warm.breaches[k].lower, cold.breaches[k].lower, 1e-6);
    if (!std::isinf(cold.breaches[k].upper)) {
      EXPECT_NEAR(warm.breaches[k].upper, cold.breaches[k].upper, 1e-6);
    }
  }
}

// Without exact_breach_lower (the repair loop), the same cells breach the
// same criteria with the same upper bounds; a lower bound not solved is a
// point the reader cannot rule out (>= the exact min, and only on a C2
// breach), and ExactLower gives the exact one.
void ExpectSameLazyBreaches(const BlockAuditResult& lazy,
                            const BlockAuditResult& exact,
                            ComponentAuditor& auditor, int64_t* lazy_lowers) {
  ASSERT_EQ(lazy.breached, exact.breached);
  ASSERT_EQ(lazy.lower_exact.size(), lazy.breaches.size());
  for (size_t k = 0; k < lazy.breaches.size(); ++k) {
    EXPECT_EQ(lazy.breaches[k].criterion, exact.breaches[k].criterion);
    if (!std::isinf(exact.breaches[k].upper)) {
      EXPECT_NEAR(lazy.breaches[k].upper, exact.breaches[k].upper, 1e-6);
    }
    if (lazy.lower_exact[k]) {
      EXPECT_NEAR(lazy.breaches[k].lower, exact.breaches[k].lower, 1e-6);
      continue;
    }
    ++*lazy_lowers;
    EXPECT_EQ(lazy.breaches[k].criterion, "C2");
    EXPECT_GE(lazy.breaches[k].lower, exact.breaches[k].lower - 1e-6);
    CTG_ASSERT_OK_AND_ASSIGN(double lower,
                             auditor.ExactLower(lazy.breached[k]));
    EXPECT_NEAR(lower, exact.breaches[k].lower, 1e-6);
  }
}

TEST(ComponentAuditorTest, WarmAuditsMatchColdRebuildsOnRandomTables) {
  const SdcConfig config;
  int64_t intervals_compared = 0, breaches = 0, lazy_lowers = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Rng rng(seed);
    const TableModel m = RandomTable(rng);
    const std::vector<std::vector<int32_t>> comps = internal::Components(m);
    ASSERT_EQ(comps.size(), 1u) << "the bound ties N and S";
    // Start with about a fifth of the cells masked.
    std::vector<bool> published(m.cells.size());
    for (size_t ci = 0; ci < m.cells.size(); ++ci) {
      published[ci] = std::bernoulli_distribution(0.8)(rng);
    }
    ComponentAuditor warm_exact(m, comps[0], config, {.exact_intervals = true});
    ComponentAuditor::Options fast;
    ComponentAuditor warm(m, comps[0], config, fast);
    ComponentAuditor warm_lazy(m, comps[0], config,
                               {.exact_breach_lower = false});
    for (int round = 0; round < 6; ++round) {
      std::vector<AuditCell> cells(m.cells.size());
      for (size_t ci = 0; ci < m.cells.size(); ++ci) {
        cells[ci] =
            Knowledge(m, static_cast<int32_t>(ci), published[ci], config);
      }
      CTG_ASSERT_OK_AND_ASSIGN(BlockAuditResult w, warm_exact.Audit(cells));
      CTG_ASSERT_OK_AND_ASSIGN(BlockAuditResult w_fast, warm.Audit(cells));
      CTG_ASSERT_OK_AND_ASSIGN(BlockAuditResult w_lazy, warm_lazy.Audit(cells));
      BlockAuditResult c, c_fast;
      {
        ComponentAuditor cold(m, comps[0], config, {.exact_intervals = true});
        CTG_ASSERT_OK_AND_ASSIGN(c, cold.Audit(cells));
      }
      {
        ComponentAuditor cold(m, comps[0], config, fast);
        CTG_ASSERT_OK_AND_ASSIGN(c_fast, cold.Audit(cells));
      }
      SCOPED_TRACE(absl::StrCat("seed ", seed, " round ", round));
      ASSERT_EQ(w.intervals.size(), c.intervals.size());
      for (size_t k = 0; k < w.intervals.size(); ++k) {
        ASSERT_EQ(w.intervals[k].first, c.intervals[k].first);
        const auto [wl, wu] = w.intervals[k].second;
        const auto [cl, cu] = c.intervals[k].second;
        EXPECT_NEAR(wl, cl, 1e-6)
            << m.cells[c.intervals[k].first].key.ToString();
        if (std::isinf(cu)) {
          EXPECT_TRUE(std::isinf(wu));
        } else {
          EXPECT_NEAR(wu, cu, 1e-6)
              << m.cells[c.intervals[k].first].key.ToString();
        }
        // The true value is one point of the reader's interval.
        const double v =
            static_cast<double>(m.cells[c.intervals[k].first].value);
        EXPECT_LE(cl, v + 1e-6);
        EXPECT_GE(cu, v - 1e-6);
        ++intervals_compared;
      }
      ExpectSameBreaches(w, c);
      ExpectSameBreaches(w_fast, c_fast);
      ExpectSameBreaches(w_fast, c);
      ExpectSameLazyBreaches(w_lazy, c, warm_lazy, &lazy_lowers);
      breaches += static_cast<int64_t>(c.breaches.size());
      // Next round: a few more cells masked; once, some published again
      // (the feasible set shrinks: the warm basis may be infeasible).
      for (size_t ci = 0; ci < m.cells.size(); ++ci) {
        if (round == 3) {
          if (!published[ci] && std::bernoulli_distribution(0.3)(rng))
            published[ci] = true;
        } else if (published[ci] && std::bernoulli_distribution(0.15)(rng)) {
          published[ci] = false;
        }
      }
    }
  }
  // The comparison is not vacuous.
  EXPECT_GT(intervals_compared, 1000);
  EXPECT_GT(breaches, 20);
  EXPECT_GT(lazy_lowers, 10);
}

// The first basis built from the true figures (then the dual simplex) gives
// the reader's exact intervals of a cold start from GLPK's plain crash, on
// random tables with about a fifth to a half of the cells masked.
TEST(ComponentAuditorTest, FeasibleFirstBasisGivesTheIntervalsOfAPlainStart) {
  const SdcConfig config;
  int64_t intervals_compared = 0;
  for (uint64_t seed = 100; seed < 160; ++seed) {
    Rng rng(seed);
    const TableModel m = RandomTable(rng);
    const std::vector<std::vector<int32_t>> comps = internal::Components(m);
    const double masked = std::uniform_real_distribution<>(0.2, 0.5)(rng);
    std::vector<AuditCell> cells(m.cells.size());
    for (size_t ci = 0; ci < m.cells.size(); ++ci) {
      cells[ci] = Knowledge(m, static_cast<int32_t>(ci),
                            !std::bernoulli_distribution(masked)(rng), config);
    }
    BlockAuditResult feasible, plain;
    {
      ComponentAuditor a(m, comps[0], config, {.exact_intervals = true});
      CTG_ASSERT_OK_AND_ASSIGN(feasible, a.Audit(cells));
    }
    {
      ComponentAuditor a(
          m, comps[0], config,
          {.exact_intervals = true, .feasible_first_basis = false});
      CTG_ASSERT_OK_AND_ASSIGN(plain, a.Audit(cells));
    }
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    ASSERT_EQ(feasible.intervals.size(), plain.intervals.size());
    for (size_t k = 0; k < plain.intervals.size(); ++k) {
      ASSERT_EQ(feasible.intervals[k].first, plain.intervals[k].first);
      const auto [fl, fu] = feasible.intervals[k].second;
      const auto [pl, pu] = plain.intervals[k].second;
      EXPECT_NEAR(fl, pl, 1e-6);
      if (std::isinf(pu)) {
        EXPECT_TRUE(std::isinf(fu));
      } else {
        EXPECT_NEAR(fu, pu, 1e-6);
      }
      ++intervals_compared;
    }
    ExpectSameBreaches(feasible, plain);
  }
  EXPECT_GT(intervals_compared, 500);
}

// A release refused on a C2 breach names the reader's exact interval, though
// the repair loop did not solve that cell's min: the same interval as the
// exact audit of the release the Gauss step alone would make.
TEST(ComponentAuditorTest, RefusalOnAC2BreachNamesTheExactInterval) {
  int64_t refusals = 0;
  for (uint64_t seed = 200; seed < 320; ++seed) {
    Rng rng(seed);
    const TableModel m = RandomTable(rng);
    SdcConfig refuse_at_once;
    refuse_at_once.audit.max_repair_rounds = 0;
    absl::StatusOr<Release> refused = ProtectTable(m, {}, refuse_at_once, "v1");
    if (refused.ok() ||
        !absl::StrContains(refused.status().message(), "(criterion C2")) {
      continue;
    }
    SdcConfig gauss_only = refuse_at_once;
    gauss_only.audit.mode = AuditMode::kOff;
    CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, gauss_only, "v1"));
    CTG_ASSERT_OK_AND_ASSIGN(AuditReport exact,
                             AuditRelease(m, r, {}, refuse_at_once));
    bool named = false;
    for (const CellInterval& b : exact.breaches) {
      const std::string expected = absl::StrCat(
          "cannot protect cell ", b.key.ToString(), " (criterion C2: ");
      if (!absl::StartsWith(refused.status().message(), expected)) continue;
      EXPECT_THAT(
          std::string(refused.status().message()),
          ::testing::HasSubstr(absl::StrCat("a reader can bound it to [",
                                            b.lower, ", ", b.upper, "]")))
          << "seed " << seed;
      named = true;
    }
    EXPECT_TRUE(named) << refused.status();
    ++refusals;
  }
  EXPECT_GT(refusals, 5);
}

TEST(ComponentAuditorTest, WrongNumberOfCellsIsRefused) {
  Rng rng(3);
  const TableModel m = RandomTable(rng);
  ComponentAuditor auditor(m, internal::Components(m)[0], SdcConfig{});
  EXPECT_THAT(auditor.Audit(std::vector<AuditCell>(m.cells.size() - 1)),
              ::ctg::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ctg::policy::sdc
