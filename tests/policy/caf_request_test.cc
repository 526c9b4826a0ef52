// R1 (Caf -> commune), R2, R3: what the Caf declares when it asks a commune
// for data.
#include "policy/caf_request.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

Perimeter Perim() { return {"CTG-33069", {"33069", "330690101", "330690102"}}; }

CafSubmission Valid() {
  CafSubmission s;
  s.purpose = "Diagnostic partagé: offre d'accueil du jeune enfant";
  s.objective = "Axe II.1 petite enfance";
  s.description = "Places en crèche par IRIS, 2023";
  s.data_template = DataTemplate{{"territory", "period", "places_creche"},
                                 {"330690101", "330690102"},
                                 {"2023"}};
  s.recipients = {{RecipientKind::kOwnService, "Service action sociale", ""}};
  s.retention_months = 24;
  return s;
}

TEST(CafRequestTest, AcceptsAValidSubmissionWithAndWithoutTemplate) {
  EXPECT_THAT(ValidateCafSubmission(Valid(), Perim()), IsOk());
  CafSubmission s = Valid();
  s.data_template.reset();
  EXPECT_THAT(ValidateCafSubmission(s, Perim()), IsOk());
}

TEST(CafRequestTest, NamesTheFieldOfEachProblem) {
  CafSubmission s = Valid();
  s.description = "  ";
  EXPECT_THAT(
      ValidateCafSubmission(s, Perim()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("description")));
  s = Valid();
  s.purpose = "";
  EXPECT_THAT(
      ValidateCafSubmission(s, Perim()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("purpose")));
  s = Valid();
  s.retention_months = 0;
  EXPECT_THAT(
      ValidateCafSubmission(s, Perim()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("retention")));
}

// R3: the Caf declares only its own services; operators are the commune's.
TEST(CafRequestTest, RecipientsAreTheCafsOwnServices) {
  CafSubmission s = Valid();
  s.recipients = {{RecipientKind::kOperator, "Cabinet", "cabinet"}};
  EXPECT_THAT(ValidateCafSubmission(s, Perim()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("recipients[0].kind: must be OWN_SERVICE")));
}

TEST(CafRequestTest, TemplateChecks) {
  const CafRequestLimits limits;
  EXPECT_THAT(ValidateTemplate({{}, {}, {}}, Perim(), limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("data_template.columns: at least one")));
  EXPECT_THAT(
      ValidateTemplate({{"territory", "Places"}, {}, {}}, Perim(), limits),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("data_template.columns[1]: \"Places\" is not a column")));
  EXPECT_THAT(
      ValidateTemplate({{"a", "a"}, {}, {}}, Perim(), limits),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  // R1 feasibility: only the convention's territories.
  EXPECT_THAT(
      ValidateTemplate({{"territory", "n"}, {"33063"}, {}}, Perim(), limits),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("data_template.territories[0]: \"33063\" is not in the "
                    "perimeter of convention CTG-33069")));
  EXPECT_THAT(
      ValidateTemplate({{"period", "n"}, {}, {"2023-13"}}, Perim(), limits),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("data_template.periods[0]: \"2023-13\"")));
  EXPECT_THAT(ValidateTemplate({{"n"}, {"33069"}, {}}, Perim(), limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("a \"territory\" column is required")));
  EXPECT_THAT(ValidateTemplate({{"n"}, {}, {"2023"}}, Perim(), limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("a \"period\" column is required")));
  EXPECT_THAT(ValidateTemplate({{"period", "n"}, {}, {"2023-06", "2024"}},
                               Perim(), limits),
              IsOk());
}

// R2: the purpose never changes; an answer is required.
TEST(CafRequestTest, AmendmentKeepsThePurpose) {
  CafAmendment a;
  a.answer = "Les places en micro-crèche sont incluses.";
  EXPECT_THAT(ValidateCafAmendment(a, "p", Perim()), IsOk());
  a.purpose = "autre chose";
  EXPECT_THAT(
      ValidateCafAmendment(a, "p", Perim()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("purpose")));
  a.purpose = "";
  a.answer = "";
  EXPECT_THAT(
      ValidateCafAmendment(a, "p", Perim()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("answer")));
  a.answer = "ok";
  a.data_template = DataTemplate{{"territory"}, {"99999"}, {}};
  EXPECT_THAT(ValidateCafAmendment(a, "p", Perim()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("territories[0]")));
}

}  // namespace
}  // namespace ctg::policy
