// The Gauss step on the design doc's worked example (§5) and its singleton
// variant, plus the elimination's own guarantees on small direct problems.
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/internal/gauss_eliminator.h"
#include "policy/sdc/lp_audit.h"
#include "policy/sdc/suppressor.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::policy::sdc::testing::MakeGrid;
using ::ctg::policy::sdc::testing::Masked;
using ::ctg::policy::sdc::testing::MaskedWithReason;
using ::testing::ElementsAre;
using Names = std::set<std::string>;

SdcConfig NoAudit() {
  SdcConfig c;
  c.audit.mode = AuditMode::kOff;
  return c;
}

// §5: A1=20 A2=3 B1=15 B2=12 C1=8 C2=9. Only A2 is primary; the result is
// the rectangle through the smallest IRIS: A1, C1, C2 secondary.
TEST(GaussTest, DesignDocWorkedExample) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}, {8, 9}}));
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, NoAudit(), "v1"));
  EXPECT_EQ(MaskedWithReason(r, MaskReason::kSmallCount), Names({"A2"}));
  EXPECT_EQ(MaskedWithReason(r, MaskReason::kSecondary),
            Names({"A1", "C1", "C2"}));
  EXPECT_EQ(r.loss.cells_secondary, 3);
  EXPECT_EQ(r.loss.value_secondary, 20 + 8 + 9);
  // The LP audit agrees: A2 can be anything in [1, 11].
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport a, AuditRelease(m, r, {}, SdcConfig{}));
  EXPECT_TRUE(a.passed());
  EXPECT_EQ(a.cells_checked, 4);
}

TEST(GaussTest, DesignDocExampleUnchangedWithAuditOn) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}, {8, 9}}));
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, SdcConfig{}, "v1"));
  EXPECT_EQ(Masked(r), Names({"A1", "A2", "C1", "C2"}));
  EXPECT_TRUE(r.audit.passed());
  EXPECT_EQ(r.audit.repair_rounds, 0);
}

// §5 singleton variant: A2 = C2 = 1. Without singleton handling the
// secondaries are A1 and C1, and .2 - B2 = A2 + C2 = 2 pins both to 1.
TEST(GaussTest, SingletonVariantWithoutSingletonHandlingLeaks) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 1}, {15, 12}, {8, 1}}));
  SdcConfig config = NoAudit();
  config.singleton_method = SingletonMethod::kNone;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_EQ(Masked(r), Names({"A1", "A2", "C1", "C2"}));
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport a, AuditRelease(m, r, {}, SdcConfig{}));
  EXPECT_FALSE(a.passed());  // the audit catches the singleton leak
}

// With anySum, every inner cell is suppressed: only the margins are
// published, and no combination of them isolates A2 or C2.
TEST(GaussTest, SingletonVariantAnySumProtects) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 1}, {15, 12}, {8, 1}}));
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, NoAudit(), "v1"));
  EXPECT_EQ(Masked(r), Names({"A1", "A2", "B1", "B2", "C1", "C2"}));
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport a, AuditRelease(m, r, {}, SdcConfig{}));
  EXPECT_TRUE(a.passed()) << (a.breaches.empty()
                                  ? ""
                                  : a.breaches[0].key.ToString());
}

TEST(GaussTest, RowWithOneSmallCellNeedsOneMoreInTheRow) {
  // One IRIS, three categories: the small cell 2 must be joined by the
  // smallest other cell of the row (7), and a second IRIS makes the column
  // totals publishable only if a rectangle closes.
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{30, 2, 7}, {40, 25, 18}}));
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, SdcConfig{}, "v1"));
  EXPECT_EQ(MaskedWithReason(r, MaskReason::kSmallCount), Names({"A2"}));
  EXPECT_EQ(MaskedWithReason(r, MaskReason::kSecondary),
            Names({"A3", "B2", "B3"}));
  EXPECT_TRUE(r.audit.passed());
}

TEST(GaussEliminatorTest, ForcedCellsRevealingAPrimaryAreUnsafe) {
  internal::GaussProblem p;
  p.num_rows = 2;
  p.candidates = {{0, 1}, {0}};  // total and one cell, both forced
  p.num_forced = 2;
  p.primaries = {{1}};
  CTG_ASSERT_OK_AND_ASSIGN(internal::GaussResult g,
                           internal::RunGauss(p, SingletonMethod::kAnySum));
  EXPECT_THAT(g.unsafe_primaries, ElementsAre(0));
}

TEST(GaussEliminatorTest, ProportionalCandidateIsSecondaryAndEmptyIsPublished) {
  internal::GaussProblem p;
  p.num_rows = 3;
  p.candidates = {{0, 1, 2}, {0, 1}, {2}, {0}};
  p.primaries = {{1}};
  CTG_ASSERT_OK_AND_ASSIGN(internal::GaussResult g,
                           internal::RunGauss(p, SingletonMethod::kNone));
  // total published; {0,1} published; {2} = total - {0,1}: derivable,
  // published; {0} would reveal {1}: secondary.
  EXPECT_THAT(g.secondary, ElementsAre(false, false, false, true));
  EXPECT_TRUE(g.unsafe_primaries.empty());
}

TEST(GaussEliminatorTest, RejectsUnsortedColumns) {
  internal::GaussProblem p;
  p.num_rows = 2;
  p.candidates = {{1, 0}};
  EXPECT_THAT(internal::RunGauss(p, SingletonMethod::kNone),
              ::ctg::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                       ::testing::HasSubstr("unsorted")));
}

}  // namespace
}  // namespace ctg::policy::sdc
