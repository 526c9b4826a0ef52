#include "cli/args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

std::vector<FlagSpec> Flags() {
  return {{"reason"}, {"notice-date"}, {"yes", false}};
}

TEST(Args, UnknownFlagSuggestsTheNearest) {
  std::vector<std::string> argv = {"CTG-1", "--reasn", "x"};
  EXPECT_THAT(
      Args::Parse(argv, Flags()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("unknown flag --reasn (did you mean --reason?)")));
}

TEST(Args, UnknownFlagFarFromAnyHasNoSuggestion) {
  std::vector<std::string> argv = {"--completely-else"};
  auto args = Args::Parse(argv, Flags());
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().message(), "unknown flag --completely-else");
}

TEST(RequireFlags, NamesTheMissingFlag) {
  std::vector<std::string> argv = {"CTG-1", "--notice-date", "2026-01-01"};
  auto args = Args::Parse(argv, Flags());
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(
      RequireFlags(*args, {"notice-date", "reason"}),
      StatusIs(absl::StatusCode::kInvalidArgument, "--reason is required"));
  EXPECT_TRUE(RequireFlags(*args, {"notice-date"}).ok());
}

TEST(RequireFlags, BlankValueIsMissing) {
  std::vector<std::string> argv = {"--reason", "  "};
  auto args = Args::Parse(argv, Flags());
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(
      RequireFlags(*args, {"reason"}),
      StatusIs(absl::StatusCode::kInvalidArgument, "--reason is required"));
}

}  // namespace
}  // namespace ctg::cli
