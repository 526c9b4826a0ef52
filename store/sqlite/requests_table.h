// Data requests (the étude d'opportunité, rules R1-R3, R11, R13) as stored:
// the declaration, and its history: every version of the amendable part,
// every state transition, every question, every opinion and the approval's
// terms. The extracts delivered under an
// approval are in the release ledger (store/sqlite/releases_table.h).
//
// Nothing is edited in place. Triggers of the schema (migration 3):
//   - refuse UPDATE and DELETE on versions, transitions, questions,
//     opinions, recipients and approvals (append-only);
//   - refuse any change to a request's declaration (purpose, objective,
//     commune, convention, requester, recipients, retention: R2) and the
//     deletion of a request;
//   - chain transitions: each one starts from the state the previous one
//     ended in (0 for the first), and the request's `state` column is set
//     from it, never written directly;
//   - number versions 1, 2, 3... without gaps.
// A refusal by a trigger is kAborted (store/sqlite/sqlite.h).
//
// Rows are plain data: states, recipient kinds, opinions and aspects are
// the numbers of the ctg.v1 enums (RequestState, Recipient.Kind, Opinion,
// RecordedOpinion.Aspect); the rules (policy/request_state.h,
// policy/request_validation.h) decide what they allow. Times are Unix
// microseconds. Functions take the Connection of a transaction (writes) or
// of a read; they are not thread-safe beyond the Connection's own rules.
#ifndef CTG_STORE_SQLITE_REQUESTS_TABLE_H_
#define CTG_STORE_SQLITE_REQUESTS_TABLE_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/request_store.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {

// Migration 3 of store/sqlite/schema.cc.
extern const char kRequestsSchema[];

// The id the next inserted request should take (one more than the highest
// number so far). Call in the transaction that inserts it.
absl::StatusOr<std::string> NextRequestId(Connection& conn);

// Inserts the declaration and its recipients, in state 0 (no state yet):
// the caller then appends version 1 and the submission transition
// (0 -> SUBMITTED) in the same transaction. `row.state` and
// `row.update_time_us` are ignored.
// Errors: kInvalidArgument when `row.id` is not a request id; kAborted when
// the id exists.
absl::Status InsertRequest(Connection& conn, const RequestRow& row);

// Appends the next version (numbered 1, 2, ...) and returns its number.
// Errors: kNotFound for an unknown request; kInvalidArgument for a code
// with whitespace.
absl::StatusOr<int> AppendVersion(Connection& conn,
                                  const std::string& request_id,
                                  const VersionRow& version);

// Appends a transition and moves the request's state to `to_state`.
// Errors: kNotFound for an unknown request; kAborted when `from_state` is
// not the request's current state (the trigger refuses it).
absl::Status AppendTransition(Connection& conn, const std::string& request_id,
                              const TransitionRow& transition);

// Appends one round of questions (numbered 1, 2, ...) and returns its
// number. Errors: kNotFound for an unknown request.
absl::StatusOr<int> AppendQuestions(Connection& conn,
                                    const std::string& request_id,
                                    const std::vector<std::string>& questions,
                                    const std::string& author, int64_t time_us);

// Appends an opinion. Errors: kNotFound for an unknown request;
// kInvalidArgument for an aspect other than 1 or 2.
absl::Status AppendOpinion(Connection& conn, const std::string& request_id,
                           const OpinionRow& opinion);

// Records the approval's terms (once per request). Errors: kNotFound for an
// unknown request; kAborted when the request already has an approval.
absl::Status InsertApproval(Connection& conn, const std::string& request_id,
                            const ApprovalRow& approval);

// The request with its history. Errors: kNotFound, `request <id> not
// found` (the message policy::RequestNotFound gives, so that a service may
// return it as is).
absl::StatusOr<StoredRequest> GetRequest(Connection& conn,
                                         const std::string& id);

// Requests matching `filter`, newest (highest number) first, at most
// `limit`, each with its history.
absl::StatusOr<std::vector<StoredRequest>> ListRequests(
    Connection& conn, const RequestFilter& filter, int limit);

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_REQUESTS_TABLE_H_
