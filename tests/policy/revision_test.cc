#include "policy/revision.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(RevisionTest, APeriodNeverReleasedMayBeImportedAgain) {
  EXPECT_THAT(CheckNotARevision({.period = "2023"}), IsOk());
  EXPECT_THAT(
      CheckNotARevision({.period = "2023-06", .releases = 0, .communes = 0}),
      IsOk());
}

TEST(RevisionTest, APeriodReleasedOnceIsFinal) {
  EXPECT_THAT(
      CheckNotARevision({.period = "2023", .releases = 1, .communes = 1}),
      StatusIs(
          absl::StatusCode::kFailedPrecondition,
          AllOf(HasSubstr("period 2023 was already released (1 extract to 1 "
                          "commune)"),
                HasSubstr("would be a revision"),
                HasSubstr("Nothing was imported"), HasSubstr("later period"))));
  EXPECT_THAT(
      CheckNotARevision({.period = "2023", .releases = 5, .communes = 2}),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("(5 extracts to 2 communes)")));
}

TEST(RevisionTest, TheSameContentAgainIsNoRevision) {
  EXPECT_THAT(CheckNotARevision({.period = "2023",
                                 .releases = 5,
                                 .communes = 2,
                                 .same_content = true}),
              IsOk());
}

}  // namespace
}  // namespace ctg::policy
