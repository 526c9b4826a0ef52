#include "cli/time_text.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

// Every test runs with the local zone set to Paris, so that the offsets
// printed are known.
class TimeTextTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("TZ", "Europe/Paris", 1); }
};

absl::Time Utc(int y, int m, int d, int hh = 0, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0),
                         absl::UTCTimeZone());
}

TEST_F(TimeTextTest, LocalTimeCarriesItsOffset) {
  EXPECT_EQ(LocalTimeText(Utc(2026, 12, 1, 13, 3)), "2026-12-01 14:03 +01:00");
  EXPECT_EQ(LocalTimeText(Utc(2026, 7, 1, 13, 3)), "2026-07-01 15:03 +02:00");
  EXPECT_EQ(LocalTimeText(Utc(2026, 7, 1, 13, 3), true),
            "2026-07-01 15:03:00 +02:00");
}

TEST_F(TimeTextTest, ApprovalEndIsTheDayTheReviewerTyped) {
  // `--until 2027-06-30` is stored as the start of 2027-07-01 in Paris.
  absl::Time end = absl::FromCivil(absl::CivilDay(2027, 7, 1), CafZone());
  EXPECT_EQ(ApprovalEndText(end), "2027-06-30");
  absl::Time odd = end + absl::Hours(5);
  EXPECT_EQ(ApprovalEndText(odd), "2027-07-01 04:59:59 +02:00");
}

TEST_F(TimeTextTest, SinceAcceptsPlainDatesLocalTimesAndRfc3339) {
  CTG_ASSERT_OK_AND_ASSIGN(absl::Time day,
                           ParseTimeFlag("2026-12-01", "since"));
  EXPECT_EQ(day, Utc(2026, 11, 30, 23, 0));  // midnight in the Caf's calendar
  CTG_ASSERT_OK_AND_ASSIGN(absl::Time local,
                           ParseTimeFlag("2026-12-01 08:30", "since"));
  EXPECT_EQ(local, Utc(2026, 12, 1, 7, 30));
  CTG_ASSERT_OK_AND_ASSIGN(absl::Time rfc,
                           ParseTimeFlag("2026-12-01T08:30:00Z", "since"));
  EXPECT_EQ(rfc, Utc(2026, 12, 1, 8, 30));
  EXPECT_THAT(
      ParseTimeFlag("1/12/2026", "since").status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("--since 1/12/2026: expected a date (2026-12-01)")));
}

}  // namespace
}  // namespace ctg::cli
