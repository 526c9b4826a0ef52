#include "policy/evaluation_report.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/request_state.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::DoubleEq;
using ::testing::Optional;
using S = RequestState;

// Day n of 2024 (day 0 is 2024-01-01T00:00:00Z).
absl::Time Day(double n) {
  return absl::FromUnixSeconds(1'704'067'200) + absl::Hours(24 * n);
}

constexpr char kVeille[] = "Axe I.2 veille sociale territoriale";
constexpr char kPetiteEnfance[] = "Axe II.1 petite enfance";

RequestRecord Record(std::string convention, std::string objective,
                     double created, S state, std::optional<double> decided,
                     std::vector<double> releases = {}) {
  RequestRecord r;
  r.convention_id = std::move(convention);
  r.objective = std::move(objective);
  r.create_time = Day(created);
  r.state = state;
  if (decided) r.decision_time = Day(*decided);
  for (double day : releases) r.release_times.push_back(Day(day));
  return r;
}

// Hand-made data over the window [day 0, day 100), with the expected figures
// worked out by hand in the comments.
std::vector<RequestRecord> Records() {
  return {
      // CTG-33069, veille: filed 4, approved 2, rejected 1, pending 1,
      // delays {3, 7, 1} (median 3), releases 3.
      Record("CTG-33069", kVeille, 10, S::kApproved, 13, {15, 20}),
      Record("CTG-33069", kVeille, 20, S::kRejected, 27),
      Record("CTG-33069", kVeille, 30, S::kRevoked, 31, {40, 150}),
      Record("CTG-33069", kVeille, 40, S::kUnderStudy, std::nullopt),
      // CTG-33069, petite enfance: filed 3, approved 1, withdrawn 1,
      // pending 2, delays {12}, releases 1.
      Record("CTG-33069", kPetiteEnfance, -10, S::kExpired, 2, {5}),
      Record("CTG-33069", kPetiteEnfance, 50, S::kWithdrawn, 55),
      Record("CTG-33069", kPetiteEnfance, 90, S::kApproved, 105, {106}),
      Record("CTG-33069", kPetiteEnfance, 95, S::kSubmitted, std::nullopt),
      // CTG-33063, veille: filed 1 (on the window's first instant),
      // approved 1 after half a day, pending 1 (filed before the window).
      Record("CTG-33063", kVeille, -5, S::kInfoRequested, std::nullopt),
      Record("CTG-33063", kVeille, 0, S::kApproved, 0.5),
      Record("CTG-33063", kVeille, 100, S::kSubmitted, std::nullopt),
      // CTG-33522: everything before the window; absent from the report.
      Record("CTG-33522", kVeille, -50, S::kRejected, -40),
      Record("CTG-33522", kVeille, -30, S::kApproved, -20, {-10}),
  };
}

void ExpectFigures(const EvaluationFigures& f, int64_t filed, int64_t approved,
                   int64_t rejected, int64_t withdrawn, int64_t pending,
                   std::optional<double> median, int64_t releases) {
  EXPECT_EQ(f.filed, filed);
  EXPECT_EQ(f.approved, approved);
  EXPECT_EQ(f.rejected, rejected);
  EXPECT_EQ(f.withdrawn, withdrawn);
  EXPECT_EQ(f.pending, pending);
  if (median.has_value()) {
    EXPECT_THAT(f.median_days_to_decision, Optional(DoubleEq(*median)));
  } else {
    EXPECT_EQ(f.median_days_to_decision, std::nullopt);
  }
  EXPECT_EQ(f.releases, releases);
}

TEST(EvaluationReportTest, PerConventionAndObjective) {
  const std::vector<RequestRecord> records = Records();
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport report,
                           BuildEvaluationReport(records, Day(0), Day(100)));
  EXPECT_EQ(report.from, Day(0));
  EXPECT_EQ(report.to, Day(100));
  ASSERT_EQ(report.conventions.size(), 2u);

  const ConventionEvaluation& bordeaux = report.conventions[0];
  EXPECT_EQ(bordeaux.convention_id, "CTG-33063");
  ASSERT_EQ(bordeaux.objectives.size(), 1u);
  EXPECT_EQ(bordeaux.objectives[0].objective, kVeille);
  ExpectFigures(bordeaux.objectives[0].figures, 1, 1, 0, 0, 1, 0.5, 0);
  ExpectFigures(bordeaux.figures, 1, 1, 0, 0, 1, 0.5, 0);

  const ConventionEvaluation& bouscat = report.conventions[1];
  EXPECT_EQ(bouscat.convention_id, "CTG-33069");
  ASSERT_EQ(bouscat.objectives.size(), 2u);
  // Sorted by objective: "Axe I.2" < "Axe II.1".
  EXPECT_EQ(bouscat.objectives[0].objective, kVeille);
  ExpectFigures(bouscat.objectives[0].figures, 4, 2, 1, 0, 1, 3, 3);  // odd
  EXPECT_EQ(bouscat.objectives[1].objective, kPetiteEnfance);
  ExpectFigures(bouscat.objectives[1].figures, 3, 1, 0, 1, 2, 12, 1);
  // Delays {1, 3, 7, 12}: an even count, median (3 + 7) / 2.
  ExpectFigures(bouscat.figures, 7, 3, 1, 1, 3, 5, 4);

  // Delays {0.5, 1, 3, 7, 12}.
  ExpectFigures(report.total, 8, 4, 1, 1, 4, 3, 4);
}

