#include "cli/filters.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST(Filters, OrganisationExpectsKindSlashId) {
  EXPECT_THAT(CheckOrganisationFilter(""), IsOk());
  EXPECT_THAT(CheckOrganisationFilter("commune/33069"), IsOk());
  EXPECT_THAT(CheckOrganisationFilter("caf/33"), IsOk());
  EXPECT_THAT(
      CheckOrganisationFilter("33069"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("--organisation 33069: expects commune/INSEE or caf/ID")));
  EXPECT_THAT(CheckOrganisationFilter("33069"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("did you mean commune/33069?")));
  EXPECT_THAT(CheckOrganisationFilter("Le Bouscat"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("can never match")));
}

TEST(Filters, CommuneExpectsAnInseeCode) {
  EXPECT_THAT(CheckCommuneFilter("commune", ""), IsOk());
  EXPECT_THAT(CheckCommuneFilter("commune", "33069"), IsOk());
  EXPECT_THAT(
      CheckCommuneFilter("commune", "commune/33069"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(
                   "--commune commune/33069: expected an INSEE commune code")));
}

}  // namespace
}  // namespace ctg::cli
