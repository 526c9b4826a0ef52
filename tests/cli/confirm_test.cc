#include "cli/confirm.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

Args Parse(std::vector<std::string> argv) {
  auto args = Args::Parse(argv, {YesFlag()});
  EXPECT_TRUE(args.ok());
  return *args;
}

TEST(Confirm, YesSkipsTheQuestion) {
  std::istringstream in;
  std::ostringstream out;
  EXPECT_THAT(
      Confirm(Parse({"--yes"}), "Revoking REQ-1 ends it.", false, in, out),
      IsOk());
  EXPECT_EQ(out.str(), "");
}

TEST(Confirm, WithoutTerminalNorYesRefusesAndSaysToPassYes) {
  std::istringstream in("y\n");
  std::ostringstream out;
  EXPECT_THAT(Confirm(Parse({}), "Revoking REQ-1 ends it.", false, in, out),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("pass --yes to proceed")));
}

TEST(Confirm, AsksOnTheTerminal) {
  std::ostringstream out;
  std::istringstream yes("y\n");
  EXPECT_THAT(Confirm(Parse({}), "Revoking REQ-1 ends it.", true, yes, out),
              IsOk());
  EXPECT_THAT(out.str(), HasSubstr("Revoking REQ-1 ends it.\nProceed? [y/N] "));
  std::istringstream no("\n");
  EXPECT_THAT(
      Confirm(Parse({}), "Revoking REQ-1 ends it.", true, no, out),
      StatusIs(absl::StatusCode::kCancelled, HasSubstr("nothing was changed")));
}

}  // namespace
}  // namespace ctg::cli
