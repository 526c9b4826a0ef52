// The étude's actions on an existing request, shared by both directions of
// Article 7 (R1): the commune's requests to the Caf (DataRequests) and the
// Caf's requests to a commune (CafRequests). The policy is one state
// machine with the direction as data (policy/request_state.h,
// policy/workflow.h); this is the one service core above it: each action
// checks the transition, validates the caller's text, appends to the
// request's history and records the call's facts. The two services are
// adapters: they load the request of their own store, turn their messages
// into the plain arguments taken here, and answer with their own message.
//
// What differs by direction is data: the LoadedRequest (its
// policy::StudiedRequest carries the direction and, commune -> Caf only,
// the requested scope) and the RequestHistory the actions write to.
//
// Thread-safe as its arguments are: no state of its own.
#ifndef CTG_GATEWAY_SERVICES_REQUEST_WORKFLOW_H_
#define CTG_GATEWAY_SERVICES_REQUEST_WORKFLOW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/data_requests.pb.h"
#include "gateway/dispatcher.h"
#include "gateway/scope_context.h"
#include "gateway/services/request_proto.h"
#include "policy/request_state.h"
#include "policy/request_validation.h"
#include "policy/text.h"
#include "policy/workflow.h"
#include "store/caf_request_store.h"
#include "store/convention_store.h"
#include "store/request_store.h"

namespace ctg::gateway {

// The history of the requests of one direction, as the shared actions
// append to it. Implemented over each direction's store (below); valid
// while the write session that handed out the store is. Not thread-safe.
class RequestHistory {
 public:
  virtual ~RequestHistory() = default;

  // Errors: as the store's AppendTransition (kAborted when `transition`
  // does not start from the request's current state).
  virtual absl::Status AppendTransition(
      const std::string& id, const store::TransitionRow& transition) = 0;
  // Returns the round's number. Errors: as the store's AppendQuestions.
  virtual absl::StatusOr<int> AppendQuestions(
      const std::string& id, const std::vector<std::string>& questions,
      const std::string& author, int64_t time_us) = 0;
  // Errors: as the store's AppendOpinion.
  virtual absl::Status AppendOpinion(const std::string& id,
                                     const store::OpinionRow& opinion) = 0;
  // Records the approval's terms; a direction without a catalogue scope
  // keeps none. Errors: as the store's InsertApproval.
  virtual absl::Status InsertApproval(const std::string& id,
                                      const policy::ApprovalTerms& terms,
                                      int64_t time_us) = 0;
};

// Records the approval's terms in each direction's store: the commune's
// requests keep the approved scope, the Caf's have none. Errors: as the
// store's InsertApproval.
absl::Status InsertApprovalInto(store::RequestStore& requests,
                                const std::string& id,
                                const policy::ApprovalTerms& terms,
                                int64_t time_us);
absl::Status InsertApprovalInto(store::CafRequestStore& requests,
                                const std::string& id,
                                const policy::ApprovalTerms& terms,
                                int64_t time_us);

// The history of the requests kept by `Store`: store::RequestStore (the
// commune's requests) or store::CafRequestStore (the Caf's). Their rows
// have the same fields under their own types: rows are built field by
// field.
template <typename Store>
class StoreRequestHistory final : public RequestHistory {
 public:
  // `requests` must outlive this object.
  explicit StoreRequestHistory(Store& requests) : requests_(requests) {}

  absl::Status AppendTransition(const std::string& id,
                                const store::TransitionRow& t) override {
    return requests_.AppendTransition(
        id, {t.from_state, t.to_state, t.actor, t.time_us, t.reason});
  }
  absl::StatusOr<int> AppendQuestions(const std::string& id,
                                      const std::vector<std::string>& questions,
                                      const std::string& author,
                                      int64_t time_us) override {
    return requests_.AppendQuestions(id, questions, author, time_us);
  }
  absl::Status AppendOpinion(const std::string& id,
                             const store::OpinionRow& o) override {
    return requests_.AppendOpinion(
        id, {o.aspect, o.value, o.reasoning, o.reviewer, o.version, o.time_us});
  }
  absl::Status InsertApproval(const std::string& id,
                              const policy::ApprovalTerms& terms,
                              int64_t time_us) override {
    return InsertApprovalInto(requests_, id, terms, time_us);
  }

