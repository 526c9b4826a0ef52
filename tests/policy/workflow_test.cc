#include "policy/workflow.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using S = RequestState;

const absl::TimeZone& Utc() {
  static const absl::TimeZone zone = absl::UTCTimeZone();
  return zone;
}

absl::Time At(int y, int m, int d) {
  return absl::FromCivil(absl::CivilDay(y, m, d), Utc());
}

ConventionTerms Convention() {
  ConventionTerms t;
  t.id = "CTG-33069-1";
  t.valid_from = absl::CivilDay(2024, 1, 1);
  t.valid_until = absl::CivilDay(2026, 12, 31);
  return t;
}

Identity Reviewer(const std::string& person) {
  Identity id;
  id.spiffe_id = "spiffe://caf.example/caf/33/reviewer/" + person;
  id.kind = OrganisationKind::kCaf;
  id.organisation = "33";
  id.role = Role::kReviewer;
  id.person = person;
  return id;
}

Opinion Favourable(const std::string& reviewer) {
  return {OpinionValue::kFavourable, "fits the convention", reviewer};
}

StudiedRequest UnderStudy() {
  StudiedRequest r;
  r.id = "REQ-000001";
  r.commune = "33069";
  r.state = S::kUnderStudy;
  r.requested = {{"ALLOC"}, {"33069"}, {"2023"}, {}};
  return r;
}

CatalogueView Catalogue() {
  CatalogueView c;
  c.indicators["ALLOC"] = {};
  c.periods = {"2023"};
  return c;
}

Perimeter Perim() { return {"CTG-33069-1", {"33069"}}; }

// R11: expiry by the approval's end time, by the convention's end, and the
// earlier of the two.
TEST(WorkflowTest, ExpiryByApprovalEndOrConventionEnd) {
  ConventionTerms c = Convention();
  EXPECT_FALSE(
      ExpiryOf(S::kApproved, At(2025, 6, 1), c, At(2025, 5, 31), Utc()));
  auto by_end =
      ExpiryOf(S::kApproved, At(2025, 6, 1), c, At(2025, 6, 1), Utc());
  ASSERT_TRUE(by_end);
  EXPECT_EQ(by_end->time, At(2025, 6, 1));
  EXPECT_THAT(by_end->reason, HasSubstr("end time passed"));

  c.termination_effective = absl::CivilDay(2025, 3, 1);
  auto by_convention =
      ExpiryOf(S::kApproved, absl::InfiniteFuture(), c, At(2025, 3, 1), Utc());
  ASSERT_TRUE(by_convention);
  EXPECT_EQ(by_convention->time, At(2025, 3, 1));
  EXPECT_EQ(by_convention->reason, "convention CTG-33069-1 ended (R11)");
  // The approval ended first: its own end is the instant.
  auto earlier =
      ExpiryOf(S::kApproved, At(2025, 2, 1), c, At(2025, 4, 1), Utc());
  ASSERT_TRUE(earlier);
  EXPECT_EQ(earlier->time, At(2025, 2, 1));
}

TEST(WorkflowTest, OnlyApprovalsExpireAndSuspensionIsNotAnEnd) {
  ConventionTerms c = Convention();
  EXPECT_EQ(EffectiveRequestState(S::kUnderStudy, At(2020, 1, 1), c,
                                  At(2027, 1, 1), Utc()),
            S::kUnderStudy);
  EXPECT_EQ(EffectiveRequestState(S::kApproved, absl::InfiniteFuture(), c,
                                  At(2027, 1, 1), Utc()),
            S::kExpired);
  c.suspended = true;
  EXPECT_EQ(EffectiveRequestState(S::kApproved, absl::InfiniteFuture(), c,
                                  At(2025, 1, 1), Utc()),
            S::kApproved);
}

TEST(WorkflowTest, ConventionEndTimeIsTheEarlierOfWindowAndTermination) {
  ConventionTerms c = Convention();
  EXPECT_EQ(ConventionEndTime(c, Utc()), At(2027, 1, 1));
  c.termination_effective = absl::CivilDay(2025, 3, 1);
  EXPECT_EQ(ConventionEndTime(c, Utc()), At(2025, 3, 1));
}

TEST(WorkflowTest, BlankTextKeepsTheCurrentOne) {
  EXPECT_EQ(TextUnlessBlank(" \t\n", "kept"), "kept");
  EXPECT_EQ(TextUnlessBlank("", ""), "");
  EXPECT_EQ(TextUnlessBlank(" new ", "kept"), " new ");
}

