// The étude d'opportunité et de faisabilité as decisions on plain data
// (rules R1, R2, R11; domain.md "The request lifecycle"): who may give an
// opinion and when, how given opinions combine with the recorded ones, what
// a decision changes, how blank optional text is stored, and the state a
// request is really in at a given time. The gateway loads the facts, calls
// one function here, and writes what it returns.
//
// Pure: no I/O, no clock (time and time zone are arguments). Thread-safe (no
// state).
#ifndef CTG_POLICY_WORKFLOW_H_
#define CTG_POLICY_WORKFLOW_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "policy/convention.h"
#include "policy/identity.h"
#include "policy/request_state.h"
#include "policy/request_validation.h"

namespace ctg::policy {

// R11: when and why an APPROVED request is EXPIRED.
struct Expiry {
  absl::Time time;     // the instant it took effect
  std::string reason;  // "the approval's end time passed (R11)" or
                       // "convention <id> ended (R11)"
};

// R11: the expiry of a request stored in state `stored`, whose approval ends
// at `approval_end` (exclusive; absl::InfiniteFuture() when open), under
// `convention`, at `now`; `zone` is the Caf's calendar (the convention's
// days are civil days there). Unset unless the request is APPROVED and its
// end time has passed or its convention has ended (EffectiveState). When
// both, the earlier of the two instants is given.
std::optional<Expiry> ExpiryOf(RequestState stored, absl::Time approval_end,
                               const ConventionTerms& convention,
                               absl::Time now, const absl::TimeZone& zone);

// R11: the state the request is really in at `now` (EXPIRED when ExpiryOf
// is set, else `stored`). Every reader of a request uses it.
RequestState EffectiveRequestState(RequestState stored, absl::Time approval_end,
                                   const ConventionTerms& convention,
                                   absl::Time now, const absl::TimeZone& zone);

// Blank optional text (empty or ASCII whitespace only) counts as missing:
// `given` unless it is blank, then `current` (what is kept: "" for a new
// request, the current version's text for an amendment).
std::string TextUnlessBlank(absl::string_view given, absl::string_view current);

// The two opinions of the étude on one version of a request (R1).
struct Opinions {
  std::optional<Opinion> opportunity;
  std::optional<Opinion> feasibility;
};

// Each opinion of `given` replaces the one of `recorded`.
Opinions MergeOpinions(const Opinions& given, const Opinions& recorded);

// A request as a DecideRequest finds it.
struct StudiedRequest {
  std::string id;       // e.g. "REQ-000042", named in messages
  std::string commune;  // its tenant
  RequestState state = RequestState::kSubmitted;  // EffectiveRequestState
  Scope requested;                                // the current version's scope
  Opinions recorded;  // the latest opinions on the current version
  // R1: who filed it and who studies it. Caf -> commune requests have no
  // catalogue scope (`requested` is empty): an approval cannot narrow one.
  Direction direction = Direction::kCommuneToCaf;
};

// R1: OK when `who` may give an opinion on `request` now: visible to the
// caller (else kNotFound, as CheckRequestVisible), a reviewer of the
// deciding party for the request's direction (else kPermissionDenied
// `role "<r>" may not give an opinion; only a reviewer may`), and a request
// that can still be decided, UNDER_STUDY or INFO_REQUESTED (else
// kFailedPrecondition).
absl::Status CheckMayGiveOpinion(const Identity& who,
                                 const StudiedRequest& request);

// DecideRequest without a decision (`input.decision` kUnspecified): the
// opinions to record. Checks, in order: CheckMayGiveOpinion; at least one
// opinion given; no scope, end time, quota nor reasons (those belong to a
// decision); the given opinions merged with the recorded ones pass
// ValidateOpinions. Returns the given opinions (with their reviewer), to
// be recorded on the current version.
// Errors: as the checks; kInvalidArgument naming "decision" for the second
// and third.
absl::StatusOr<Opinions> RecordOpinions(const Identity& who,
                                        const StudiedRequest& request,
                                        const DecisionInput& input,
                                        const DecisionOptions& options,
                                        const RequestLimits& limits);

// What an approval or a rejection changes.
struct DecisionPlan {
  RequestState to = RequestState::kRejected;  // APPROVED or REJECTED
  Opinions to_record;  // the opinions given with the decision
  std::optional<ApprovalTerms> approval;  // set for an approval
};

// DecideRequest with APPROVE or REJECT (`input` carries the opinions given
// now; the recorded ones complete them). Checks, in order: the transition
// (Transition: visibility, role, state); for an approval, the convention
// allows it on the Caf's day of `now` (R10, R11: CheckConventionActive);
// ValidateDecision with the merged opinions, the requested scope, and the
// convention's end (ConventionEndTime) bounding the approval's end time.
// A Caf -> commune request has no scope to narrow: `input.scope` set is
// kInvalidArgument naming "scope" (the catalogue and perimeter are then not
// consulted: pass empty ones).
absl::StatusOr<DecisionPlan> Decide(
    const Identity& who, const StudiedRequest& request,
    const DecisionInput& input, const ConventionTerms& convention,
    const CatalogueView& catalogue, const Perimeter& perimeter, absl::Time now,
    const absl::TimeZone& zone, const DecisionOptions& options,
    const RequestLimits& limits);

}  // namespace ctg::policy

#endif  // CTG_POLICY_WORKFLOW_H_
