#include "policy/convention_end_notice.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::policy {
namespace {

using ::testing::HasSubstr;

ConventionTerms Ctg() {
  return {.id = "CTG-33069-1",
          .valid_from = absl::CivilDay(2020, 3, 1),
          .valid_until = absl::CivilDay(2024, 12, 31)};
}

ConventionTerms Notified() {
  ConventionTerms t = Ctg();
  t.termination_notice = absl::CivilDay(2024, 3, 15);
  t.termination_effective = absl::CivilDay(2024, 6, 15);
  return t;
}

TEST(ConventionEndNoticeTest, NoNoticeNoEndDate) {  // R11
  EXPECT_FALSE(EndNoticeForRelease(Ctg(), absl::CivilDay(2024, 4, 1)));
}

TEST(ConventionEndNoticeTest, UnderNoticeTheReleaseSaysWhenItEnds) {  // R11
  auto n = EndNoticeForRelease(Notified(), absl::CivilDay(2024, 4, 1));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->convention_id, "CTG-33069-1");
  EXPECT_EQ(n->notice_day, absl::CivilDay(2024, 3, 15));
  EXPECT_EQ(n->last_day, absl::CivilDay(2024, 6, 14));
  EXPECT_EQ(n->effective, absl::CivilDay(2024, 6, 15));
  EXPECT_THAT(n->conditions,
              HasSubstr("Convention CTG-33069-1 is terminated with notice "
                        "given on 2024-03-15: it ends on 2024-06-14"));
  EXPECT_THAT(n->conditions,
              HasSubstr("from 2024-06-15 nothing more is released"));
  // What happens to the data: Art. 10 keeps the release's commitments,
  // Art. 12 confidentiality; the convention has no destruction clause.
  EXPECT_THAT(n->conditions, HasSubstr("Art. 10"));
  EXPECT_THAT(n->conditions, HasSubstr("(R2)"));
  EXPECT_THAT(n->conditions, HasSubstr("(R3)"));
  EXPECT_THAT(n->conditions, HasSubstr("Art. 12"));
  EXPECT_THAT(n->conditions, HasSubstr("no earlier destruction date"));
}

TEST(ConventionEndNoticeTest, LastDayStillCarriesTheNotice) {  // R11
  auto n = EndNoticeForRelease(Notified(), absl::CivilDay(2024, 6, 14));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->last_day, absl::CivilDay(2024, 6, 14));
  // From the effective day nothing is released: no notice to give.
  EXPECT_FALSE(EndNoticeForRelease(Notified(), absl::CivilDay(2024, 6, 15)));
}

TEST(ConventionEndNoticeTest, WindowEndingFirstIsTheEnd) {  // R11
  ConventionTerms t = Ctg();
  t.termination_notice = absl::CivilDay(2024, 11, 1);
  t.termination_effective = absl::CivilDay(2025, 2, 1);
  auto n = EndNoticeForRelease(t, absl::CivilDay(2024, 12, 1));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->last_day, absl::CivilDay(2024, 12, 31));
}

TEST(ConventionEndNoticeTest, SuspendedAllowsNoReleaseSoNoNotice) {  // R10
  ConventionTerms t = Notified();
  t.suspended = true;
  EXPECT_FALSE(EndNoticeForRelease(t, absl::CivilDay(2024, 4, 1)));
}

}  // namespace
}  // namespace ctg::policy