TEST(WorkflowTest, GivenOpinionsReplaceRecordedOnes) {
  Opinions recorded{Favourable("a"), Favourable("b")};
  Opinions given;
  given.feasibility = Favourable("c");
  Opinions merged = MergeOpinions(given, recorded);
  EXPECT_EQ(merged.opportunity->reviewer, "a");
  EXPECT_EQ(merged.feasibility->reviewer, "c");
}

TEST(WorkflowTest, OpinionsOnlyWhileTheRequestCanBeDecided) {
  StudiedRequest r = UnderStudy();
  EXPECT_THAT(CheckMayGiveOpinion(Reviewer("a"), r), IsOk());
  r.state = S::kInfoRequested;
  EXPECT_THAT(CheckMayGiveOpinion(Reviewer("a"), r), IsOk());
  for (S s : {S::kSubmitted, S::kApproved, S::kRejected, S::kExpired}) {
    r.state = s;
    EXPECT_THAT(
        CheckMayGiveOpinion(Reviewer("a"), r),
        StatusIs(
            absl::StatusCode::kFailedPrecondition,
            HasSubstr("opinions are given on UNDER_STUDY or INFO_REQUESTED")));
  }
  Identity admin = Reviewer("a");
  admin.role = Role::kAdmin;
  EXPECT_THAT(CheckMayGiveOpinion(admin, UnderStudy()),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("give an opinion")));
}