TEST(EvaluationReportTest, MedianOfTwoAndOfOne) {
  std::vector<RequestRecord> records = {
      Record("C", "o", 0, S::kApproved, 2),
      Record("C", "o", 0, S::kRejected, 5),
  };
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport two,
                           BuildEvaluationReport(records, Day(0), Day(10)));
  ExpectFigures(two.total, 2, 1, 1, 0, 0, 3.5, 0);
  records.pop_back();
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport one,
                           BuildEvaluationReport(records, Day(0), Day(10)));
  ExpectFigures(one.total, 1, 1, 0, 0, 0, 2, 0);
  // Withdrawals are not decisions: no median.
  records = {Record("C", "o", 0, S::kWithdrawn, 4)};
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport withdrawn,
                           BuildEvaluationReport(records, Day(0), Day(10)));
  ExpectFigures(withdrawn.total, 1, 0, 0, 1, 0, std::nullopt, 0);
  // Unsorted input, odd count.
  records = {Record("C", "o", 0, S::kApproved, 9),
             Record("C", "o", 0, S::kApproved, 1),
             Record("C", "o", 0, S::kApproved, 4)};
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport three,
                           BuildEvaluationReport(records, Day(0), Day(10)));
  ExpectFigures(three.total, 3, 3, 0, 0, 0, 4, 0);
}

TEST(EvaluationReportTest, WindowBoundsAreHalfOpen) {
  const std::vector<RequestRecord> records = {
      // Decided exactly at `to`: pending at the end of the window.
      Record("C", "o", 1, S::kApproved, 10, {10}),
  };
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport before,
                           BuildEvaluationReport(records, Day(0), Day(10)));
  ExpectFigures(before.total, 1, 0, 0, 0, 1, std::nullopt, 0);
  // Decided exactly at `from`: counted, not pending; filed earlier.
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport after,
                           BuildEvaluationReport(records, Day(10), Day(20)));
  ExpectFigures(after.total, 0, 1, 0, 0, 0, 9, 1);
}

TEST(EvaluationReportTest, EmptyReport) {
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport report,
                           BuildEvaluationReport({}, Day(0), Day(1)));
  EXPECT_TRUE(report.conventions.empty());
  ExpectFigures(report.total, 0, 0, 0, 0, 0, std::nullopt, 0);
  // Records outside the window leave it empty too.
  const std::vector<RequestRecord> old = {
      Record("C", "o", -9, S::kRejected, -8)};
  CTG_ASSERT_OK_AND_ASSIGN(EvaluationReport none,
                           BuildEvaluationReport(old, Day(0), Day(1)));
  EXPECT_TRUE(none.conventions.empty());
}

