#include "gateway/services/data_requests_service.h"

#include <map>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/scope_context.h"
#include "gateway/services/audit_proto.h"
#include "gateway/services/extract_builder.h"
#include "gateway/services/feasibility_preview.h"
#include "gateway/services/paging.h"
#include "policy/convention.h"
#include "policy/request_state.h"
#include "policy/text.h"
#include "policy/workflow.h"
#include "store/release_ledger.h"
#include "store/request_store.h"

namespace ctg::gateway {

using policy::RequestAction;
using policy::RequestState;

// A request as a write finds it.
struct DataRequestsService::Loaded {
  store::StoredRequest stored;
  store::ConventionRow convention;
  RequestState stored_state = RequestState::kSubmitted;
  RequestState effective =
      RequestState::kSubmitted;  // R11: what rules apply to

  const std::string& id() const { return stored.request.id; }
  const std::string& commune() const { return stored.request.commune; }
  const store::VersionRow& current() const { return stored.versions.back(); }
};

namespace {

constexpr char kGet[] = "/ctg.v1.DataRequests/GetRequest";
constexpr char kList[] = "/ctg.v1.DataRequests/ListRequests";

// The form of an id, checked before it reaches the store or a message.
absl::Status CheckId(const std::string& id) {
  if (id.empty())
    return absl::InvalidArgumentError("id: required (e.g. REQ-000042)");
  if (!store::RequestNumberOf(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("id: \"", absl::CHexEscape(id.substr(0, 64)),
                     id.size() > 64 ? "...\"" : "\"",
                     " is not a request id (e.g. REQ-000042)"));
  }
  return absl::OkStatus();
}

// True if `caller` may see `stored`: its commune's (or, for the Caf, any)
// request; an operator only those declaring it as a recipient (R3).
bool Visible(const policy::Identity& caller,
             const store::StoredRequest& stored) {
  return policy::MayReadRequest(caller, stored.request.commune,
                                stored.request.id, DeclaredOperators(stored));
}

// The request `id` if `caller` may see it. Another commune's request, or
// one not declaring the calling operator, is NOT_FOUND with the message of
// a missing one.
absl::StatusOr<store::StoredRequest> LoadVisible(
    store::ReadSession& session, const std::string& id,
    const policy::Identity& caller) {
  CTG_RETURN_IF_ERROR(CheckId(id));
  absl::StatusOr<store::StoredRequest> stored = session.requests().Get(id);
  if (absl::IsNotFound(stored.status())) return policy::RequestNotFound(id);
  if (!stored.ok()) return stored.status();
  if (!Visible(caller, *stored)) return policy::RequestNotFound(id);
  if (stored->versions.empty()) {
    return absl::DataLossError(absl::StrCat("request ", id, " has no version"));
  }
  return stored;
}

absl::StatusOr<store::ConventionRow> ConventionOf(
    store::ReadSession& session, const store::RequestRow& request) {
  absl::StatusOr<store::ConventionRow> row =
      session.conventions().Get(request.convention_id);
  if (absl::IsNotFound(row.status())) {
    return absl::DataLossError(
        absl::StrCat("request ", request.id, " names convention ",
                     request.convention_id, ", which is not stored"));
  }
  return row;
}

// The message for `stored`, with its convention and releases.
absl::Status ToProto(store::ReadSession& session,
                     const store::StoredRequest& stored, absl::Time now,
                     ctg::v1::DataRequest* out,
                     const store::ConventionRow* convention = nullptr) {
  std::optional<store::ConventionRow> loaded;
  if (convention == nullptr) {
    CTG_ASSIGN_OR_RETURN(loaded, ConventionOf(session, stored.request));
    convention = &*loaded;
  }
  CTG_ASSIGN_OR_RETURN(std::vector<store::LedgerRow> releases,
                       session.releases().List(stored.request.id));
  out->Clear();
  return RequestToProto(stored, releases, *convention, now, out);
}

absl::Status Respond(store::ReadSession& session, const std::string& id,
                     absl::Time now, ctg::v1::DataRequest* response) {
  CTG_ASSIGN_OR_RETURN(store::StoredRequest stored, session.requests().Get(id));
  return ToProto(session, stored, now, response);
}

// R10, R11: the convention must allow new filings (and amendments and
// approvals) today.
absl::Status CheckActive(const store::ConventionRow& convention,
                         absl::Time now) {
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  return policy::CheckConventionActive(terms, CafDay(now));
}

std::string ScopeSummary(const ctg::v1::Scope& scope) {
  return absl::StrCat("indicators=", absl::StrJoin(scope.indicators(), ","),
                      " territories=", absl::StrJoin(scope.territories(), ","),
                      " periods=", absl::StrJoin(scope.periods(), ","),
                      " breakdowns=", absl::StrJoin(scope.breakdowns(), ","));
}

std::string OpinionFact(const ctg::v1::StudyOpinion& o) {
  return absl::StrCat(ctg::v1::Opinion_Name(o.opinion()), ": ", o.reasoning());
}

std::string TimeText(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "no end";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// A google.protobuf.Timestamp within its documented range (years 1-9999).
absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& t,
                                         absl::string_view field) {
  if (t.seconds() < -62135596800 || t.seconds() > 253402300799 ||
      t.nanos() < 0 || t.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not a valid timestamp"));
  }
  return absl::FromUnixMicros(TimestampMicros(t));
}

// Records `from` -> `to` by the caller, now.
absl::Status AppendTransition(store::WriteSession& tx, const std::string& id,
                              RequestState from, RequestState to,
                              const Call& call, const std::string& reason) {
  return tx.requests().AppendTransition(
      id, {static_cast<int>(from), static_cast<int>(to),
           call.identity().spiffe_id, absl::ToUnixMicros(call.now()), reason});
}

}  // namespace

grpc::Status DataRequestsService::Act(
    grpc::ServerContext* context, absl::string_view method,
    const std::string& id,
    absl::FunctionRef<absl::Status(Loaded&, Call&, store::WriteSession&)> act,
    ctg::v1::DataRequest* response) {
  return dispatcher_->Write(
      context, method,
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        call.SetTarget("request", id);
        call.SetRequestId(id);
        Loaded r;
        CTG_ASSIGN_OR_RETURN(r.stored, LoadVisible(tx, id, call.identity()));
        CTG_ASSIGN_OR_RETURN(r.convention, ConventionOf(tx, r.stored.request));
        CTG_ASSIGN_OR_RETURN(r.stored_state, StoredState(r.stored.request));
        CTG_ASSIGN_OR_RETURN(
            r.effective,
            EffectiveRequestState(r.stored, r.convention, call.now()));
        call.AddFact("state", policy::RequestStateName(r.effective));
        CTG_RETURN_IF_ERROR(act(r, call, tx));
        return Respond(tx, id, call.now(), response);
      });
}

