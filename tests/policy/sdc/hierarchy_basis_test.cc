// The hierarchical basis (used for large nested blocks) must give exactly the
// decisions of the inner-cell basis: the Gauss step depends on spans only.
#include "policy/sdc/internal/hierarchy_basis.h"

#include <random>

#include "gtest/gtest.h"
#include "policy/sdc/suppressor.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::policy::sdc::testing::Iris;
using ::ctg::policy::sdc::testing::MakeGrid;
using ::ctg::policy::sdc::testing::Masked;

TEST(HierarchyBasisTest, GridIsNestedAndCellsAreMostlyBasisVectors) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}, {8, 9}}));
  std::optional<internal::HierarchyBasis> h =
      internal::HierarchyBasis::Build(m, m.blocks[0]);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->size(), 6);  // as many as inner cells
  int singles = 0;
  for (int32_t i = 0; i < m.blocks[0].num_cells; ++i)
    singles += h->Column(i).idx.size() == 1;
  EXPECT_GE(singles, 6);
}

TEST(HierarchyBasisTest, QpvOverlayIsNotNested) {
  CommuneLayout l{
      "33069", {Iris(0), Iris(1)}, {{"Q", Iris(0)}, {"Q", Iris(1)}}};
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, CommuneGeography(l));
  BlockInput b{"N", "2023", IndicatorKind::kCount, false, {}, {}, {}};
  TableInput in;
  for (const std::string& p : g.pieces()) {
    b.figures.push_back({p, "", "", 50});
    in.allocataires.push_back({"2023", p, 500});
  }
  in.blocks.push_back(b);
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  EXPECT_FALSE(internal::HierarchyBasis::Build(m, m.blocks[0]).has_value());
}

TEST(HierarchyBasisTest, SameDecisionsAsTheInnerCellBasis) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const int n_iris = 2 + static_cast<int>(rng() % 5),
              ncat = 1 + static_cast<int>(rng() % 4);
    std::vector<std::vector<int64_t>> counts(n_iris,
                                             std::vector<int64_t>(ncat));
    std::vector<int64_t> pops;
    for (auto& row : counts) {
      for (int64_t& v : row) {
        const int u = static_cast<int>(rng() % 10);
        v = u < 2   ? 0
            : u < 5 ? 2 + static_cast<int64_t>(rng() % 3)
                    : 5 + rng() % 50;
      }
      pops.push_back(60 + static_cast<int64_t>(rng() % 500));
    }
    CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid(counts, pops));
    SdcConfig rows;
    rows.audit.mode = AuditMode::kOff;
    rows.singleton_method = SingletonMethod::kNone;  // no value-1 cell anyway
    SdcConfig tree = rows;
    tree.hierarchical_basis_min_rows = 0;
    CTG_ASSERT_OK_AND_ASSIGN(Release a, ProtectTable(m, {}, rows, "v1"));
    CTG_ASSERT_OK_AND_ASSIGN(Release b, ProtectTable(m, {}, tree, "v1"));
    ASSERT_EQ(Masked(a), Masked(b)) << "trial " << trial;
  }
}

TEST(HierarchyBasisTest, SubSumProtectsTheSingletonVariant) {
  // §5 singleton variant in the hierarchical basis: A2 + C2 = 2 must not be
  // derivable, so more than A1 and C1 are suppressed, and the audit passes.
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 1}, {15, 12}, {8, 1}}));
  SdcConfig config;
  config.hierarchical_basis_min_rows = 0;
  config.audit.max_repair_rounds = 0;  // the Gauss step alone must suffice
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_GT(Masked(r).size(), 4u);
  EXPECT_TRUE(r.audit.passed());
}

}  // namespace
}  // namespace ctg::policy::sdc