TEST(EvaluationReportTest, BadWindow) {
  EXPECT_THAT(BuildEvaluationReport({}, Day(1), Day(1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "from: 2024-01-02T00:00:00Z is not before to "
                       "(2024-01-02T00:00:00Z)"));
  EXPECT_THAT(BuildEvaluationReport({}, Day(2), Day(1)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(EvaluationReportTest, InconsistentRecords) {
  std::vector<RequestRecord> records = {
      Record("C", "o", 0, S::kApproved, 1),
      Record("CTG-1", "o", 0, S::kUnderStudy, 1)};
  EXPECT_THAT(BuildEvaluationReport(records, Day(0), Day(9)),
              StatusIs(absl::StatusCode::kInternal,
                       "request record 1 (convention CTG-1) is inconsistent: "
                       "UNDER_STUDY with a decision time"));
  records[1] = Record("CTG-1", "o", 0, S::kRevoked, std::nullopt);
  EXPECT_THAT(BuildEvaluationReport(records, Day(0), Day(9)),
              StatusIs(absl::StatusCode::kInternal,
                       "request record 1 (convention CTG-1) is inconsistent: "
                       "REVOKED without a decision time"));
  records[1] = Record("CTG-1", "o", 5, S::kRejected, 4);
  EXPECT_THAT(BuildEvaluationReport(records, Day(0), Day(9)),
              StatusIs(absl::StatusCode::kInternal,
                       "request record 1 (convention CTG-1) is inconsistent: "
                       "decided before it was created"));
}

}  // namespace
}  // namespace ctg::policy

namespace ctg::policy {
namespace {

// R13 counts both directions and the agreements (R1, R3).
TEST(EvaluationReportTest, CountsCafRequestsAndAgreementsApart) {
  RequestRecord caf = Record("CTG-33069", "Axe II.1 petite enfance", 10,
                             S::kApproved, 14, {20});
  caf.direction = Direction::kCafToCommune;
  RequestRecord caf_rejected =
      Record("CTG-33069", "Axe II.1 petite enfance", 12, S::kRejected, 14);
  caf_rejected.direction = Direction::kCafToCommune;
  std::vector<RequestRecord> records = {
      Record("CTG-33069", kVeille, 10, S::kApproved, 13, {15}), caf,
      caf_rejected};
  std::vector<AgreementRecord> agreements = {{Day(16), true, Day(18)},
                                             {Day(17), false, Day(23)},
                                             {Day(30), false, std::nullopt}};
  auto report = BuildEvaluationReport(records, agreements, Day(0), Day(100));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->total.filed, 1);
  EXPECT_EQ(report->total.releases, 1);
  EXPECT_EQ(report->caf_requests.filed, 2);
  EXPECT_EQ(report->caf_requests.approved, 1);
  EXPECT_EQ(report->caf_requests.rejected, 1);
  EXPECT_EQ(report->caf_requests.releases, 1);
  EXPECT_THAT(report->caf_requests.median_days_to_decision,
              Optional(DoubleEq(3)));
  EXPECT_EQ(report->agreements.filed, 3);
  EXPECT_EQ(report->agreements.approved, 1);
  EXPECT_EQ(report->agreements.rejected, 1);
  EXPECT_THAT(report->agreements.median_days_to_decision,
              Optional(DoubleEq(4)));
  agreements.push_back({Day(40), true, Day(39)});
  EXPECT_THAT(BuildEvaluationReport(records, agreements, Day(0), Day(100)),
              StatusIs(absl::StatusCode::kInternal));
}

}  // namespace
}  // namespace ctg::policy
