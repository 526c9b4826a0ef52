// Conversions for the DataRequests service between the ctg.v1 messages, the
// plain structs of policy/request_validation.h and the rows of
// store/request_store.h, and the request's effective state (R11), which
// every reader of a request (requests, extracts) must use rather than the
// stored one.
//
// Pure functions of their arguments; thread-safe.
#ifndef CTG_GATEWAY_SERVICES_REQUEST_PROTO_H_
#define CTG_GATEWAY_SERVICES_REQUEST_PROTO_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/data_requests.pb.h"
#include "gateway/config.h"
#include "gateway/services/request_message_parts.h"
#include "policy/request_state.h"
#include "policy/request_validation.h"
#include "policy/workflow.h"
#include "store/convention_store.h"
#include "store/release_ledger.h"
#include "store/request_store.h"

namespace ctg::gateway {

// The limits applied to requests: policy::RequestLimits' defaults, lists
// capped at `limits.max_list_items` and free texts at
// `limits.max_text_chars` (the smaller value wins).
policy::RequestLimits RequestLimitsFrom(const LimitsConfig& limits);

// Scopes.
policy::Scope ScopeFromProto(const ctg::v1::Scope& in);
policy::Scope ScopeFromRow(const store::ScopeRow& in);
store::ScopeRow ScopeToRow(const policy::Scope& in);
void ScopeRowToProto(const store::ScopeRow& in, ctg::v1::Scope* out);

// What SubmitRequest declares, unvalidated.
policy::Submission SubmissionFromProto(const ctg::v1::SubmitRequestRequest& in);
// What AmendRequest gives, unvalidated (`scope` set only when the message
// has one).
policy::Amendment AmendmentFromProto(const ctg::v1::AmendRequestRequest& in);
std::vector<store::RecipientRow> RecipientsToRows(
    const std::vector<policy::Recipient>& in);

// An opinion given in a DecideRequest, by `reviewer` (the caller: whatever
// reviewer the client wrote is ignored).
policy::Opinion OpinionFromProto(const ctg::v1::StudyOpinion& in,
                                 const std::string& reviewer);
store::OpinionRow OpinionToRow(const policy::Opinion& in, int aspect,
                               int version, int64_t time_us);

// The latest opinions on the request's current version.
policy::Opinions CurrentOpinions(const store::StoredRequest& request);

// The instant convention `row` stops applying (policy::ConventionEndTime in
// the Caf's time zone, Europe/Paris). Errors: kDataLoss for unreadable
// stored dates.
absl::StatusOr<absl::Time> ConventionEndTime(const store::ConventionRow& row);

// A request's state as stored. Errors: kDataLoss for a number that is not
// a state (only corrupted storage has one).
absl::StatusOr<policy::RequestState> StoredState(const store::RequestRow& row);

// When and why an APPROVED request is in fact EXPIRED at `now`
// (policy::ExpiryOf with the Caf's calendar). Unset when the request is not
// expired. Errors: as StoredState and TermsOf.
absl::StatusOr<std::optional<policy::Expiry>> ExpiryOf(
    const store::StoredRequest& request, const store::ConventionRow& convention,
    absl::Time now);

// The state the request is really in at `now` (R11: EXPIRED when ExpiryOf
// is set, else the stored state).
// Errors: as StoredState and ConventionEndTime.
absl::StatusOr<policy::RequestState> EffectiveRequestState(
    const store::StoredRequest& request, const store::ConventionRow& convention,
    absl::Time now);

// The message for a stored request at `now`: its effective state, current
// version, current opinions, approval (with the downloads of `releases`,
// its entries in the release ledger), and the whole history. An expiry
// follows from time and is not stored: it is shown as a last transition
// APPROVED -> EXPIRED by "gateway" at the instant it took effect.
absl::Status RequestToProto(const store::StoredRequest& request,
                            const std::vector<store::LedgerRow>& releases,
                            const store::ConventionRow& convention,
                            absl::Time now, ctg::v1::DataRequest* out);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_REQUEST_PROTO_H_
