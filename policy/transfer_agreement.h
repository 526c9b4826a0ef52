// Onward-transfer agreements (rule R3; convention Article 7 and Annexe 7:
// no transfer of Caf data "sauf accord préalable de la Caf"). On a release
// it holds, a requester of the commune asks the Caf's prior agreement to
// pass it to a named third party for a stated purpose; a Caf reviewer
// studies it and approves or rejects it, with reasons. Operators declared
// on the request at filing need no agreement (policy::ValidateRecipients).
//
//   REQUESTED --approve--> APPROVED
//   REQUESTED --reject---> REJECTED
//   REQUESTED or APPROVED --the request is REVOKED, or its convention
//       ended--> ENDED (computed on reading, like EXPIRED, never stored)
//
// A suspension of the convention (R10) ends nothing, as it is lifted by a
// reinstatement; while it lasts no agreement is asked or decided, as no
// request is filed or decided, and no release (so no receipt) is made.
// A release's receipt lists the agreements APPROVED on it and in force.
//
// Tenant isolation as for requests: a commune sees only its own
// agreements and releases; another commune's is NOT_FOUND.
//
// Pure: no I/O, no clock. Thread-safe (no state).
#ifndef CTG_POLICY_TRANSFER_AGREEMENT_H_
#define CTG_POLICY_TRANSFER_AGREEMENT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "policy/convention.h"
#include "policy/identity.h"
#include "policy/request_state.h"
#include "policy/request_validation.h"

namespace ctg::policy {

// The values are those of ctg.v1.TransferAgreementState.
enum class AgreementState {
  kRequested = 1,
  kApproved = 2,
  kRejected = 3,
  kEnded = 4
};

// "REQUESTED", "APPROVED", "REJECTED", "ENDED".
absl::string_view AgreementStateName(AgreementState state);

// A release as an agreement finds it: the extract delivered, its request
// and the state of that request and of its convention.
struct HeldRelease {
  std::string extract_id;  // e.g. "EXT-..."; named in messages
  std::string request_id;
  std::string commune;  // the commune it was released to
  RequestState request_state =
      RequestState::kApproved;        // EffectiveRequestState
  bool request_revoked = false;       // the request is REVOKED (R10)
  bool convention_ended = false;      // terminated or past its window (R11)
  bool convention_suspended = false;  // suspended by the Caf (R10)
};

// What an agreement's life depends on (R3 with R10, R11): its request was
// revoked, its convention has ended (terminated or past its window) on
// `today` (the Caf's day).
struct AgreementCarrier {
  bool request_revoked = false;
  bool convention_ended = false;
  bool convention_suspended = false;  // not ended: reinstatement lifts it
};
AgreementCarrier CarrierOf(RequestState request_state,
                           const ConventionTerms& convention,
                           absl::CivilDay today);

// kNotFound `release <id> not found`.
absl::Status ReleaseNotFound(absl::string_view extract_id);
// kNotFound `agreement <id> not found`.
absl::Status AgreementNotFound(absl::string_view agreement_id);

// What the commune asks.
struct AgreementInput {
  std::string recipient;  // the third party: required, one line
  std::string purpose;    // what it will do with the data: required
};

// R3: OK when `who` may ask an agreement on `release` with `input`.
// Checks, in order: a requester of the commune (kPermissionDenied); the
// release is the caller's commune's (else kNotFound, as a missing release:
// a commune asks only about releases it holds); the request not revoked
// and the convention not ended (kFailedPrecondition: nothing may be passed
// on any more) nor suspended (kFailedPrecondition, R10: until it is
// reinstated); recipient and purpose (kInvalidArgument naming the field).
absl::Status CheckMayAskAgreement(
    const Identity& who, const HeldRelease& release,
    const AgreementInput& input, const RequestLimits& limits = RequestLimits());

// An agreement as a decision finds it.
struct StudiedAgreement {
  std::string id;  // e.g. "AGR-000001"
  std::string commune;
  AgreementState state = AgreementState::kRequested;  // EffectiveAgreementState
  bool convention_suspended = false;  // R10: no decision until reinstated
};

// R3: the state an agreement stored as `stored` is in: ENDED when it is
// REQUESTED or APPROVED and its request was revoked or its convention
// ended (R10, R11: "revoking the request or the convention ends the
// agreements it carries"); `stored` otherwise.
AgreementState EffectiveAgreementState(AgreementState stored,
                                       bool request_revoked,
                                       bool convention_ended);

// R3: the state after a Caf reviewer decides. Checks, in order: visible
// (kNotFound for another commune's identity); a reviewer of the Caf
// (kPermissionDenied); REQUESTED (kFailedPrecondition `agreement AGR-1 is
// ENDED; only REQUESTED agreements can be decided`); its convention not
// suspended (kFailedPrecondition, R10); reasons required for both outcomes
// (kInvalidArgument naming "reasons", free text of at most
// max_reasoning_chars).
absl::StatusOr<AgreementState> DecideAgreement(
    const Identity& who, const StudiedAgreement& agreement, bool approve,
    absl::string_view reasons, const RequestLimits& limits = RequestLimits());

// R3: whether a release's receipt lists an agreement in `effective` state
// (EffectiveAgreementState): only an agreement APPROVED and in force.
bool ListedInReleaseReceipt(AgreementState effective);

// R3, R8 (least privilege): whether the receipt of a release downloaded by
// `who` lists the release's agreements: only for a role the authorization
// table lets read agreements. A declared operator receives the extract but
// not the commune's onward transfers (third parties, purposes, reasons).
bool ReceiptListsAgreements(const Identity& who);

// R3, R8: a commune identity sees its own commune's agreements; the Caf
// sees all. kNotFound as AgreementNotFound otherwise.
absl::Status CheckAgreementVisible(const Identity& who,
                                   absl::string_view commune,
                                   absl::string_view agreement_id);

}  // namespace ctg::policy

#endif  // CTG_POLICY_TRANSFER_AGREEMENT_H_
