// R3: onward-transfer agreements.
#include "policy/transfer_agreement.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using A = AgreementState;

Identity Who(OrganisationKind kind, std::string org, Role role) {
  Identity id;
  id.kind = kind;
  id.organisation = std::move(org);
  id.role = role;
  id.person = "p";
  return id;
}
Identity Requester(std::string commune = "33069") {
  return Who(OrganisationKind::kCommune, std::move(commune), Role::kRequester);
}
Identity Reviewer() {
  return Who(OrganisationKind::kCaf, "33", Role::kReviewer);
}

HeldRelease Release() {
  HeldRelease r;
  r.extract_id = "EXT-1";
  r.request_id = "REQ-000001";
  r.commune = "33069";
  return r;
}

AgreementInput Input() {
  return {"Centre social de Lignan", "Atelier parentalité"};
}

TEST(TransferAgreementTest, ACommuneAsksOnlyOnItsOwnLiveReleases) {
  EXPECT_THAT(CheckMayAskAgreement(Requester(), Release(), Input()), IsOk());
  EXPECT_THAT(CheckMayAskAgreement(Requester("33063"), Release(), Input()),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("release EXT-1 not found")));
  EXPECT_THAT(
      CheckMayAskAgreement(Reviewer(), Release(), Input()),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("\"reviewer\"")));
  HeldRelease revoked = Release();
  revoked.request_revoked = true;
  EXPECT_THAT(
      CheckMayAskAgreement(Requester(), revoked, Input()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("REVOKED")));
  HeldRelease ended = Release();
  ended.convention_ended = true;
  EXPECT_THAT(
      CheckMayAskAgreement(Requester(), ended, Input()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("has ended")));
  HeldRelease suspended = Release();
  suspended.convention_suspended = true;
  EXPECT_THAT(CheckMayAskAgreement(Requester(), suspended, Input()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("suspended by the Caf")));
  EXPECT_THAT(
      CheckMayAskAgreement(Requester(), Release(), {"", "x"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("recipient")));
  EXPECT_THAT(
      CheckMayAskAgreement(Requester(), Release(), {"x", " "}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("purpose")));
}

TEST(TransferAgreementTest, TheCafDecidesWithReasons) {
  StudiedAgreement a{"AGR-000001", "33069", A::kRequested};
  EXPECT_EQ(
      DecideAgreement(Reviewer(), a, true, "Partenaire de la CTG").value(),
      A::kApproved);
  EXPECT_EQ(DecideAgreement(Reviewer(), a, false, "Hors objectifs").value(),
            A::kRejected);
  EXPECT_THAT(
      DecideAgreement(Reviewer(), a, false, ""),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reasons")));
  EXPECT_THAT(DecideAgreement(Requester(), a, true, "x"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("only a reviewer")));
  EXPECT_THAT(DecideAgreement(Requester("33063"), a, true, "x"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("agreement AGR-000001 not found")));
  StudiedAgreement suspended = a;
  suspended.convention_suspended = true;
  EXPECT_THAT(DecideAgreement(Reviewer(), suspended, false, "Hors objectifs"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("suspended by the Caf")));
  a.state = A::kEnded;
  EXPECT_THAT(DecideAgreement(Reviewer(), a, true, "x"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("agreement AGR-000001 is ENDED")));
}

// R3 with R10, R11: revoking the request or ending the convention ends the
// agreements it carries; a decided rejection stays a rejection.
TEST(TransferAgreementTest, RevocationEndsAgreements) {
  EXPECT_EQ(EffectiveAgreementState(A::kApproved, false, false), A::kApproved);
  EXPECT_EQ(EffectiveAgreementState(A::kApproved, true, false), A::kEnded);
  EXPECT_EQ(EffectiveAgreementState(A::kRequested, false, true), A::kEnded);
  EXPECT_EQ(EffectiveAgreementState(A::kRejected, true, true), A::kRejected);
}

// R3: a release's receipt lists only agreements approved and in force.
TEST(TransferAgreementTest, OnlyApprovedAgreementsAreListedInReceipts) {
  EXPECT_TRUE(ListedInReleaseReceipt(A::kApproved));
  EXPECT_FALSE(ListedInReleaseReceipt(A::kRequested));
  EXPECT_FALSE(ListedInReleaseReceipt(A::kRejected));
  EXPECT_FALSE(ListedInReleaseReceipt(A::kEnded));
}

}  // namespace
}  // namespace ctg::policy

namespace ctg::policy {
namespace {

// R3, R8: the receipt lists the agreements only to whom may read them.
TEST(TransferAgreementTest, AnOperatorsReceiptListsNoAgreement) {
  EXPECT_TRUE(ReceiptListsAgreements(Requester()));
  EXPECT_TRUE(ReceiptListsAgreements(Reviewer()));
  EXPECT_FALSE(ReceiptListsAgreements(
      Who(OrganisationKind::kCommune, "33069", Role::kOperator)));
}

TEST(TransferAgreementTest, CarrierEndsWithRevocationOrTheConvention) {
  ConventionTerms c;
  c.id = "CTG-33069-1";
  c.valid_from = absl::CivilDay(2024, 1, 1);
  c.valid_until = absl::CivilDay(2024, 12, 31);
  AgreementCarrier live =
      CarrierOf(RequestState::kApproved, c, absl::CivilDay(2024, 6, 1));
  EXPECT_FALSE(live.request_revoked);
  EXPECT_FALSE(live.convention_ended);
  EXPECT_TRUE(CarrierOf(RequestState::kRevoked, c, absl::CivilDay(2024, 6, 1))
                  .request_revoked);
  EXPECT_TRUE(CarrierOf(RequestState::kApproved, c, absl::CivilDay(2025, 1, 1))
                  .convention_ended);
  // R10: a suspension is no end.
  c.suspended = true;
  AgreementCarrier suspended =
      CarrierOf(RequestState::kApproved, c, absl::CivilDay(2024, 6, 1));
  EXPECT_TRUE(suspended.convention_suspended);
  EXPECT_FALSE(suspended.convention_ended);
}

}  // namespace
}  // namespace ctg::policy
