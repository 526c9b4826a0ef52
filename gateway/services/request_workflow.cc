#include "gateway/services/request_workflow.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/services/audit_proto.h"
#include "policy/convention.h"
#include "policy/text.h"

namespace ctg::gateway {

using policy::RequestAction;
using policy::RequestState;

namespace {

std::string OpinionFact(const ctg::v1::StudyOpinion& o) {
  return absl::StrCat(ctg::v1::Opinion_Name(o.opinion()), ": ", o.reasoning());
}

std::string TimeText(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "no end";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// Records `from` -> `to` by the caller, now.
absl::Status AppendTransition(RequestHistory& history, const std::string& id,
                              RequestState from, RequestState to,
                              const Call& call, const std::string& reason) {
  return history.AppendTransition(
      id, {static_cast<int>(from), static_cast<int>(to),
           call.identity().spiffe_id, absl::ToUnixMicros(call.now()), reason});
}

// Records the opinions given, on the request's current version.
absl::Status AppendOpinions(RequestHistory& history, const LoadedRequest& r,
                            const policy::Opinions& opinions, absl::Time now) {
  const int64_t now_us = absl::ToUnixMicros(now);
  if (opinions.opportunity) {
    CTG_RETURN_IF_ERROR(history.AppendOpinion(
        r.id(), OpinionToRow(*opinions.opportunity, kOpportunity,
                             r.current_version, now_us)));
  }
  if (opinions.feasibility) {
    CTG_RETURN_IF_ERROR(history.AppendOpinion(
        r.id(), OpinionToRow(*opinions.feasibility, kFeasibility,
                             r.current_version, now_us)));
  }
  return absl::OkStatus();
}

// The transition `action` leads to from the request's effective state, for
// the caller, in the request's direction.
absl::StatusOr<RequestState> TransitionBy(const LoadedRequest& r,
                                          RequestAction action,
                                          const Call& call) {
  return policy::Transition(r.effective(), action, call.identity(), r.commune(),
                            r.id(), r.studied.direction);
}

}  // namespace

// ---------------------------------------------------------------------------
// The histories of the two directions.

namespace {

// The terms both directions keep: end (unset when none) and quota.
template <typename ApprovalRow>
ApprovalRow ApprovalRowOf(const policy::ApprovalTerms& terms, int64_t time_us) {
  ApprovalRow approval;
  if (terms.end_time != absl::InfiniteFuture()) {
    approval.end_time_us = absl::ToUnixMicros(terms.end_time);
  }
  approval.download_quota = terms.download_quota;
  approval.time_us = time_us;
  return approval;
}

}  // namespace

absl::Status InsertApprovalInto(store::RequestStore& requests,
                                const std::string& id,
                                const policy::ApprovalTerms& terms,
                                int64_t time_us) {
  store::ApprovalRow approval =
      ApprovalRowOf<store::ApprovalRow>(terms, time_us);
  approval.scope = ScopeToRow(terms.scope);
  return requests.InsertApproval(id, approval);
}

absl::Status InsertApprovalInto(store::CafRequestStore& requests,
                                const std::string& id,
                                const policy::ApprovalTerms& terms,
                                int64_t time_us) {
  return requests.InsertApproval(
      id, ApprovalRowOf<store::CafApprovalRow>(terms, time_us));
}

// ---------------------------------------------------------------------------
// Loading and checking.

absl::Status CheckRequestId(const std::string& id, absl::string_view field,
                            const RequestIdForm& form) {
  if (id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required (e.g. ", form.example, ")"));
  }
  if (!form.number_of(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", absl::CHexEscape(id.substr(0, 64)),
                     id.size() > 64 ? "...\"" : "\"", " is not ", form.noun,
                     " (e.g. ", form.example, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<store::ConventionRow> RequestConvention(
    store::ReadSession& session, const std::string& request_id,
    const std::string& convention_id) {
  absl::StatusOr<store::ConventionRow> row =
      session.conventions().Get(convention_id);
  if (absl::IsNotFound(row.status())) {
    return absl::DataLossError(absl::StrCat("request ", request_id,
                                            " names convention ", convention_id,
                                            ", which is not stored"));
  }
  return row;
}

absl::Status CheckConventionActiveNow(const store::ConventionRow& convention,
                                      absl::Time now) {
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  return policy::CheckConventionActive(terms, CafDay(now));
}

absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& t,
                                         absl::string_view field) {
  if (t.seconds() < -62135596800 || t.seconds() > 253402300799 ||
      t.nanos() < 0 || t.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not a valid timestamp"));
  }
  return absl::FromUnixMicros(TimestampMicros(t));
}

absl::Status AppendSubmitted(RequestHistory& history, const std::string& id,
                             const Call& call) {
  return history.AppendTransition(
      id,
      {0, static_cast<int>(RequestState::kSubmitted), call.identity().spiffe_id,
       absl::ToUnixMicros(call.now()), "submitted"});
}

void AddDecisionFacts(ctg::v1::DecideRequestRequest::Decision decision,
                      const ctg::v1::StudyOpinion* opportunity,
                      const ctg::v1::StudyOpinion* feasibility,
                      absl::string_view reasons, Call& call) {
  call.AddFact("decision",
               ctg::v1::DecideRequestRequest::Decision_Name(decision));
  if (opportunity != nullptr)
    call.AddFact("opportunity", OpinionFact(*opportunity));
  if (feasibility != nullptr)
    call.AddFact("feasibility", OpinionFact(*feasibility));
  if (!reasons.empty()) call.AddFact("reasons", reasons);
}

// ---------------------------------------------------------------------------
// The actions.

absl::Status RequestActions::TransitionWithReason(
    const LoadedRequest& r, RequestAction action, const std::string& reason,
    policy::Presence presence, Call& call, RequestHistory& history) const {
  call.AddFact("reason", reason);
  CTG_ASSIGN_OR_RETURN(RequestState to, TransitionBy(r, action, call));
  CTG_RETURN_IF_ERROR(policy::ValidateText("reason", reason,
                                           limits_.max_reason_chars, presence,
                                           policy::TextKind::kParagraph));
  return AppendTransition(history, r.id(), r.stored_state, to, call, reason);
}

absl::Status RequestActions::Withdraw(const LoadedRequest& r,
                                      const std::string& reason, Call& call,
                                      RequestHistory& history) const {
  return TransitionWithReason(r, RequestAction::kWithdraw, reason,
                              policy::Presence::kOptional, call, history);
}

absl::Status RequestActions::StartStudy(const LoadedRequest& r, Call& call,
                                        RequestHistory& history) const {
  CTG_ASSIGN_OR_RETURN(RequestState to,
                       TransitionBy(r, RequestAction::kStartStudy, call));
  return AppendTransition(history, r.id(), r.stored_state, to, call,
                          "study started");
}

absl::Status RequestActions::RequestInformation(
    const LoadedRequest& r, const std::vector<std::string>& questions,
    Call& call, RequestHistory& history) const {
  const std::string text = absl::StrJoin(questions, "\n");
  call.AddFact("questions", text);
  CTG_ASSIGN_OR_RETURN(
      RequestState to,
      TransitionBy(r, RequestAction::kRequestInformation, call));
  CTG_RETURN_IF_ERROR(policy::ValidateQuestions(questions, limits_));
  CTG_RETURN_IF_ERROR(history
                          .AppendQuestions(r.id(), questions,
                                           call.identity().spiffe_id,
                                           absl::ToUnixMicros(call.now()))
                          .status());
  return AppendTransition(history, r.id(), r.stored_state, to, call, text);
}

absl::Status RequestActions::Revoke(const LoadedRequest& r,
                                    const std::string& reason, Call& call,
                                    RequestHistory& history) const {
  return TransitionWithReason(r, RequestAction::kRevoke, reason,
                              policy::Presence::kRequired, call, history);
}

absl::Status RequestActions::Amend(
    const LoadedRequest& r, const std::string& answer,
    absl::FunctionRef<absl::StatusOr<int>()> append_version, Call& call,
    RequestHistory& history) const {
  CTG_ASSIGN_OR_RETURN(RequestState to,
                       TransitionBy(r, RequestAction::kAmend, call));
  CTG_RETURN_IF_ERROR(CheckConventionActiveNow(r.convention, call.now()));
  CTG_ASSIGN_OR_RETURN(int number, append_version());
  call.AddFact("version", absl::StrCat(number));
  return AppendTransition(history, r.id(), r.stored_state, to, call,
                          absl::StrCat("version ", number, ": ", answer));
}

absl::Status RequestActions::Decide(
    const LoadedRequest& r, const policy::DecisionInput& input,
    absl::FunctionRef<absl::StatusOr<ScopeContext>()> load_scope, Call& call,
    RequestHistory& history) const {
  if (input.decision == policy::Decision::kUnspecified) {
    return RecordOpinions(r, input, call, history);
  }
  return DecideOutcome(r, input, load_scope, call, history);
}

// Without a decision: the opinion(s) given, on a request that can still be
// decided.
absl::Status RequestActions::RecordOpinions(const LoadedRequest& r,
                                            const policy::DecisionInput& input,
                                            Call& call,
                                            RequestHistory& history) const {
  CTG_ASSIGN_OR_RETURN(policy::Opinions given,
                       policy::RecordOpinions(call.identity(), r.studied, input,
                                              options_, limits_));
  return AppendOpinions(history, r, given, call.now());
}

// APPROVE or REJECT.
absl::Status RequestActions::DecideOutcome(
    const LoadedRequest& r, const policy::DecisionInput& input,
    absl::FunctionRef<absl::StatusOr<ScopeContext>()> load_scope, Call& call,
    RequestHistory& history) const {
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(r.convention));
  CTG_ASSIGN_OR_RETURN(ScopeContext scope, load_scope());
  CTG_ASSIGN_OR_RETURN(
      policy::DecisionPlan plan,
      policy::Decide(call.identity(), r.studied, input, terms, scope.catalogue,
                     scope.perimeter, call.now(), CafTimeZone(), options_,
                     limits_));
  CTG_RETURN_IF_ERROR(AppendOpinions(history, r, plan.to_record, call.now()));
  std::string reason = input.reasons;
  if (plan.approval) {
    const policy::ApprovalTerms& approval = *plan.approval;
    CTG_RETURN_IF_ERROR(history.InsertApproval(r.id(), approval,
                                               absl::ToUnixMicros(call.now())));
    reason = absl::StrCat("approved until ", TimeText(approval.end_time), ", ",
                          approval.download_quota, " download(s)");
    call.AddFact("end_time", TimeText(approval.end_time));
    call.AddFact("download_quota", absl::StrCat(approval.download_quota));
  }
  return AppendTransition(history, r.id(), r.stored_state, plan.to, call,
                          reason);
}

}  // namespace ctg::gateway