 private:
  Store& requests_;
};
using CommuneRequestHistory = StoreRequestHistory<store::RequestStore>;
using CafRequestHistory = StoreRequestHistory<store::CafRequestStore>;

// A request as a write finds it, whatever its direction.
struct LoadedRequest {
  // Id, commune, effective state (R11), requested scope, recorded opinions
  // and direction: what the workflow's decisions take.
  policy::StudiedRequest studied;
  policy::RequestState stored_state = policy::RequestState::kSubmitted;
  int current_version = 0;
  store::ConventionRow convention;

  const std::string& id() const { return studied.id; }
  const std::string& commune() const { return studied.commune; }
  policy::RequestState effective() const { return studied.state; }
};

// The frame of a write on an existing request of either direction, in
// the dispatcher's write transaction: names request `id` (of kind
// `target_kind`, e.g. "request") as the call's target, `load`s it (the
// service's rows and their LoadedRequest `request`, visible to the
// caller), records its effective state as the fact "state", runs `act`,
// then `respond`s with the request as written. Errors: those of the three
// steps (the dispatcher undoes the writes of a failed call).
template <typename Loaded>
grpc::Status WriteOnRequest(
    Dispatcher& dispatcher, grpc::ServerContext* context,
    absl::string_view method, absl::string_view target_kind,
    const std::string& id,
    absl::FunctionRef<absl::StatusOr<Loaded>(store::WriteSession&, const Call&)>
        load,
    absl::FunctionRef<absl::Status(const Loaded&, Call&, store::WriteSession&)>
        act,
    absl::FunctionRef<absl::Status(store::ReadSession&, absl::Time now)>
        respond) {
  return dispatcher.Write(
      context, method,
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        call.SetTarget(target_kind, id);
        call.SetRequestId(id);
        absl::StatusOr<Loaded> r = load(tx, call);
        if (!r.ok()) return r.status();
        call.AddFact("state", policy::RequestStateName(r->request.effective()));
        if (absl::Status done = act(*r, call, tx); !done.ok()) return done;
        return respond(tx, call.now());
      });
}

// How the ids of one direction's requests look.
struct RequestIdForm {
  absl::string_view noun;     // "a request id" in "... is not a request id"
  absl::string_view example;  // "REQ-000042"
  std::optional<int64_t> (*number_of)(const std::string& id);
};

// The form of an id, checked before it reaches the store or a message;
// `field` is named in the error. Errors: kInvalidArgument, `<field>:
// required (e.g. <example>)` or `<field>: "<id>" is not <noun> (e.g.
// <example>)` (the id escaped, cut at 64 bytes).
absl::Status CheckRequestId(const std::string& id, absl::string_view field,
                            const RequestIdForm& form);

// The convention a request names. Errors: kDataLoss when it is not stored.
absl::StatusOr<store::ConventionRow> RequestConvention(
    store::ReadSession& session, const std::string& request_id,
    const std::string& convention_id);

// R10, R11: the convention must allow filings, amendments and approvals
// today (Caf calendar). Errors: as policy::CheckConventionActive.
absl::Status CheckConventionActiveNow(const store::ConventionRow& convention,
                                      absl::Time now);

// A google.protobuf.Timestamp within its documented range (years
// 1-9999). Errors: kInvalidArgument `<field>: not a valid timestamp`.
absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& t,
                                         absl::string_view field);

// The declaration of a new request `id` to or of `commune` under
// `convention_id`, filed by the caller now: the fields both directions'
// rows (store::RequestRow, store::CafRequestRow) and submissions
// (policy::Submission, policy::CafSubmission) share. The recipients are
// the caller's to fill.
template <typename Row, typename Submission>
Row DeclarationRow(const std::string& id, const std::string& commune,
                   const std::string& convention_id,
                   const Submission& submission, const Call& call) {
  Row row;
  row.id = id;
  row.commune = commune;
  row.convention_id = convention_id;
  row.purpose = submission.purpose;
  row.objective = submission.objective;
  row.requester = call.identity().spiffe_id;
  row.retention_months = submission.retention_months;
  row.create_time_us = absl::ToUnixMicros(call.now());
  return row;
}

// The submission's first transition, 0 -> SUBMITTED, by the caller now.
absl::Status AppendSubmitted(RequestHistory& history, const std::string& id,
                             const Call& call);