grpc::Status DataRequestsService::SubmitRequest(
    grpc::ServerContext* context, const ctg::v1::SubmitRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return dispatcher_->Write(
      context, "/ctg.v1.DataRequests/SubmitRequest",
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        const policy::Identity& who = call.identity();
        // R2: the declared purpose is in the trail, filed or refused.
        call.AddFact("purpose", request->purpose());
        call.AddFact("objective", request->objective());
        call.AddFact("scope", ScopeSummary(request->scope()));
        absl::CivilDay today = CafDay(call.now());
        CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                             CurrentConvention(tx, who.organisation, today));
        call.AddFact("convention", convention.id);
        CTG_RETURN_IF_ERROR(CheckActive(convention, call.now()));
        CTG_ASSIGN_OR_RETURN(ScopeContext scope,
                             LoadScopeContext(tx, convention));
        policy::Submission submission = SubmissionFromProto(*request);
        CTG_RETURN_IF_ERROR(policy::ValidateSubmission(
            submission, scope.catalogue, scope.perimeter, limits_));

        CTG_ASSIGN_OR_RETURN(std::string id, tx.requests().NextId());
        call.SetTarget("request", id);
        call.SetRequestId(id);
        int64_t now_us = absl::ToUnixMicros(call.now());
        store::RequestRow row;
        row.id = id;
        row.commune = who.organisation;
        row.convention_id = convention.id;
        row.purpose = submission.purpose;
        row.objective = submission.objective;
        row.requester = who.spiffe_id;
        row.retention_months = submission.retention_months;
        row.recipients = RecipientsToRows(submission.recipients);
        row.create_time_us = now_us;
        CTG_RETURN_IF_ERROR(tx.requests().Insert(row));
        store::VersionRow first;
        first.scope = ScopeToRow(submission.scope);
        first.justification =
            policy::TextUnlessBlank(submission.justification, "");
        first.author = who.spiffe_id;
        first.time_us = now_us;
        CTG_RETURN_IF_ERROR(tx.requests().AppendVersion(id, first).status());
        CTG_RETURN_IF_ERROR(tx.requests().AppendTransition(
            id, {0, static_cast<int>(RequestState::kSubmitted), who.spiffe_id,
                 now_us, "submitted"}));
        return Respond(tx, id, call.now(), response);
      });
}

