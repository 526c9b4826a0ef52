#include "audit/time_format.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST(TimeFormatTest, FormatsKnownInstants) {
  EXPECT_EQ(FormatRfc3339Micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339Micros(1795908624123456),
            "2026-11-28T23:30:24.123456Z");
  EXPECT_EQ(FormatRfc3339Micros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatRfc3339Micros(951782400000000),
            "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339Micros(kMinTimeMicros), "0001-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339Micros(kMaxTimeMicros), "9999-12-31T23:59:59.999999Z");
}

TEST(TimeFormatTest, RoundTripsAcrossTheRange) {
  const int64_t samples[] = {kMinTimeMicros,
                             kMinTimeMicros + 1,
                             -86400000001,
                             -1,
                             0,
                             1,
                             68169600000000 /* 1972-02-29 */,
                             4107542399999999,
                             kMaxTimeMicros - 1,
                             kMaxTimeMicros};
  for (int64_t t : samples) {
    CTG_ASSERT_OK_AND_ASSIGN(int64_t back,
                             ParseRfc3339Micros(FormatRfc3339Micros(t)));
    EXPECT_EQ(back, t);
  }
  // A walk through many days, including leap years and century rules.
  for (int64_t t = -5000000000000000; t < 5000000000000000; t += 86399999937) {
    CTG_ASSERT_OK_AND_ASSIGN(int64_t back,
                             ParseRfc3339Micros(FormatRfc3339Micros(t)));
    ASSERT_EQ(back, t);
  }
}

TEST(TimeFormatTest, RejectsEverythingElse) {
  const char* bad[] = {
      "2026-11-28T23:30:24Z",              // no fraction
      "2026-11-28T23:30:24.123Z",          // 3 digits
      "2026-11-28T23:30:24.123456+00:00",  // offset
      "2026-11-28t23:30:24.123456Z",       // lower-case t
      "2026-11-28T23:30:24.123456z",
      "2026-11-28 23:30:24.123456Z",
      "2026-13-28T23:30:24.123456Z",  // month 13
      "2026-00-28T23:30:24.123456Z",
      "2026-02-29T23:30:24.123456Z",  // not a leap year
      "1900-02-29T00:00:00.000000Z",  // century rule
      "2026-04-31T00:00:00.000000Z",
      "2026-11-28T24:00:00.000000Z",
      "2026-11-28T23:60:00.000000Z",
      "2026-11-28T23:59:60.000000Z",  // leap second
      "0000-01-01T00:00:00.000000Z",
      "2026-11-2xT23:30:24.123456Z",
      "+026-11-28T23:30:24.123456Z",
      "",
  };
  for (const char* text : bad) {
    EXPECT_THAT(
        ParseRfc3339Micros(text),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("timestamp")))
        << text;
  }
  EXPECT_THAT(ParseRfc3339Micros("2026-02-29T23:30:24.123456Z"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("day out of range")));
  CTG_ASSERT_OK_AND_ASSIGN(int64_t leap,
                           ParseRfc3339Micros("2024-02-29T00:00:00.000000Z"));
  EXPECT_EQ(FormatRfc3339Micros(leap), "2024-02-29T00:00:00.000000Z");
}

}  // namespace
}  // namespace ctg::audit
