// The life of a data request through the étude d'opportunité et de
// faisabilité (convention Article 7; domain.md "The request lifecycle"):
//
//   SUBMITTED --start study--> UNDER_STUDY --request information-->
//   INFO_REQUESTED --amend--> UNDER_STUDY --approve--> APPROVED
//   UNDER_STUDY or INFO_REQUESTED --reject--> REJECTED
//   SUBMITTED, UNDER_STUDY or INFO_REQUESTED --withdraw--> WITHDRAWN
//   APPROVED --revoke--> REVOKED      APPROVED --expire--> EXPIRED
//
// Both directions of Article 7 (R1) go through this one machine; the
// direction is data (Direction below) and only changes who may act:
//
//                      commune -> Caf              Caf -> commune
//   start study, request information, approve, reject
//                      reviewer (Caf)              commune-reviewer
//   amend, withdraw    requester (the commune's)   caf-requester
//   revoke             reviewer, admin (R10)       commune-reviewer
//   expire                 nobody: it follows from time, when the end time has
//                          passed or the convention has ended (R11); it is
//                          computed on reading (policy/workflow.h), not stored
//
// Pure: no I/O, no clock (time is an argument). Thread-safe (no state).
#ifndef CTG_POLICY_REQUEST_STATE_H_
#define CTG_POLICY_REQUEST_STATE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "policy/identity.h"

namespace ctg::policy {

// The values are those of ctg.v1.RequestState (REQUEST_STATE_UNSPECIFIED = 0
// has no counterpart here: a request always has a state).
enum class RequestState {
  kSubmitted = 1,
  kUnderStudy = 2,
  kInfoRequested = 3,
  kApproved = 4,
  kRejected = 5,
  kWithdrawn = 6,
  kRevoked = 7,
  kExpired = 8,
};
inline constexpr int kRequestStateCount = 8;

// What can happen to a request. kApprove and kReject are the two outcomes of
// DecideRequest.
enum class RequestAction {
  kStartStudy,
  kRequestInformation,
  kAmend,
  kApprove,
  kReject,
  kWithdraw,
  kRevoke,
  kExpire,
};
inline constexpr int kRequestActionCount = 8;

// R1: "les demandes d'échange de données par l'une des parties" are studied
// by the other party. Which party files and which studies.
enum class Direction {
  kCommuneToCaf,  // a commune's requester asks the Caf; Caf reviewers decide
  kCafToCommune,  // the Caf's requester asks a commune; its reviewers decide
};
// "commune-to-caf", "caf-to-commune".
absl::string_view DirectionName(Direction direction);

// "SUBMITTED", "UNDER_STUDY", ... : the proto enum's spelling.
absl::string_view RequestStateName(RequestState state);
// The state of a ctg.v1.RequestState number; nullopt for 0 (unspecified) and
// unknown numbers.
std::optional<RequestState> RequestStateFromNumber(int number);
// "start study", "request information", "amend", "approve", "reject",
// "withdraw", "revoke", "expire".
absl::string_view RequestActionName(RequestAction action);

// REJECTED, WITHDRAWN, REVOKED and EXPIRED: no action applies any more.
bool IsTerminal(RequestState state);
// SUBMITTED, UNDER_STUDY and INFO_REQUESTED: not decided nor withdrawn yet.
bool IsPending(RequestState state);
// The state an action leads to (whatever the current state).
RequestState TargetState(RequestAction action);
// True when `action` applies to a request in state `state`.
bool IsLegalFrom(RequestState state, RequestAction action);
// True when a caller with `role` may perform `action` on a request of
// `direction` (tenant aside): the roles of the method that performs it in
// the authorization table (authorization.h), the one role matrix. Always
// false for kExpire, which follows from time (R11).
bool MayPerform(Role role, RequestAction action,
                Direction direction = Direction::kCommuneToCaf);

// The state after a caller with `actor_role` performs `action` on a request
// in state `from`. `request_id`, when given, is named in error messages.
// The role is checked first, then the state.
// Errors:
//   kPermissionDenied  the role may not perform the action, e.g.
//     `role "requester" may not approve a request; only a reviewer may`
//     (for kExpire: `expiry is recorded by the gateway itself`).
//   kFailedPrecondition  the action does not apply in state `from`, e.g.
//     `request REQ-12 is APPROVED; only SUBMITTED, UNDER_STUDY or
//     INFO_REQUESTED requests can be withdrawn`.
// The PermissionDenied message names who may act in `direction`.
absl::StatusOr<RequestState> Transition(
    RequestState from, RequestAction action, Role actor_role,
    absl::string_view request_id = "",
    Direction direction = Direction::kCommuneToCaf);

// As above, for a caller identity acting on a request of commune
// `request_commune`. A commune identity (requester, operator) acting on
// another commune's request gets kNotFound with RequestNotFound's message,
// whatever the action, before any other check: another commune's request is
// indistinguishable from a missing one. Caf identities see every commune.
// In the Caf -> commune direction the commune is the tenant too: the
// commune the request is addressed to; another commune's reviewer gets
// kNotFound.
absl::StatusOr<RequestState> Transition(
    RequestState from, RequestAction action, const Identity& actor,
    absl::string_view request_commune, absl::string_view request_id,
    Direction direction = Direction::kCommuneToCaf);

// OK when `caller` may see request `request_id` of commune `request_commune`:
// Caf identities see all requests, commune identities those of their own
// commune. Error: kNotFound, `request <id> not found`, exactly the error for
// a missing request (use RequestNotFound for that one).
absl::Status CheckRequestVisible(const Identity& caller,
                                 absl::string_view request_commune,
                                 absl::string_view request_id);
// kNotFound: `request <id> not found`.
absl::Status RequestNotFound(absl::string_view request_id);

// R3: true if `person` is one of `declared_operators`, the persons of the
// analysis-operator recipients a request declares. An operator sees
// (GetRequest, ListRequests) and downloads (GetExtract) only such requests.
bool IsDeclaredOperator(absl::Span<const std::string> declared_operators,
                        absl::string_view person);

// R3, R8: true if `caller` may read request `id` of `commune`, which
// declares `declared_operators`: CheckRequestVisible, and for an analysis
// operator, only a request that declares it.
bool MayReadRequest(const Identity& caller, absl::string_view commune,
                    absl::string_view id,
                    absl::Span<const std::string> declared_operators);

// R3, R8: OK when `caller` may download the extract of request `id` of
// `commune`. Errors: as CheckRequestVisible; kPermissionDenied `operator <p>
// is not declared as a recipient of request <id> (R3)` for an analysis
// operator the request does not declare.
absl::Status CheckMayDownload(const Identity& caller, absl::string_view commune,
                              absl::string_view id,
                              absl::Span<const std::string> declared_operators);

// The state a request is really in at `now` (R11). An APPROVED request is
// EXPIRED once `now` >= `end_time` (the approval is valid in
// [approval, end_time)), or once its convention has ended
// (`convention_ended`: ConventionStatus::kEnded in policy/convention.h,
// i.e. terminated or past its validity window; a *suspended* convention has
// not ended: it blocks releases, which the extract service checks with
// CheckConventionActive, but a reinstated convention finds its approvals
// intact). Pass absl::InfiniteFuture() for an approval without end time.
// Any other state is returned unchanged.
RequestState EffectiveState(RequestState stored, absl::Time now,
                            absl::Time end_time, bool convention_ended);

}  // namespace ctg::policy

#endif  // CTG_POLICY_REQUEST_STATE_H_
