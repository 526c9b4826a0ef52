#include "policy/transfer_agreement.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/authorization.h"
#include "policy/text.h"

namespace ctg::policy {

absl::string_view AgreementStateName(AgreementState state) {
  switch (state) {
    case AgreementState::kRequested:
      return "REQUESTED";
    case AgreementState::kApproved:
      return "APPROVED";
    case AgreementState::kRejected:
      return "REJECTED";
    case AgreementState::kEnded:
      return "ENDED";
  }
  return "UNKNOWN";
}

AgreementCarrier CarrierOf(RequestState request_state,
                           const ConventionTerms& convention,
                           absl::CivilDay today) {
  // R10: a revoked request; R11: a convention terminated or past its window;
  // R10: a suspension, which ends nothing but stops every step meanwhile.
  const ConventionStatus status = EffectiveStatus(convention, today);
  return {request_state == RequestState::kRevoked,
          status == ConventionStatus::kEnded,
          status == ConventionStatus::kSuspended};
}

absl::Status ReleaseNotFound(absl::string_view extract_id) {
  return absl::NotFoundError(
      absl::StrCat("release ", extract_id, " not found"));
}

absl::Status AgreementNotFound(absl::string_view agreement_id) {
  return absl::NotFoundError(
      absl::StrCat("agreement ", agreement_id, " not found"));
}

absl::Status CheckMayAskAgreement(const Identity& who,
                                  const HeldRelease& release,
                                  const AgreementInput& input,
                                  const RequestLimits& limits) {
  // R3: the commune that holds the data asks.
  if (who.role != Role::kRequester) {
    return absl::PermissionDeniedError(
        absl::StrCat("role \"", RoleName(who.role),
                     "\" may not ask an onward-transfer agreement; only a "
                     "requester of the commune may"));
  }
  // R8: only a release this commune holds; another's is indistinguishable
  // from a missing one.
  if (who.organisation != release.commune)
    return ReleaseNotFound(release.extract_id);
  // R10, R11: a revoked request or an ended convention ends every transfer.
  if (release.request_revoked) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request ", release.request_id, " of release ", release.extract_id,
        " is REVOKED; its data may not be passed on"));
  }
  if (release.convention_ended) {
    return absl::FailedPreconditionError(
        absl::StrCat("the convention of release ", release.extract_id,
                     " has ended; its data may not be passed on"));
  }
  // R10: "access of that commune stops at once", until reinstated.
  if (release.convention_suspended) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the convention of release ", release.extract_id,
        " is suspended by the Caf: no agreement may be asked until it is "
        "reinstated"));
  }
  CTG_RETURN_IF_ERROR(ValidateText("recipient", input.recipient,
                                   limits.max_name_chars, Presence::kRequired,
                                   TextKind::kLine));
  return ValidateText("purpose", input.purpose, limits.max_purpose_chars,
                      Presence::kRequired, TextKind::kParagraph);
}

AgreementState EffectiveAgreementState(AgreementState stored,
                                       bool request_revoked,
                                       bool convention_ended) {
  // R3 with R10, R11: the agreement lives no longer than what it carries.
  if ((stored == AgreementState::kRequested ||
       stored == AgreementState::kApproved) &&
      (request_revoked || convention_ended)) {
    return AgreementState::kEnded;
  }
  return stored;
}

absl::StatusOr<AgreementState> DecideAgreement(
    const Identity& who, const StudiedAgreement& agreement, bool approve,
    absl::string_view reasons, const RequestLimits& limits) {
  CTG_RETURN_IF_ERROR(
      CheckAgreementVisible(who, agreement.commune, agreement.id));
  // R3: "accord préalable de la Caf": the Caf's reviewers decide.
  if (who.role != Role::kReviewer) {
    return absl::PermissionDeniedError(
        absl::StrCat("role \"", RoleName(who.role),
                     "\" may not decide an onward-transfer agreement; only a "
                     "reviewer of the Caf may"));
  }
  if (agreement.state != AgreementState::kRequested) {
    return absl::FailedPreconditionError(absl::StrCat(
        "agreement ", agreement.id, " is ", AgreementStateName(agreement.state),
        "; only REQUESTED agreements can be decided"));
  }
  // R10: as for requests, no decision while the convention is suspended.
  if (agreement.convention_suspended) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the convention of agreement ", agreement.id,
        " is suspended by the Caf: no decision until it is reinstated"));
  }
  // R3: the Caf records why it agrees or refuses.
  CTG_RETURN_IF_ERROR(ValidateText("reasons", reasons,
                                   limits.max_reasoning_chars,
                                   Presence::kRequired, TextKind::kParagraph));
  return approve ? AgreementState::kApproved : AgreementState::kRejected;
}

bool ListedInReleaseReceipt(AgreementState effective) {
  // R3: the Caf's prior agreement, still in force (R10, R11 end it).
  return effective == AgreementState::kApproved;
}

bool ReceiptListsAgreements(const Identity& who) {
  return Authorize(who.role,
                   "/ctg.v1.TransferAgreements/ListTransferAgreements")
      .ok();
}

absl::Status CheckAgreementVisible(const Identity& who,
                                   absl::string_view commune,
                                   absl::string_view agreement_id) {
  if (who.IsCommune() && who.organisation != commune)
    return AgreementNotFound(agreement_id);
  return absl::OkStatus();
}

}  // namespace ctg::policy