grpc::Status DataRequestsService::GetRequest(
    grpc::ServerContext* context, const ctg::v1::GetRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return dispatcher_->Read(context, kGet, [&](Call& call) {
    call.SetTarget("request", request->id());
    call.SetRequestId(request->id());
    return db_->Read([&](store::ReadSession& session) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(
          store::StoredRequest stored,
          LoadVisible(session, request->id(), call.identity()));
      return ToProto(session, stored, call.now(), response);
    });
  });
}

grpc::Status DataRequestsService::ListRequests(
    grpc::ServerContext* context, const ctg::v1::ListRequestsRequest* request,
    ctg::v1::ListRequestsResponse* response) {
  return dispatcher_->Read(context, kList, [&](Call& call) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(int page_size,
                         PageSize(request->page_size(), config_->limits));
    const policy::Identity& who = call.identity();
    store::RequestFilter filter;
    filter.commune = request->commune();
    if (who.IsCommune()) {
      // The commune is the tenant: its own requests only.
      if (!filter.commune.empty() && filter.commune != who.organisation)
        return absl::OkStatus();
      filter.commune = who.organisation;
    }
    std::optional<RequestState> wanted;
    if (request->state() != ctg::v1::REQUEST_STATE_UNSPECIFIED) {
      wanted = policy::RequestStateFromNumber(request->state());
      if (!wanted) {
        return absl::InvalidArgumentError(
            absl::StrCat("state: ", static_cast<int>(request->state()),
                         " is not a request state"));
      }
      // R11: an APPROVED request may in fact be EXPIRED; decided below.
      if (*wanted == RequestState::kApproved ||
          *wanted == RequestState::kExpired) {
        filter.states = {static_cast<int>(RequestState::kApproved),
                         static_cast<int>(RequestState::kExpired)};
      } else {
        filter.states = {static_cast<int>(*wanted)};
      }
    }
    if (!request->page_token().empty()) {
      std::optional<int64_t> number =
          store::RequestNumberOf(request->page_token());
      if (!number) {
        return absl::InvalidArgumentError(
            "page_token: not a token returned by ListRequests");
      }
      filter.before_number = *number;
    }
    return db_->Read([&](store::ReadSession& session) -> absl::Status {
      std::map<std::string, store::ConventionRow> conventions;
      bool more = true;
      while (more && response->requests_size() < page_size) {
        CTG_ASSIGN_OR_RETURN(std::vector<store::StoredRequest> rows,
                             session.requests().List(filter, page_size));
        more = static_cast<int>(rows.size()) == page_size;
        for (size_t i = 0; i < rows.size(); ++i) {
          const store::StoredRequest& stored = rows[i];
          filter.before_number = *store::RequestNumberOf(stored.request.id);
          if (!Visible(who, stored)) continue;
          auto it = conventions.find(stored.request.convention_id);
          if (it == conventions.end()) {
            CTG_ASSIGN_OR_RETURN(store::ConventionRow c,
                                 ConventionOf(session, stored.request));
            it = conventions.emplace(c.id, std::move(c)).first;
          }
          CTG_ASSIGN_OR_RETURN(
              RequestState effective,
              EffectiveRequestState(stored, it->second, call.now()));
          if (wanted && effective != *wanted) continue;
          CTG_RETURN_IF_ERROR(ToProto(session, stored, call.now(),
                                      response->add_requests(), &it->second));
          if (response->requests_size() == page_size) {
            more = more || i + 1 < rows.size();
            break;
          }
        }
      }
      if (more && response->requests_size() > 0) {
        response->set_next_page_token(
            response->requests(response->requests_size() - 1).id());
      }
      call.AddFact("returned", absl::StrCat(response->requests_size()));
      return absl::OkStatus();
    });
  });
}

