// Data requests (the étude d'opportunité, rules R1-R3, R11, R13) as the
// store keeps them: the declaration, and its history (every version of the
// amendable part, every state transition, every round of questions, every
// opinion, the approval's terms). The extracts delivered under an approval
// are in the release ledger (store/release_ledger.h).
//
// Append-only: nothing is edited in place. A backend refuses, with
// kAborted, any change to a request's declaration (purpose, objective,
// commune, convention, requester, recipients, retention: R2), the deletion
// of a request, any change or deletion of a version, transition, question,
// opinion or approval; it keeps transitions chained (each starts from the
// state the previous one ended in, 0 for the first, and the request's state
// is the last one's `to_state`, never written otherwise) and numbers
// versions and question rounds 1, 2, 3... without gaps.
//
// Rows are plain data: states, recipient kinds, opinions and aspects are
// the numbers of the ctg.v1 enums (RequestState, Recipient.Kind, Opinion,
// RecordedOpinion.Aspect); the rules (policy/request_state.h,
// policy/workflow.h) decide what they allow. Times are Unix microseconds.
//
// A RequestStore is handed out by a session (store/session.h) and valid
// only during it; const members only read. Not thread-safe: one thread at
// a time, that of its session.
#ifndef CTG_STORE_REQUEST_STORE_H_
#define CTG_STORE_REQUEST_STORE_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctg::store {

// What a request asks for or an approval releases. Codes must be non-empty
// and contain no whitespace (they are validated codes; the store refuses
// others with kInvalidArgument).
struct ScopeRow {
  std::vector<std::string> indicators;
  std::vector<std::string> territories;
  std::vector<std::string> periods;
  std::vector<std::string> breakdowns;
};

struct RecipientRow {
  int kind = 0;  // ctg.v1.Recipient.Kind
  std::string name;
  std::string operator_person;
};

// The declaration, immutable once inserted, and the current state.
struct RequestRow {
  std::string id;  // "REQ-000042" (RequestIdOf(42))
  std::string commune;
  std::string convention_id;
  std::string purpose;
  std::string objective;
  std::string requester;  // SPIFFE ID of the person who filed it
  int retention_months = 0;
  std::vector<RecipientRow> recipients;
  int64_t create_time_us = 0;
  // Read only: set by the last transition (the stored state; the effective
  // one also depends on time, policy::EffectiveState).
  int state = 0;
  int64_t update_time_us = 0;
};

// One version of the amendable part. Version 1 is the submission.
struct VersionRow {
  int version = 0;  // read only: numbered by AppendVersion
  ScopeRow scope;
  std::string justification;
  std::string answer;  // the answer to the questions that led to it
  std::string author;
  int64_t time_us = 0;
};

struct TransitionRow {
  int from_state = 0;  // 0 for the submission
  int to_state = 0;
  std::string actor;  // SPIFFE ID
  int64_t time_us = 0;
  std::string reason;
};

struct QuestionRow {
  int round = 0;  // read only: 1 for the first RequestInformation, ...
  std::string text;
  std::string author;
  int64_t time_us = 0;
};

struct OpinionRow {
  int aspect = 0;  // 1 opportunity, 2 feasibility
  int value = 0;   // ctg.v1.Opinion
  std::string reasoning;
  std::string reviewer;  // SPIFFE ID
  int version = 0;       // the request version it was given on
  int64_t time_us = 0;
};

struct ApprovalRow {
  ScopeRow scope;
  std::optional<int64_t> end_time_us;  // unset: no end (open convention)
  int download_quota = 1;
  int64_t time_us = 0;
};

// A request with its whole history, each list in recording order.
struct StoredRequest {
  RequestRow request;
  std::vector<VersionRow> versions;
  std::vector<TransitionRow> transitions;
  std::vector<QuestionRow> questions;
  std::vector<OpinionRow> opinions;
  std::optional<ApprovalRow> approval;
};

struct RequestFilter {
  std::string commune;   // "" for every commune
  std::set<int> states;  // stored states; empty for any
  // Only requests numbered below this (paging, newest first); 0: no bound.
  int64_t before_number = 0;
  // Only requests numbered above this (paging, oldest first); 0: no bound.
  int64_t after_number = 0;
  // List oldest (lowest number) first instead of newest first.
  bool oldest_first = false;
};

// "REQ-000042" for 42 (at least six digits).
std::string RequestIdOf(int64_t number);
// 42 for "REQ-000042"; nullopt for anything that is not such an id.
std::optional<int64_t> RequestNumberOf(const std::string& id);

class RequestStore {
 public:
  virtual ~RequestStore() = default;

  // The id the next inserted request should take: RequestIdOf(one more than
  // the highest number so far). Call in the write session that inserts it.
  virtual absl::StatusOr<std::string> NextId() const = 0;

  // Inserts the declaration and its recipients, with no state yet: the
  // caller then appends version 1 and the submission transition
  // (0 -> SUBMITTED) in the same write session. `row.state` and
  // `row.update_time_us` are ignored.
  // Errors: kInvalidArgument when `row.id` is not a request id; kAborted
  // when the id exists.
  virtual absl::Status Insert(const RequestRow& row) = 0;

  // Appends the next version (numbered 1, 2, ...) and returns its number.
  // Errors: kNotFound for an unknown request; kInvalidArgument for a code
  // with whitespace.
  virtual absl::StatusOr<int> AppendVersion(const std::string& request_id,
                                            const VersionRow& version) = 0;

  // Appends a transition and moves the request's state to `to_state`.
  // Errors: kNotFound for an unknown request; kAborted when `from_state` is
  // not the request's current state.
  virtual absl::Status AppendTransition(const std::string& request_id,
                                        const TransitionRow& transition) = 0;

  // Appends one round of questions (numbered 1, 2, ...) and returns its
  // number. Errors: kNotFound for an unknown request.
  virtual absl::StatusOr<int> AppendQuestions(
      const std::string& request_id, const std::vector<std::string>& questions,
      const std::string& author, int64_t time_us) = 0;

  // Appends an opinion. Errors: kNotFound for an unknown request;
  // kInvalidArgument for an aspect other than 1 or 2.
  virtual absl::Status AppendOpinion(const std::string& request_id,
                                     const OpinionRow& opinion) = 0;

  // Records the approval's terms (once per request). Errors: kNotFound for
  // an unknown request; kAborted when the request already has an approval.
  virtual absl::Status InsertApproval(const std::string& request_id,
                                      const ApprovalRow& approval) = 0;

  // The request with its history, each list in recording order. Errors:
  // kNotFound, `request <id> not found` (the message policy::RequestNotFound
  // gives, so that a service may return it as is).
  virtual absl::StatusOr<StoredRequest> Get(const std::string& id) const = 0;

  // Requests matching `filter`, newest (highest number) first, or oldest
  // first with `filter.oldest_first`, at most `limit`, each with its
  // history.
  virtual absl::StatusOr<std::vector<StoredRequest>> List(
      const RequestFilter& filter, int limit) const = 0;
};

}  // namespace ctg::store

#endif  // CTG_STORE_REQUEST_STORE_H_