TEST(WorkflowTest, RecordOpinionsNeedsAnOpinionAndNoDecisionTerms) {
  DecisionInput input;
  EXPECT_THAT(RecordOpinions(Reviewer("a"), UnderStudy(), input, {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("decision: required")));
  input.opportunity = Favourable("a");
  input.reasons = "why";
  EXPECT_THAT(RecordOpinions(Reviewer("a"), UnderStudy(), input, {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("with scope, end_time")));
  input.reasons.clear();
  auto given = RecordOpinions(Reviewer("a"), UnderStudy(), input, {}, {});
  ASSERT_THAT(given.status(), IsOk());
  EXPECT_TRUE(given->opportunity);
  EXPECT_FALSE(given->feasibility);
}

// R1 four-eyes: checked against the opinion already recorded.
TEST(WorkflowTest, RecordOpinionsChecksFourEyesWithTheRecordedOpinion) {
  StudiedRequest r = UnderStudy();
  r.recorded.opportunity = Favourable("a");
  DecisionInput input;
  input.feasibility = Favourable("a");
  EXPECT_THAT(
      RecordOpinions(Reviewer("a"), r, input, {true}, {}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("four-eyes")));
  EXPECT_THAT(RecordOpinions(Reviewer("a"), r, input, {false}, {}).status(),
              IsOk());
  input.feasibility->reasoning = " ";
  EXPECT_THAT(RecordOpinions(Reviewer("a"), r, input, {false}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("feasibility.reasoning")));
}

TEST(WorkflowTest, ApprovalUsesRecordedOpinionsAndTheConventionsEnd) {
  StudiedRequest r = UnderStudy();
  r.recorded = {Favourable("a"), Favourable("b")};
  DecisionInput input;
  input.decision = Decision::kApprove;
  auto plan = Decide(Reviewer("a"), r, input, Convention(), Catalogue(),
                     Perim(), At(2025, 1, 1), Utc(), {true}, {});
  ASSERT_THAT(plan.status(), IsOk());
  EXPECT_EQ(plan->to, S::kApproved);
  EXPECT_FALSE(plan->to_record.opportunity);
  ASSERT_TRUE(plan->approval);
  EXPECT_EQ(plan->approval->end_time, At(2027, 1, 1));
  EXPECT_EQ(plan->approval->download_quota, 1);
}

TEST(WorkflowTest, DecisionChecksTransitionThenConventionThenTerms) {
  StudiedRequest r = UnderStudy();
  DecisionInput input;
  input.decision = Decision::kApprove;
  ConventionTerms suspended = Convention();
  suspended.suspended = true;
  r.state = S::kSubmitted;
  EXPECT_THAT(
      Decide(Reviewer("a"), r, input, suspended, Catalogue(), Perim(),
             At(2025, 1, 1), Utc(), {}, {}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("SUBMITTED")));
  r.state = S::kUnderStudy;
  EXPECT_THAT(
      Decide(Reviewer("a"), r, input, suspended, Catalogue(), Perim(),
             At(2025, 1, 1), Utc(), {}, {}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("suspended")));
  EXPECT_THAT(
      Decide(Reviewer("a"), r, input, Convention(), Catalogue(), Perim(),
             At(2025, 1, 1), Utc(), {}, {}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("opportunity")));
  // A rejection is possible under a suspended convention; reasons required.
  input.decision = Decision::kReject;
  input.reasons = "out of the convention's objectives";
  auto plan = Decide(Reviewer("a"), r, input, suspended, Catalogue(), Perim(),
                     At(2025, 1, 1), Utc(), {}, {});
  ASSERT_THAT(plan.status(), IsOk());
  EXPECT_EQ(plan->to, S::kRejected);
  EXPECT_FALSE(plan->approval);
  input.decision = static_cast<Decision>(7);
  EXPECT_THAT(Decide(Reviewer("a"), r, input, Convention(), Catalogue(),
                     Perim(), At(2025, 1, 1), Utc(), {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("decision: must be APPROVE or REJECT")));
}

}  // namespace
}  // namespace ctg::policy

namespace ctg::policy {
namespace {

Identity CommuneReviewer(const std::string& person,
                         const std::string& commune = "33069") {
  Identity id;
  id.spiffe_id =
      "spiffe://caf.example/commune/" + commune + "/reviewer/" + person;
  id.kind = OrganisationKind::kCommune;
  id.organisation = commune;
  id.role = Role::kCommuneReviewer;
  id.person = person;
  return id;
}

StudiedRequest CafRequestUnderStudy() {
  StudiedRequest r;
  r.id = "CREQ-000001";
  r.commune = "33069";
  r.state = RequestState::kUnderStudy;
  r.direction = Direction::kCafToCommune;
  return r;
}

// R1 both ways: the commune's reviewers decide the Caf's requests, with the
// same opinions and four-eyes rule; the Caf's reviewers may not.
TEST(WorkflowTest, CafRequestIsDecidedByTheCommune) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  ConventionTerms c;
  c.id = "CTG-33069-1";
  c.valid_from = absl::CivilDay(2024, 1, 1);
  c.valid_until = absl::CivilDay(2026, 12, 31);
  const absl::Time now = absl::FromCivil(absl::CivilDay(2025, 1, 10), utc);
  DecisionInput input;
  input.decision = Decision::kApprove;
  input.opportunity = Opinion{OpinionValue::kFavourable, "utile au diagnostic",
                              CommuneReviewer("anne").spiffe_id};
  input.feasibility = Opinion{OpinionValue::kFavourable, "données disponibles",
                              CommuneReviewer("bruno").spiffe_id};
  DecisionOptions four_eyes{true};
  auto plan = Decide(CommuneReviewer("anne"), CafRequestUnderStudy(), input, c,
                     {}, {}, now, utc, four_eyes, RequestLimits());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->to, RequestState::kApproved);

  Identity caf_reviewer;
  caf_reviewer.kind = OrganisationKind::kCaf;
  caf_reviewer.organisation = "33";
  caf_reviewer.role = Role::kReviewer;
  EXPECT_THAT(Decide(caf_reviewer, CafRequestUnderStudy(), input, c, {}, {},
                     now, utc, four_eyes, RequestLimits()),
              ::ctg::testing::StatusIs(
                  absl::StatusCode::kPermissionDenied,
                  ::testing::HasSubstr("reviewer of the commune")));
  EXPECT_THAT(Decide(CommuneReviewer("anne", "33063"), CafRequestUnderStudy(),
                     input, c, {}, {}, now, utc, four_eyes, RequestLimits()),
              ::ctg::testing::StatusIs(absl::StatusCode::kNotFound));
  // Four-eyes: one reviewer cannot give both opinions.
  DecisionInput same = input;
  same.feasibility->reviewer = input.opportunity->reviewer;
  EXPECT_THAT(Decide(CommuneReviewer("anne"), CafRequestUnderStudy(), same, c,
                     {}, {}, now, utc, four_eyes, RequestLimits()),
              ::ctg::testing::StatusIs(absl::StatusCode::kFailedPrecondition));
  // No catalogue scope to narrow.
  DecisionInput narrowed = input;
  narrowed.scope = Scope{};
  EXPECT_THAT(Decide(CommuneReviewer("anne"), CafRequestUnderStudy(), narrowed,
                     c, {}, {}, now, utc, four_eyes, RequestLimits()),
              ::ctg::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                       ::testing::HasSubstr("scope")));
  EXPECT_THAT(CheckMayGiveOpinion(caf_reviewer, CafRequestUnderStudy()),
              ::ctg::testing::StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(
      CheckMayGiveOpinion(CommuneReviewer("anne"), CafRequestUnderStudy())
          .ok());
}

}  // namespace
}  // namespace ctg::policy