// The facts of a DecideRequest or DecideCafRequest (R1: the decision and
// the opinions that ground it).
void AddDecisionFacts(ctg::v1::DecideRequestRequest::Decision decision,
                      const ctg::v1::StudyOpinion* opportunity,
                      const ctg::v1::StudyOpinion* feasibility,
                      absl::string_view reasons, Call& call);

// The parts of a decide message both directions share, as plain data; the
// opinions given now are the caller's (whatever reviewer the client
// wrote). The end time is left to the adapter.
template <typename DecideMessage>
policy::DecisionInput DecisionInputFrom(const DecideMessage& request,
                                        const std::string& reviewer);

// The actions of the étude on a loaded request. Each checks the transition
// (policy::Transition for the request's direction: visibility, role,
// state) first, then the caller's input, then appends to `history`; a
// refusal appends nothing. Thread-safe (immutable).
class RequestActions {
 public:
  RequestActions(const policy::RequestLimits& limits, bool four_eyes)
      : limits_(limits), options_{four_eyes} {}

  // Withdraw, with an optional reason. Errors: as the transition;
  // kInvalidArgument naming "reason".
  absl::Status Withdraw(const LoadedRequest& r, const std::string& reason,
                        Call& call, RequestHistory& history) const;
  // Start the study. Errors: as the transition.
  absl::Status StartStudy(const LoadedRequest& r, Call& call,
                          RequestHistory& history) const;
  // One round of questions. Errors: as the transition; kInvalidArgument
  // naming "questions".
  absl::Status RequestInformation(const LoadedRequest& r,
                                  const std::vector<std::string>& questions,
                                  Call& call, RequestHistory& history) const;
  // Revoke an approval, with a required reason. Errors: as the transition;
  // kInvalidArgument naming "reason".
  absl::Status Revoke(const LoadedRequest& r, const std::string& reason,
                      Call& call, RequestHistory& history) const;
  // Answer the questions with a new version: checks the transition and the
  // convention (CheckConventionActiveNow), then `append_version` validates
  // the amendment and appends the version, returning its number; then the
  // transition records `answer`. Errors: as those steps.
  absl::Status Amend(const LoadedRequest& r, const std::string& answer,
                     absl::FunctionRef<absl::StatusOr<int>()> append_version,
                     Call& call, RequestHistory& history) const;
  // DecideRequest: without a decision, records the opinions given
  // (policy::RecordOpinions); with one, approves or rejects
  // (policy::Decide), recording the opinions given with it and the
  // approval's terms. `load_scope` gives the catalogue and perimeter a
  // narrower approval scope is checked against (called for a decision
  // only). Errors: as those policy functions and the store.
  absl::Status Decide(
      const LoadedRequest& r, const policy::DecisionInput& input,
      absl::FunctionRef<absl::StatusOr<ScopeContext>()> load_scope, Call& call,
      RequestHistory& history) const;

 private:
  absl::Status TransitionWithReason(const LoadedRequest& r,
                                    policy::RequestAction action,
                                    const std::string& reason,
                                    policy::Presence presence, Call& call,
                                    RequestHistory& history) const;
  absl::Status RecordOpinions(const LoadedRequest& r,
                              const policy::DecisionInput& input, Call& call,
                              RequestHistory& history) const;
  absl::Status DecideOutcome(
      const LoadedRequest& r, const policy::DecisionInput& input,
      absl::FunctionRef<absl::StatusOr<ScopeContext>()> load_scope, Call& call,
      RequestHistory& history) const;

  const policy::RequestLimits limits_;
  const policy::DecisionOptions options_;
};

// ---------------------------------------------------------------------------
// Implementation details.

template <typename DecideMessage>
policy::DecisionInput DecisionInputFrom(const DecideMessage& request,
                                        const std::string& reviewer) {
  policy::DecisionInput input;
  input.decision = static_cast<policy::Decision>(request.decision());
  if (request.has_opportunity()) {
    input.opportunity = OpinionFromProto(request.opportunity(), reviewer);
  }
  if (request.has_feasibility()) {
    input.feasibility = OpinionFromProto(request.feasibility(), reviewer);
  }
  input.download_quota = request.download_quota();
  input.reasons = request.reasons();
  return input;
}

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_REQUEST_WORKFLOW_H_
