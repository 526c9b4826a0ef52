#include "policy/convention.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

ConventionTerms Ctg() {
  return {.id = "CTG-33069-1",
          .valid_from = absl::CivilDay(2020, 3, 1),
          .valid_until = absl::CivilDay(2024, 12, 31)};
}

TEST(ConventionTest, ValidityWindowIsInclusive) {  // R11
  ConventionTerms t = Ctg();
  EXPECT_EQ(EffectiveStatus(t, absl::CivilDay(2020, 2, 29)),
            ConventionStatus::kNotYetValid);
  EXPECT_EQ(EffectiveStatus(t, absl::CivilDay(2020, 3, 1)),
            ConventionStatus::kActive);
  EXPECT_EQ(EffectiveStatus(t, absl::CivilDay(2024, 12, 31)),
            ConventionStatus::kActive);
  EXPECT_EQ(EffectiveStatus(t, absl::CivilDay(2025, 1, 1)),
            ConventionStatus::kEnded);
  EXPECT_THAT(
      CheckConventionActive(t, absl::CivilDay(2025, 1, 1)),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("convention CTG-33069-1 ended on 2024-12-31")));
  EXPECT_THAT(CheckConventionActive(t, absl::CivilDay(2019, 1, 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not valid before 2020-03-01")));
}

TEST(ConventionTest, SuspensionStopsEverythingAtOnce) {  // R10
  ConventionTerms t = Ctg();
  t.suspended = true;
  EXPECT_EQ(EffectiveStatus(t, absl::CivilDay(2023, 5, 5)),
            ConventionStatus::kSuspended);
  EXPECT_THAT(
      CheckConventionActive(t, absl::CivilDay(2023, 5, 5)),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("suspended")));
  EXPECT_EQ(EffectiveStatus(t, absl::CivilDay(2025, 5, 5)),
            ConventionStatus::kEnded);
}

TEST(ConventionTest, TerminationTakesEffectAfterNotice) {  // R11
  ConventionTerms t = Ctg();
  CTG_ASSERT_OK_AND_ASSIGN(
      absl::CivilDay effective,
      TerminationEffectiveDate(absl::CivilDay(2023, 11, 30), std::nullopt));
  EXPECT_EQ(effective, absl::CivilDay(2024, 2, 29));
  t.termination_effective = effective;
  EXPECT_EQ(EffectiveStatus(t, absl::CivilDay(2024, 2, 28)),
            ConventionStatus::kTerminationNotified);
  EXPECT_THAT(CheckConventionActive(t, absl::CivilDay(2024, 2, 28)), IsOk());
  EXPECT_EQ(EffectiveStatus(t, absl::CivilDay(2024, 2, 29)),
            ConventionStatus::kEnded);
  EXPECT_THAT(CheckConventionActive(t, absl::CivilDay(2024, 3, 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("ended on 2024-02-28")));
}

TEST(ConventionTest,
     HasEndedAfterValidityOrTerminationNotWhenSuspended) {  // R11
  ConventionTerms t = Ctg();
  EXPECT_FALSE(HasEnded(t, absl::CivilDay(2019, 1, 1)));
  EXPECT_FALSE(HasEnded(t, absl::CivilDay(2024, 12, 31)));
  EXPECT_TRUE(HasEnded(t, absl::CivilDay(2025, 1, 1)));
  t.suspended = true;
  EXPECT_FALSE(HasEnded(t, absl::CivilDay(2023, 5, 5)));
  t.termination_effective = absl::CivilDay(2023, 6, 1);
  EXPECT_FALSE(HasEnded(t, absl::CivilDay(2023, 5, 31)));
  EXPECT_TRUE(HasEnded(t, absl::CivilDay(2023, 6, 1)));
}

TEST(ConventionTest, AgreedEarlierTermination) {
  absl::CivilDay notice(2023, 6, 15);
  CTG_ASSERT_OK_AND_ASSIGN(
      absl::CivilDay d,
      TerminationEffectiveDate(notice, absl::CivilDay(2023, 7, 1)));
  EXPECT_EQ(d, absl::CivilDay(2023, 7, 1));
  EXPECT_THAT(TerminationEffectiveDate(notice, absl::CivilDay(2023, 6, 1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("before the notice date")));
  EXPECT_THAT(TerminationEffectiveDate(notice, absl::CivilDay(2023, 12, 1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("later than the three months")));
}

TEST(ConventionTest, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(AddMonths(absl::CivilDay(2023, 1, 31), 1),
            absl::CivilDay(2023, 2, 28));
  EXPECT_EQ(AddMonths(absl::CivilDay(2023, 10, 15), 3),
            absl::CivilDay(2024, 1, 15));
}

TEST(ConventionTest, ParseDate) {
  CTG_ASSERT_OK_AND_ASSIGN(absl::CivilDay d,
                           ParseDate("2024-02-29", "valid_until"));
  EXPECT_EQ(FormatDate(d), "2024-02-29");
  for (const char* bad : {"2023-02-29", "2023-13-01", "23-01-01", "2023/01/01",
                          "", "2023-1-01"}) {
    EXPECT_THAT(ParseDate(bad, "valid_until"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("valid_until: \"")))
        << bad;
  }
}

TEST(ConventionTest, Perimeter) {
  EXPECT_THAT(ValidatePerimeter("33069", {"33069"}), IsOk());
  EXPECT_THAT(ValidatePerimeter("33069", {"33069", "330690101", "QN03302M"}),
              IsOk());
  EXPECT_THAT(ValidatePerimeter("33069", {"330690101"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must include the commune")));
  EXPECT_THAT(ValidatePerimeter("33069", {"33069", "331620101"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("perimeter[1]: \"331620101\"")));
  EXPECT_THAT(
      ValidatePerimeter("33069", {"33069", "33069"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("listed twice")));
  EXPECT_THAT(ValidatePerimeter("3306", {"3306"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an INSEE commune code")));
}

CommuneTerritories BouscatIn2023() {
  return {.period = "2023",
          .codes = {"33069", "330690101", "330690102", "QN03302M"},
          .elsewhere = {"QN03301M"}};
}

TEST(PerimeterInBaseTest, TerritoriesTheBaseHoldsForTheCommuneAreAccepted) {
  EXPECT_THAT(CheckPerimeterInBase("33069", {"33069"}, BouscatIn2023()),
              IsOk());
  EXPECT_THAT(CheckPerimeterInBase("33069", {"33069", "330690102", "QN03302M"},
                                   BouscatIn2023()),
              IsOk());
}

TEST(PerimeterInBaseTest, AnIrisAbsentFromTheBaseIsRefusedByName) {
  EXPECT_THAT(
      CheckPerimeterInBase("33069", {"33069", "330690101", "330690199"},
                           BouscatIn2023()),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr(
              "perimeter[2]: territory 330690199 is not in the statistical "
              "base of 2023 for commune 33069")));
}

TEST(PerimeterInBaseTest, AQpvOfAnotherCommuneIsRefusedAsOutside) {
  EXPECT_THAT(
      CheckPerimeterInBase("33069", {"33069", "QN03301M"}, BouscatIn2023()),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr(
              "perimeter[1]: territory QN03301M lies outside commune 33069")));
  // A QPV code the base does not hold at all.
  EXPECT_THAT(
      CheckPerimeterInBase("33069", {"33069", "QN03399Z"}, BouscatIn2023()),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("territory QN03399Z is not in the statistical base")));
}

TEST(PerimeterInBaseTest, WithoutABaseForTheCommuneTheImportReportsInstead) {
  EXPECT_THAT(CheckPerimeterInBase("33069", {"33069", "330690199"}, {}),
              IsOk());
  CommuneTerritories other = {.period = "2023",
                              .codes = {"33162", "331620101"}};
  EXPECT_THAT(CheckPerimeterInBase("33069", {"33069", "330690199"}, other),
              IsOk());
  EXPECT_THAT(PerimeterGaps({"33069", "330690199", "QN03302M", "330690101"},
                            BouscatIn2023()),
              ::testing::ElementsAre("330690199"));
  EXPECT_THAT(PerimeterGaps({"33069"}, BouscatIn2023()), ::testing::IsEmpty());
}

}  // namespace
}  // namespace ctg::policy