grpc::Status DataRequestsService::AmendRequest(
    grpc::ServerContext* context, const ctg::v1::AmendRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/AmendRequest", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        call.AddFact("answer", request->answer());
        if (request->has_scope())
          call.AddFact("scope", ScopeSummary(request->scope()));
        if (!request->purpose().empty())
          call.AddFact("purpose", request->purpose());
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kAmend,
                               call.identity(), r.commune(), r.id()));
        CTG_RETURN_IF_ERROR(CheckActive(r.convention, call.now()));
        CTG_ASSIGN_OR_RETURN(ScopeContext scope,
                             LoadScopeContext(tx, r.convention));
        policy::Amendment amendment = AmendmentFromProto(*request);
        CTG_RETURN_IF_ERROR(policy::ValidateAmendment(
            amendment, r.stored.request.purpose, scope.catalogue,
            scope.perimeter, limits_));
        // Every version is kept: the new one is whole (unchanged parts
        // copied from the current one).
        store::VersionRow version;
        version.scope =
            amendment.scope ? ScopeToRow(*amendment.scope) : r.current().scope;
        version.justification = policy::TextUnlessBlank(
            amendment.justification, r.current().justification);
        version.answer = amendment.answer;
        version.author = call.identity().spiffe_id;
        version.time_us = absl::ToUnixMicros(call.now());
        CTG_ASSIGN_OR_RETURN(int number,
                             tx.requests().AppendVersion(r.id(), version));
        call.AddFact("version", absl::StrCat(number));
        return AppendTransition(
            tx, r.id(), r.stored_state, to, call,
            absl::StrCat("version ", number, ": ", amendment.answer));
      },
      response);
}

grpc::Status DataRequestsService::WithdrawRequest(
    grpc::ServerContext* context,
    const ctg::v1::WithdrawRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/WithdrawRequest", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        call.AddFact("reason", request->reason());
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kWithdraw,
                               call.identity(), r.commune(), r.id()));
        CTG_RETURN_IF_ERROR(policy::ValidateText(
            "reason", request->reason(), limits_.max_reason_chars,
            policy::Presence::kOptional, policy::TextKind::kParagraph));
        return AppendTransition(tx, r.id(), r.stored_state, to, call,
                                request->reason());
      },
      response);
}

grpc::Status DataRequestsService::StartStudy(
    grpc::ServerContext* context, const ctg::v1::StartStudyRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/StartStudy", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kStartStudy,
                               call.identity(), r.commune(), r.id()));
        return AppendTransition(tx, r.id(), r.stored_state, to, call,
                                "study started");
      },
      response);
}

