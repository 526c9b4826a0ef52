#include "policy/text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST(TextTest, CountsCharactersNotBytes) {
  EXPECT_EQ(Utf8Length("Été"), 3);
  EXPECT_EQ(Utf8Length("\xC3"), -1);
  EXPECT_EQ(Utf8SequenceLength("é", 0), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xED\xA0\x80", 0), 0u);  // a surrogate
  EXPECT_THAT(
      ValidateText("reason", "éééé", 4, Presence::kRequired, TextKind::kLine),
      IsOk());
  EXPECT_THAT(
      ValidateText("reason", "ééééé", 4, Presence::kRequired, TextKind::kLine),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "reason: 5 characters, at most 4"));
}

TEST(TextTest, LinesAndParagraphs) {
  EXPECT_THAT(ValidateText("reason", "a\nb", 10, Presence::kRequired,
                           TextKind::kParagraph),
              IsOk());
  EXPECT_THAT(
      ValidateText("reason", "a\nb", 10, Presence::kRequired, TextKind::kLine),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("control character U+000A")));
  EXPECT_THAT(
      ValidateText("reason",
                   "a\xE2\x80\xAE"
                   "b",
                   10, Presence::kRequired, TextKind::kParagraph),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("U+202E")));
}

TEST(TextTest, Presence) {
  EXPECT_THAT(
      ValidateText("reason", "  ", 10, Presence::kRequired, TextKind::kLine),
      StatusIs(absl::StatusCode::kInvalidArgument, "reason: required"));
  EXPECT_THAT(
      ValidateText("reason", "", 10, Presence::kOptional, TextKind::kLine),
      IsOk());
}

TEST(TextTest, NulIsRefusedInAnyTextNamingFieldAndOffset) {
  EXPECT_THAT(CheckNoNul("id", "REQ-000001"), IsOk());
  EXPECT_THAT(CheckNoNul("id", ""), IsOk());
  EXPECT_THAT(CheckNoNul("id", absl::string_view("REQ-\0"
                                                 "01",
                                                 7)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "id: NUL byte (U+0000) at byte 4; text may not contain "
                       "NUL"));
}

}  // namespace
}  // namespace ctg::policy
