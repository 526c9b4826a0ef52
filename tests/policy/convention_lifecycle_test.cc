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
  EXPECT_THAT(CheckSuspend(Terms(), absl::CivilDay(2023, 6, 1), "audit pending"), IsOk());
}

TEST(ConventionLifecycleTest, SuspendRefusesSuspendedEndedAndBlankReason) {
  ConventionTerms t = Terms();
  EXPECT_THAT(CheckSuspend(t, kToday, " "),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  t.suspended = true;
  EXPECT_THAT(CheckSuspend(t, kToday, "again"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("convention CTG-33069-1 is SUSPENDED: only an active")));
  EXPECT_THAT(CheckSuspend(Terms(), absl::CivilDay(2027, 1, 1), "late"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is ENDED")));
}

TEST(ConventionLifecycleTest, ReinstateOnlyASuspendedConvention) {
  ConventionTerms t = Terms();
  EXPECT_THAT(CheckReinstate(t, "resolved"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is not suspended")));
  t.suspended = true;
  EXPECT_THAT(CheckReinstate(t, "resolved"), IsOk());
  EXPECT_THAT(CheckReinstate(t, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
}

// R11: three months' notice from today unless dates are given.
TEST(ConventionLifecycleTest, TerminateWithNotice) {
  auto t = Terminate(Terms(), kToday, "", "", "end of partnership");
  ASSERT_THAT(t.status(), IsOk());
  EXPECT_EQ(t->notice, kToday);
  EXPECT_EQ(t->effective, absl::CivilDay(2025, 8, 15));
  auto agreed = Terminate(Terms(), kToday, "2025-05-01", "2025-06-01", "agreed");
  ASSERT_THAT(agreed.status(), IsOk());
  EXPECT_EQ(agreed->notice, absl::CivilDay(2025, 5, 1));
  EXPECT_EQ(agreed->effective, absl::CivilDay(2025, 6, 1));
}

TEST(ConventionLifecycleTest, TerminateOnceWithReadableDates) {
  ConventionTerms t = Terms();
  EXPECT_THAT(Terminate(t, kToday, "2025-13-01", "", "r"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("notice_date")));
  EXPECT_THAT(Terminate(t, kToday, "", "someday", "r"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("effective_date")));
  t.termination_effective = absl::CivilDay(2025, 8, 15);
  EXPECT_THAT(Terminate(t, kToday, "", "", "r"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("was already terminated (effective 2025-08-15)")));
}

}  // namespace
}  // namespace ctg::policy