grpc::Status DataRequestsService::PreviewFeasibility(
    grpc::ServerContext* context,
    const ctg::v1::PreviewFeasibilityRequest* request,
    ctg::v1::FeasibilityPreview* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/PreviewFeasibility", [&](Call& call) {
        call.SetTarget("request", request->id());
        call.SetRequestId(request->id());
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          CTG_RETURN_IF_ERROR(gateway::PreviewFeasibility(
              session, *request, *bases_, *config_, response));
          call.AddFact("cells_total", absl::StrCat(response->cells_total()));
          call.AddFact("cells_published",
                       absl::StrCat(response->cells_published()));
          call.AddFact("excluded_territories",
                       absl::StrCat(response->excluded_territories_size()));
          return absl::OkStatus();
        });
      });
}

grpc::Status DataRequestsService::RequestInformation(
    grpc::ServerContext* context,
    const ctg::v1::RequestInformationRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/RequestInformation", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        std::vector<std::string> questions(request->questions().begin(),
                                           request->questions().end());
        call.AddFact("questions", absl::StrJoin(questions, "\n"));
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kRequestInformation,
                               call.identity(), r.commune(), r.id()));
        CTG_RETURN_IF_ERROR(policy::ValidateQuestions(questions, limits_));
        CTG_RETURN_IF_ERROR(tx.requests()
                                .AppendQuestions(r.id(), questions,
                                                 call.identity().spiffe_id,
                                                 absl::ToUnixMicros(call.now()))
                                .status());
        return AppendTransition(tx, r.id(), r.stored_state, to, call,
                                absl::StrJoin(questions, "\n"));
      },
      response);
}

policy::StudiedRequest DataRequestsService::Studied(const Loaded& r) {
  return {r.id(), r.commune(), r.effective, ScopeFromRow(r.current().scope),
          CurrentOpinions(r.stored)};
}

namespace {

// A DecideRequest as plain data: the opinions given now (by the caller),
// the decision's terms. An unreadable end_time is refused where it is used
// (a decision); recording opinions refuses any end_time.
absl::StatusOr<policy::DecisionInput> DecisionFrom(
    const ctg::v1::DecideRequestRequest& request, const std::string& reviewer) {
  policy::DecisionInput input;
  input.decision = static_cast<policy::Decision>(request.decision());
  if (request.has_opportunity()) {
    input.opportunity = OpinionFromProto(request.opportunity(), reviewer);
  }
  if (request.has_feasibility()) {
    input.feasibility = OpinionFromProto(request.feasibility(), reviewer);
  }
  if (request.has_scope()) input.scope = ScopeFromProto(request.scope());
  if (request.has_end_time()) {
    absl::StatusOr<absl::Time> end =
        TimeFromProto(request.end_time(), "end_time");
    if (!end.ok() && input.decision != policy::Decision::kUnspecified)
      return end.status();
    input.end_time = end.value_or(absl::InfinitePast());
  }
  input.download_quota = request.download_quota();
  input.reasons = request.reasons();
  return input;
}

// Records the opinions given, on the request's current version.
absl::Status AppendOpinions(store::WriteSession& tx, const std::string& id,
                            int version, const policy::Opinions& opinions,
                            absl::Time now) {
  int64_t now_us = absl::ToUnixMicros(now);
  if (opinions.opportunity) {
    CTG_RETURN_IF_ERROR(tx.requests().AppendOpinion(
        id,
        OpinionToRow(*opinions.opportunity, kOpportunity, version, now_us)));
  }
  if (opinions.feasibility) {
    CTG_RETURN_IF_ERROR(tx.requests().AppendOpinion(
        id,
        OpinionToRow(*opinions.feasibility, kFeasibility, version, now_us)));
  }
  return absl::OkStatus();
}

}  // namespace

