#include "cli/field_flags.h"

#include "gtest/gtest.h"

namespace ctg::cli {
namespace {

TEST(WithFlagName, ReplacesTheFieldByItsFlag) {
  EXPECT_EQ(WithFlagName("reasons: required"), "--reason: required");
  EXPECT_EQ(WithFlagName("purpose: required"), "--purpose: required");
  EXPECT_EQ(WithFlagName(
                "scope.territories[2]: \"330690199\" is not in the perimeter"),
            "--territory (value 3): \"330690199\" is not in the perimeter");
  EXPECT_EQ(WithFlagName("approval.scope.periods: at least one required"),
            "--period: at least one required");
  EXPECT_EQ(WithFlagName("opportunity.reasoning: required"),
            "--opportunity: required");
  EXPECT_EQ(WithFlagName("convention.valid_until: before valid_from"),
            "--until: before valid_from");
}

TEST(WithFlagName, LeavesOtherMessagesAlone) {
  EXPECT_EQ(WithFlagName("request REQ-000001 not found"), "");
  EXPECT_EQ(WithFlagName("decision: required (APPROVE or REJECT)"), "");
  EXPECT_EQ(WithFlagName("Something: else"), "");
}

}  // namespace
}  // namespace ctg::cli
