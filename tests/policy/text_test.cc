#include "policy/text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST(TextTest, AcceptsFrenchText) {
  EXPECT_THAT(CheckText("reason", "Manquement à la confidentialité", {.required = true}), IsOk());
  EXPECT_EQ(Utf8Length("Été"), 3);
}

TEST(TextTest, Refusals) {
  TextRule rule{.required = true, .max_chars = 5};
  EXPECT_THAT(CheckText("reason", "", rule), StatusIs(absl::StatusCode::kInvalidArgument, "reason is required"));
  EXPECT_THAT(CheckText("reason", "   ", rule), StatusIs(absl::StatusCode::kInvalidArgument, "reason is required"));
  EXPECT_THAT(CheckText("reason", "abcdef", rule),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("6 characters long; the limit is 5")));
  EXPECT_THAT(CheckText("reason", "éééé", rule), IsOk());
  EXPECT_THAT(CheckText("reason", std::string("a\0b", 3), rule),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("control character at byte 1")));
  EXPECT_THAT(CheckText("reason", "a\nb", rule),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("control character")));
  EXPECT_THAT(CheckText("reason", "a\nb", {.multiline = true}), IsOk());
  EXPECT_THAT(CheckText("reason", "\xC2\x85", rule),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("control character")));
  for (const char* bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"}) {
    EXPECT_THAT(CheckText("reason", bad, rule),
                StatusIs(absl::StatusCode::kInvalidArgument, "reason is not valid UTF-8"));
  }
  EXPECT_THAT(CheckText("reason", "", {}), IsOk());
}

}  // namespace
}  // namespace ctg::policy