// DecideRequest without a decision: records the opinion(s) given, on a
// request that can still be decided.
absl::Status DataRequestsService::RecordOpinions(
    const ctg::v1::DecideRequestRequest& request, Loaded& r, Call& call,
    store::WriteSession& tx) {
  CTG_ASSIGN_OR_RETURN(policy::DecisionInput input,
                       DecisionFrom(request, call.identity().spiffe_id));
  CTG_ASSIGN_OR_RETURN(
      policy::Opinions given,
      policy::RecordOpinions(call.identity(), Studied(r), input,
                             {config_->workflow.four_eyes}, limits_));
  return AppendOpinions(tx, r.id(), r.current().version, given, call.now());
}

// DecideRequest with APPROVE or REJECT.
absl::Status DataRequestsService::Decide(
    const ctg::v1::DecideRequestRequest& request, Loaded& r, Call& call,
    store::WriteSession& tx) {
  CTG_ASSIGN_OR_RETURN(policy::DecisionInput input,
                       DecisionFrom(request, call.identity().spiffe_id));
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(r.convention));
  CTG_ASSIGN_OR_RETURN(ScopeContext scope, LoadScopeContext(tx, r.convention));
  CTG_ASSIGN_OR_RETURN(
      policy::DecisionPlan plan,
      policy::Decide(call.identity(), Studied(r), input, terms, scope.catalogue,
                     scope.perimeter, call.now(), CafTimeZone(),
                     {config_->workflow.four_eyes}, limits_));
  CTG_RETURN_IF_ERROR(AppendOpinions(tx, r.id(), r.current().version,
                                     plan.to_record, call.now()));
  std::string reason = input.reasons;
  if (plan.approval) {
    store::ApprovalRow approval;
    approval.scope = ScopeToRow(plan.approval->scope);
    if (plan.approval->end_time != absl::InfiniteFuture()) {
      approval.end_time_us = absl::ToUnixMicros(plan.approval->end_time);
    }
    approval.download_quota = plan.approval->download_quota;
    approval.time_us = absl::ToUnixMicros(call.now());
    CTG_RETURN_IF_ERROR(tx.requests().InsertApproval(r.id(), approval));
    reason = absl::StrCat("approved until ", TimeText(plan.approval->end_time),
                          ", ", approval.download_quota, " download(s)");
    call.AddFact("end_time", TimeText(plan.approval->end_time));
    call.AddFact("download_quota", absl::StrCat(approval.download_quota));
  }
  return AppendTransition(tx, r.id(), r.stored_state, plan.to, call, reason);
}

grpc::Status DataRequestsService::DecideRequest(
    grpc::ServerContext* context, const ctg::v1::DecideRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/DecideRequest", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        // R1: the decision and the opinions that ground it.
        call.AddFact("decision", ctg::v1::DecideRequestRequest::Decision_Name(
                                     request->decision()));
        if (request->has_opportunity()) {
          call.AddFact("opportunity", OpinionFact(request->opportunity()));
        }
        if (request->has_feasibility()) {
          call.AddFact("feasibility", OpinionFact(request->feasibility()));
        }
        if (!request->reasons().empty())
          call.AddFact("reasons", request->reasons());
        if (request->has_scope())
          call.AddFact("scope", ScopeSummary(request->scope()));
        if (request->decision() ==
            ctg::v1::DecideRequestRequest::DECISION_UNSPECIFIED) {
          return RecordOpinions(*request, r, call, tx);
        }
        return Decide(*request, r, call, tx);
      },
      response);
}

grpc::Status DataRequestsService::RevokeRequest(
    grpc::ServerContext* context, const ctg::v1::RevokeRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/RevokeRequest", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        call.AddFact("reason", request->reason());
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kRevoke,
                               call.identity(), r.commune(), r.id()));
        CTG_RETURN_IF_ERROR(policy::ValidateText(
            "reason", request->reason(), limits_.max_reason_chars,
            policy::Presence::kRequired, policy::TextKind::kParagraph));
        return AppendTransition(tx, r.id(), r.stored_state, to, call,
                                request->reason());
      },
      response);
}

}  // namespace ctg::gateway
