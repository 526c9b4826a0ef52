// The LP audit on its own: intervals, breaches of each part of the
// criterion, integer mode, and concurrent use from several threads.
#include "policy/sdc/lp_audit.h"

#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/suppressor.h"
#include "tests/policy/sdc/rank_check.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::policy::sdc::testing::MakeGrid;
using ::ctg::policy::sdc::testing::ShortName;

// A release that masks exactly the named cells (short names).
Release MaskOnly(const TableModel& m, const std::set<std::string>& names) {
  Release r;
  for (const Cell& c : m.cells) {
    if (!c.requested) continue;
    const bool masked = names.count(ShortName(c.key)) > 0;
    r.cells.push_back(
        {c.key, masked ? CellStatus::kMasked : CellStatus::kPublished,
         masked ? MaskReason::kSecondary : MaskReason::kNone, c.value});
  }
  return r;
}

TEST(LpAuditTest, PrimaryAloneIsASingleValue) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}, {8, 9}}));
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport a,
                           AuditRelease(m, MaskOnly(m, {"A2"}), {}, {}));
  ASSERT_EQ(a.breaches.size(), 1u);
  EXPECT_EQ(ShortName(a.breaches[0].key), "A2");
  EXPECT_DOUBLE_EQ(a.breaches[0].lower, 3);
  EXPECT_DOUBLE_EQ(a.breaches[0].upper, 3);
  EXPECT_EQ(a.breaches[0].required_upper, 5);
}

TEST(LpAuditTest, RankCheckAgreesOnANaiveRelease) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}, {8, 9}}));
  EXPECT_EQ(testing::DerivableMaskedCells(m, MaskOnly(m, {"A2"}), {}, {}),
            std::vector<std::string>{"330690001/2023/N/k=2"});
  EXPECT_TRUE(testing::DerivableMaskedCells(
                  m, MaskOnly(m, {"A1", "A2", "C1", "C2"}), {}, {})
                  .empty());
}

TEST(LpAuditTest, NarrowRectangleBreachesTheUpperBound) {
  // A2 = 3 in a rectangle where A1 = 2 and C2 = 2 bound A2 by
  // 3 + min(A1, C2) - 1 = 4 < 5 (the reader knows masked cells are >= 1).
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{2, 3}, {15, 12}, {8, 2}}));
  CTG_ASSERT_OK_AND_ASSIGN(
      AuditReport a,
      AuditRelease(m, MaskOnly(m, {"A1", "A2", "C1", "C2"}), {}, {}));
  bool a2 = false;
  for (const CellInterval& b : a.breaches) {
    if (ShortName(b.key) == "A2") {
      a2 = true;
      EXPECT_DOUBLE_EQ(b.upper, 4);
    }
  }
  EXPECT_TRUE(a2);
  // ProtectTable repairs it: the release it makes passes.
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, SdcConfig{}, "v1"));
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport after, AuditRelease(m, r, {}, {}));
  EXPECT_TRUE(after.passed());
}

TEST(LpAuditTest, WorkedExampleIntervalsAndIntegerMode) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}, {8, 9}}));
  Release r = MaskOnly(m, {"A1", "A2", "C1", "C2"});
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport a, AuditRelease(m, r, {}, config));
  EXPECT_TRUE(a.passed());
  config.audit.integer = true;
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport i, AuditRelease(m, r, {}, config));
  EXPECT_TRUE(i.passed());
  EXPECT_EQ(i.cells_checked, 4);
}

TEST(LpAuditTest, MismatchedReleaseIsAnError) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}}));
  Release r = MaskOnly(m, {});
  r.cells.pop_back();
  EXPECT_THAT(AuditRelease(m, r, {}, {}),
              ::ctg::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                       ::testing::HasSubstr("does not match")));
}

TEST(LpAuditTest, SafeFromSeveralThreads) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m,
                           MakeGrid({{20, 3, 7}, {15, 12, 1}, {8, 9, 30}}));
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 5; ++k) {
        absl::StatusOr<Release> r = ProtectTable(m, {}, SdcConfig{}, "v1");
        if (r.ok() && r->audit.passed()) ++ok[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(ok, ::testing::Each(5));
}

}  // namespace
}  // namespace ctg::policy::sdc
