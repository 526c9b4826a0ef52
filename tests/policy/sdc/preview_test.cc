// The reviewers' feasibility preview: counts by reason, excluded territories,
// information loss, audit outcome.
#include "policy/sdc/preview.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/suppressor.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::policy::sdc::testing::Iris;
using ::ctg::policy::sdc::testing::MakeGrid;
using ::testing::HasSubstr;

TEST(PreviewTest, CountsMaskedCellsByReason) {
  // §5 with a fourth IRIS of 60 allocataires.
  CTG_ASSERT_OK_AND_ASSIGN(
      TableModel m,
      MakeGrid({{20, 3}, {15, 12}, {8, 9}, {30, 25}}, {500, 500, 500, 60}));
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, SdcConfig{}, "v1"));
  const FeasibilityPreview p = MakePreview(r);
  EXPECT_EQ(p.cells_total, 15);
  EXPECT_EQ(p.cells_excluded, 3);
  EXPECT_EQ(p.cells_masked_small, 1);
  EXPECT_EQ(p.cells_masked_earlier, 0);
  EXPECT_EQ(p.cells_published + p.cells_excluded + p.cells_masked_small +
                p.cells_masked_secondary + p.cells_masked_earlier,
            p.cells_total);
  EXPECT_EQ(p.cells_masked_secondary, r.loss.cells_secondary);
  ASSERT_EQ(p.excluded.size(), 1u);
  EXPECT_EQ(p.excluded[0].territory, Iris(3));
  EXPECT_EQ(static_cast<int64_t>(p.masked.size()),
            p.cells_total - p.cells_published);
  EXPECT_TRUE(p.audit_ran);
  EXPECT_TRUE(p.audit_complete);
  EXPECT_TRUE(p.audit_passed);
  const std::string text = FormatPreview(p);
  EXPECT_THAT(text, HasSubstr("cells masked, small count (R7): 1"));
  EXPECT_THAT(text, HasSubstr("excluded territory: 330690004 (2023)"));
  EXPECT_THAT(text, HasSubstr("LP audit: passed"));
}

TEST(PreviewTest, AuditOffIsSaid) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}}));
  SdcConfig config;
  config.audit.mode = AuditMode::kOff;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  const FeasibilityPreview p = MakePreview(r);
  EXPECT_FALSE(p.audit_ran);
  EXPECT_FALSE(p.audit_passed);
  EXPECT_THAT(FormatPreview(p), HasSubstr("LP audit: not run"));
}

TEST(PreviewTest, SampledAuditCoversPartOfTheBlocks) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, testing::GridGeography(2));
  TableInput in = testing::GridInput({{20, 3}, {15, 12}});
  for (int k = 1; k < 10; ++k) {
    BlockInput b = in.blocks[0];
    b.indicator = "N" + std::to_string(k);
    in.blocks.push_back(b);
  }
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  config.audit.mode = AuditMode::kSampled;
  config.audit.sample_fraction = 0.3;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1", 99));
  EXPECT_EQ(r.audit.blocks_audited, 3);
  EXPECT_FALSE(MakePreview(r).audit_complete);
  config.audit.mode = AuditMode::kAlways;
  config.audit.max_rows = 8;  // two blocks of 4 inner cells fit
  CTG_ASSERT_OK_AND_ASSIGN(Release s, ProtectTable(m, {}, config, "v1", 99));
  EXPECT_EQ(s.audit.blocks_audited, 2);
}

}  // namespace
}  // namespace ctg::policy::sdc
