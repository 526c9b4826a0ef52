#include "policy/convention_lifecycle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

ConventionTerms Terms() {
  ConventionTerms t;
  t.id = "CTG-33069-1";
  t.valid_from = absl::CivilDay(2024, 1, 1);
  t.valid_until = absl::CivilDay(2026, 12, 31);
  return t;
}

constexpr absl::CivilDay kToday(2025, 5, 15);

TEST(ConventionLifecycleTest, SuspendAnActiveOrNotYetValidConvention) {
  EXPECT_THAT(CheckSuspend(Terms(), kToday, "audit pending"), IsOk());
  EXPECT_THAT(
      CheckSuspend(Terms(), absl::CivilDay(2023, 6, 1), "audit pending"),
      IsOk());
}

TEST(ConventionLifecycleTest, SuspendRefusesSuspendedEndedAndBlankReason) {
  ConventionTerms t = Terms();
  EXPECT_THAT(
      CheckSuspend(t, kToday, " "),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  t.suspended = true;
  EXPECT_THAT(
      CheckSuspend(t, kToday, "again"),
      StatusIs(
          absl::StatusCode::kFailedPrecondition,
          HasSubstr("convention CTG-33069-1 is SUSPENDED: only an active")));
  EXPECT_THAT(
      CheckSuspend(Terms(), absl::CivilDay(2027, 1, 1), "late"),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is ENDED")));
}

TEST(ConventionLifecycleTest, ReinstateOnlyASuspendedConvention) {
  ConventionTerms t = Terms();
  EXPECT_THAT(CheckReinstate(t, "resolved"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is not suspended")));
  t.suspended = true;
  EXPECT_THAT(CheckReinstate(t, "resolved"), IsOk());
  EXPECT_THAT(
      CheckReinstate(t, ""),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
}

// R11: three months' notice from today unless dates are given.
TEST(ConventionLifecycleTest, TerminateWithNotice) {
  auto t = Terminate(Terms(), kToday, "", "", "end of partnership");
  ASSERT_THAT(t.status(), IsOk());
  EXPECT_EQ(t->notice, kToday);
  EXPECT_EQ(t->effective, absl::CivilDay(2025, 8, 15));
  auto agreed =
      Terminate(Terms(), kToday, "2025-05-01", "2025-06-01", "agreed");
  ASSERT_THAT(agreed.status(), IsOk());
  EXPECT_EQ(agreed->notice, absl::CivilDay(2025, 5, 1));
  EXPECT_EQ(agreed->effective, absl::CivilDay(2025, 6, 1));
}

TEST(ConventionLifecycleTest, TerminateOnceWithReadableDates) {
  ConventionTerms t = Terms();
  EXPECT_THAT(
      Terminate(t, kToday, "2025-13-01", "", "r"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("notice_date")));
  EXPECT_THAT(Terminate(t, kToday, "", "someday", "r"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("effective_date")));
  t.termination_effective = absl::CivilDay(2025, 8, 15);
  EXPECT_THAT(
      Terminate(t, kToday, "", "", "r"),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("was already terminated (effective 2025-08-15); to "
                         "change its dates, correct it")));
}

// A termination typed with a wrong notice date (in the past: the convention
// ended at once) is corrected, even after it took effect; a correction
// needs a termination to correct and new dates.
TEST(ConventionLifecycleTest, CorrectATermination) {
  ConventionTerms t = Terms();
  EXPECT_THAT(
      Terminate(t, kToday, "2025-05-20", "", "typo fixed", /*correct=*/true),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("is not terminated: there is nothing to correct")));
  t.termination_notice = absl::CivilDay(2024, 5, 20);  // typed 2024 for 2025
  t.termination_effective = absl::CivilDay(2024, 8, 20);
  auto corrected =
      Terminate(t, kToday, "2025-05-20", "", "year typed wrong", true);
  ASSERT_THAT(corrected.status(), IsOk());
  EXPECT_EQ(corrected->notice, absl::CivilDay(2025, 5, 20));
  EXPECT_EQ(corrected->effective, absl::CivilDay(2025, 8, 20));
  EXPECT_THAT(Terminate(t, kToday, "2024-05-20", "", "same", true),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("already terminated with these dates")));
  EXPECT_THAT(
      Terminate(t, kToday, "2025-05-20", "", " ", true),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
}

}  // namespace
}  // namespace ctg::policy
