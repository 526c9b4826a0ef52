// PlanBlock decides once, per cell, why it is protected and whether R7
// applies to its value; the LP audit's criteria come from that plan.
#include "policy/sdc/internal/block_plan.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "policy/sdc/rules.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using internal::AuditRole;
using internal::CellPlan;
using testing::MakeGrid;
using testing::ShortName;

// The plan and the audit cell of the cell named `name` ("A1") of block 0.
struct Planned {
  CellPlan plan;
  internal::AuditCell audit;
};

Planned PlanOf(const TableModel& m, const std::vector<CellPlan>& plan,
               const std::string& name, const SdcConfig& config) {
  const Block& b = m.blocks[0];
  for (int32_t i = 0; i < b.num_cells; ++i) {
    const Cell& c = m.cells[b.first_cell + i];
    if (ShortName(c.key) != name) continue;
    return {plan[i], internal::MakeAuditCell(c, b, AuditRole::kMasked, plan[i],
                                             {}, config)};
  }
  ADD_FAILURE() << "no cell " << name;
  return {};
}

// IRIS A has 50 allocataires (R6: excluded) and a category of 3 (R7): its
// reason is R6, yet the audit still requires its maximum to reach 5 (C2).
TEST(BlockPlanTest, AnExcludedSmallCountKeepsTheFrequencyThreshold) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m,
                           MakeGrid({{3, 20}, {15, 12}}, {50, 1000}));
  const SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(std::vector<CellPlan> plan,
                           internal::PlanBlock(m, 0, {}, config));
  const Planned a1 = PlanOf(m, plan, "A1", config);
  EXPECT_EQ(a1.plan.reason, MaskReason::kExcludedTerritory);
  EXPECT_TRUE(a1.plan.small_figure);
  EXPECT_EQ(a1.audit.required_upper, config.frequency_threshold);
  const Planned a2 = PlanOf(m, plan, "A2", config);
  EXPECT_EQ(a2.plan.reason, MaskReason::kExcludedTerritory);
  EXPECT_FALSE(a2.plan.small_figure);
  EXPECT_EQ(a2.audit.required_upper, 0);
}

TEST(BlockPlanTest, SmallFigureIsR7OnEveryCell) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m,
                           MakeGrid({{0, 4, 30}, {5, 1, 12}}, {1000, 1000}));
  for (const bool mask_zeros : {false, true}) {
    SdcConfig config;
    config.mask_zeros = mask_zeros;
    CTG_ASSERT_OK_AND_ASSIGN(std::vector<CellPlan> plan,
                             internal::PlanBlock(m, 0, {}, config));
    const Block& b = m.blocks[0];
    for (int32_t i = 0; i < b.num_cells; ++i) {
      const Cell& c = m.cells[b.first_cell + i];
      SCOPED_TRACE(ShortName(c.key));
      EXPECT_EQ(plan[i].small_figure, IsSmallFigure(c, b, config));
      EXPECT_EQ(plan[i].small_figure,
                c.value == 0 ? mask_zeros : c.value > 0 && c.value < 5);
      EXPECT_EQ(plan[i].reason == MaskReason::kSmallCount,
                plan[i].small_figure);
    }
  }
}

}  // namespace
}  // namespace ctg::policy::sdc
