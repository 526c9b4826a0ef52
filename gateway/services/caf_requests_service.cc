#include "gateway/services/caf_requests_service.h"

#include <map>
#include <optional>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "audit/hash.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/scope_context.h"
#include "gateway/services/audit_proto.h"
#include "gateway/services/caf_request_proto.h"
#include "gateway/services/event_receipt.h"
#include "gateway/services/paging.h"
#include "gateway/services/request_proto.h"
#include "policy/caf_request.h"
#include "policy/convention.h"
#include "policy/request_state.h"
#include "policy/text.h"
#include "policy/upload.h"
#include "policy/workflow.h"
#include "store/caf_request_store.h"
#include "store/session.h"

namespace ctg::gateway {

using policy::Direction;
using policy::RequestAction;
using policy::RequestState;

struct CafRequestsService::Loaded {
  store::StoredCafRequest stored;
  store::ConventionRow convention;
  RequestState stored_state = RequestState::kSubmitted;
  RequestState effective = RequestState::kSubmitted;  // R11

  const std::string& id() const { return stored.request.id; }
  const std::string& commune() const { return stored.request.commune; }
};

namespace {

constexpr Direction kDirection = Direction::kCafToCommune;
constexpr int kDataChunkBytes = 64 << 10;

absl::Status CheckId(const std::string& id, absl::string_view field = "id") {
  if (id.empty())
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required (e.g. CREQ-000001)"));
  if (!store::CafRequestNumberOf(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", absl::CHexEscape(id.substr(0, 64)),
                     id.size() > 64 ? "...\"" : "\"",
                     " is not a request id of the Caf (e.g. CREQ-000001)"));
  }
  return absl::OkStatus();
}

// The request if the caller may see it; another commune's is NOT_FOUND
// with the message of a missing one (R8).
absl::StatusOr<store::StoredCafRequest> LoadVisible(
    store::ReadSession& session, const std::string& id,
    const policy::Identity& caller, absl::string_view field = "id") {
  CTG_RETURN_IF_ERROR(CheckId(id, field));
  absl::StatusOr<store::StoredCafRequest> stored =
      session.caf_requests().Get(id);
  if (absl::IsNotFound(stored.status())) return policy::RequestNotFound(id);
  if (!stored.ok()) return stored.status();
  CTG_RETURN_IF_ERROR(
      policy::CheckRequestVisible(caller, stored->request.commune, id));
  if (stored->versions.empty()) {
    return absl::DataLossError(absl::StrCat("request ", id, " has no version"));
  }
  return stored;
}

absl::StatusOr<store::ConventionRow> ConventionOf(
    store::ReadSession& session, const store::CafRequestRow& request) {
  absl::StatusOr<store::ConventionRow> row =
      session.conventions().Get(request.convention_id);
  if (absl::IsNotFound(row.status())) {
    return absl::DataLossError(
        absl::StrCat("request ", request.id, " names convention ",
                     request.convention_id, ", which is not stored"));
  }
  return row;
}

absl::Status Respond(store::ReadSession& session, const std::string& id,
                     absl::Time now, ctg::v1::CafRequest* response) {
  CTG_ASSIGN_OR_RETURN(store::StoredCafRequest stored,
                       session.caf_requests().Get(id));
  CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                       ConventionOf(session, stored.request));
  return CafRequestToProto(stored, convention, now, response);
}

// R10, R11: the convention must allow filings, amendments and approvals today.
absl::Status CheckActive(const store::ConventionRow& convention,
                         absl::Time now) {
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  return policy::CheckConventionActive(terms, CafDay(now));
}

absl::Status AppendTransition(store::WriteSession& tx, const std::string& id,
                              RequestState from, RequestState to,
                              const Call& call, const std::string& reason) {
  return tx.caf_requests().AppendTransition(
      id, {static_cast<int>(from), static_cast<int>(to),
           call.identity().spiffe_id, absl::ToUnixMicros(call.now()), reason});
}

std::string TemplateSummary(const ctg::v1::DataTemplate& t) {
  return absl::StrCat("columns=", absl::StrJoin(t.columns(), ","),
                      " territories=", absl::StrJoin(t.territories(), ","),
                      " periods=", absl::StrJoin(t.periods(), ","));
}

std::string OpinionFact(const ctg::v1::StudyOpinion& o) {
  return absl::StrCat(ctg::v1::Opinion_Name(o.opinion()), ": ", o.reasoning());
}

std::string TimeText(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "no end";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::Status AppendOpinions(store::WriteSession& tx, const std::string& id,
                            int version, const policy::Opinions& opinions,
                            absl::Time now) {
  int64_t now_us = absl::ToUnixMicros(now);
  for (const auto& [aspect, opinion] : {std::pair{1, &opinions.opportunity},
                                        std::pair{2, &opinions.feasibility}}) {
    if (!opinion->has_value()) continue;
    const policy::Opinion& o = **opinion;
    CTG_RETURN_IF_ERROR(tx.caf_requests().AppendOpinion(
        id, {aspect, static_cast<int>(o.value), o.reasoning, o.reviewer,
             version, now_us}));
  }
  return absl::OkStatus();
}

absl::StatusOr<policy::DecisionInput> DecisionFrom(
    const ctg::v1::DecideCafRequestRequest& request,
    const std::string& reviewer) {
  policy::DecisionInput input;
  input.decision = static_cast<policy::Decision>(request.decision());
  if (request.has_opportunity()) {
    input.opportunity = OpinionFromProto(request.opportunity(), reviewer);
  }
  if (request.has_feasibility()) {
    input.feasibility = OpinionFromProto(request.feasibility(), reviewer);
  }
  if (request.has_end_time()) {
    const auto& t = request.end_time();
    if (t.seconds() < -62135596800 || t.seconds() > 253402300799 ||
        t.nanos() < 0 || t.nanos() > 999999999) {
      return absl::InvalidArgumentError("end_time: not a valid timestamp");
    }
    input.end_time = absl::FromUnixMicros(TimestampMicros(t));
  }
  input.download_quota = request.download_quota();
  input.reasons = request.reasons();
  return input;
}

std::string Sha256Hex(absl::string_view data) {
  return audit::HashToHex(audit::Sha256(data));
}

}  // namespace

CafRequestsService::CafRequestsService(Dispatcher* dispatcher,
                                       store::Backend* db, const Config* config,
                                       AuditLog* audit_log)
    : dispatcher_(dispatcher),
      db_(db),
      config_(config),
      audit_log_(audit_log),
      limits_(RequestLimitsFrom(config->limits)) {}

grpc::Status CafRequestsService::Act(
    grpc::ServerContext* context, absl::string_view method,
    const std::string& id,
    absl::FunctionRef<absl::Status(Loaded&, Call&, store::WriteSession&)> act,
    ctg::v1::CafRequest* response) {
  return dispatcher_->Write(
      context, method,
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        call.SetTarget("caf-request", id);
        call.SetRequestId(id);
        Loaded r;
        CTG_ASSIGN_OR_RETURN(r.stored, LoadVisible(tx, id, call.identity()));
        CTG_ASSIGN_OR_RETURN(r.convention, ConventionOf(tx, r.stored.request));
        std::optional<RequestState> stored =
            policy::RequestStateFromNumber(r.stored.request.state);
        if (!stored)
          return absl::DataLossError(
              absl::StrCat("request ", id, " has no valid state"));
        r.stored_state = *stored;
        CTG_ASSIGN_OR_RETURN(
            r.effective,
            EffectiveCafRequestState(r.stored, r.convention, call.now()));
        call.AddFact("state", policy::RequestStateName(r.effective));
        CTG_RETURN_IF_ERROR(act(r, call, tx));
        return Respond(tx, id, call.now(), response);
      });
}

grpc::Status CafRequestsService::SubmitCafRequest(
    grpc::ServerContext* context,
    const ctg::v1::SubmitCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return dispatcher_->Write(
      context, "/ctg.v1.CafRequests/SubmitCafRequest",
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        const policy::Identity& who = call.identity();
        // R2: the declared purpose is in the trail, filed or refused.
        call.AddFact("commune", request->commune());
        call.AddFact("purpose", request->purpose());
        call.AddFact("objective", request->objective());
        call.AddFact("description", request->description());
        if (request->has_data_template()) {
          call.AddFact("data_template",
                       TemplateSummary(request->data_template()));
        }
        if (request->commune().empty()) {
          return absl::InvalidArgumentError(
              "commune: required (the INSEE code, e.g. 33069)");
        }
        CTG_ASSIGN_OR_RETURN(
            store::ConventionRow convention,
            CurrentConvention(tx, request->commune(), CafDay(call.now())));
        call.AddFact("convention", convention.id);
        CTG_RETURN_IF_ERROR(CheckActive(convention, call.now()));
        CTG_ASSIGN_OR_RETURN(policy::Perimeter perimeter,
                             LoadPerimeter(tx, convention));
        policy::CafSubmission submission = CafSubmissionFromProto(*request);
        CTG_RETURN_IF_ERROR(
            policy::ValidateCafSubmission(submission, perimeter, limits_));

        CTG_ASSIGN_OR_RETURN(std::string id, tx.caf_requests().NextId());
        call.SetTarget("caf-request", id);
        call.SetRequestId(id);
        int64_t now_us = absl::ToUnixMicros(call.now());
        store::CafRequestRow row;
        row.id = id;
        row.commune = convention.commune;
        row.convention_id = convention.id;
        row.purpose = submission.purpose;
        row.objective = submission.objective;
        row.requester = who.spiffe_id;
        row.retention_months = submission.retention_months;
        for (const policy::Recipient& r : submission.recipients)
          row.recipients.push_back(r.name);
        row.create_time_us = now_us;
        CTG_RETURN_IF_ERROR(tx.caf_requests().Insert(row));
        store::CafVersionRow first;
        first.description = submission.description;
        if (submission.data_template)
          first.data_template = TemplateToRow(*submission.data_template);
        first.author = who.spiffe_id;
        first.time_us = now_us;
        CTG_RETURN_IF_ERROR(
            tx.caf_requests().AppendVersion(id, first).status());
        CTG_RETURN_IF_ERROR(tx.caf_requests().AppendTransition(
            id, {0, static_cast<int>(RequestState::kSubmitted), who.spiffe_id,
                 now_us, "submitted"}));
        return Respond(tx, id, call.now(), response);
      });
}

grpc::Status CafRequestsService::GetCafRequest(
    grpc::ServerContext* context, const ctg::v1::GetCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.CafRequests/GetCafRequest", [&](Call& call) {
        call.SetTarget("caf-request", request->id());
        call.SetRequestId(request->id());
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          CTG_ASSIGN_OR_RETURN(
              store::StoredCafRequest stored,
              LoadVisible(session, request->id(), call.identity()));
          CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                               ConventionOf(session, stored.request));
          return CafRequestToProto(stored, convention, call.now(), response);
        });
      });
}

grpc::Status CafRequestsService::ListCafRequests(
    grpc::ServerContext* context,
    const ctg::v1::ListCafRequestsRequest* request,
    ctg::v1::ListCafRequestsResponse* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.CafRequests/ListCafRequests",
      [&](Call& call) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(int page_size,
                             PageSize(request->page_size(), config_->limits));
        const policy::Identity& who = call.identity();
        store::CafRequestFilter filter;
        filter.commune = request->commune();
        if (who.IsCommune()) {
          // R8: the commune is the tenant.
          if (!filter.commune.empty() && filter.commune != who.organisation) {
            return absl::OkStatus();
          }
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
        }
        if (!request->page_token().empty()) {
          std::optional<int64_t> number =
              store::CafRequestNumberOf(request->page_token());
          if (!number) {
            return absl::InvalidArgumentError(
                "page_token: not a token returned by ListCafRequests");
          }
          filter.before_number = *number;
        }
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          std::map<std::string, store::ConventionRow> conventions;
          bool more = true;
          while (more && response->requests_size() < page_size) {
            CTG_ASSIGN_OR_RETURN(
                std::vector<store::StoredCafRequest> rows,
                session.caf_requests().List(filter, page_size));
            more = static_cast<int>(rows.size()) == page_size;
            for (size_t i = 0; i < rows.size(); ++i) {
              const store::StoredCafRequest& stored = rows[i];
              filter.before_number =
                  *store::CafRequestNumberOf(stored.request.id);
              if (!policy::CheckRequestVisible(who, stored.request.commune,
                                               stored.request.id)
                       .ok()) {
                continue;
              }
              auto it = conventions.find(stored.request.convention_id);
              if (it == conventions.end()) {
                CTG_ASSIGN_OR_RETURN(store::ConventionRow c,
                                     ConventionOf(session, stored.request));
                it = conventions.emplace(c.id, std::move(c)).first;
              }
              CTG_ASSIGN_OR_RETURN(
                  RequestState effective,
                  EffectiveCafRequestState(stored, it->second, call.now()));
              if (wanted && effective != *wanted) continue;
              CTG_RETURN_IF_ERROR(CafRequestToProto(
                  stored, it->second, call.now(), response->add_requests()));
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

grpc::Status CafRequestsService::AmendCafRequest(
    grpc::ServerContext* context,
    const ctg::v1::AmendCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/AmendCafRequest", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        call.AddFact("answer", request->answer());
        if (request->has_data_template()) {
          call.AddFact("data_template",
                       TemplateSummary(request->data_template()));
        }
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kAmend,
                               call.identity(), r.commune(), r.id(),
                               kDirection));
        CTG_RETURN_IF_ERROR(CheckActive(r.convention, call.now()));
        CTG_ASSIGN_OR_RETURN(policy::Perimeter perimeter,
                             LoadPerimeter(tx, r.convention));
        policy::CafAmendment amendment = CafAmendmentFromProto(*request);
        CTG_RETURN_IF_ERROR(policy::ValidateCafAmendment(
            amendment, r.stored.request.purpose, perimeter, limits_));
        const store::CafVersionRow& current = r.stored.versions.back();
        store::CafVersionRow version;
        version.description =
            policy::TextUnlessBlank(amendment.description, current.description);
        version.data_template =
            amendment.data_template
                ? std::optional(TemplateToRow(*amendment.data_template))
                : current.data_template;
        version.answer = amendment.answer;
        version.author = call.identity().spiffe_id;
        version.time_us = absl::ToUnixMicros(call.now());
        CTG_ASSIGN_OR_RETURN(int number,
                             tx.caf_requests().AppendVersion(r.id(), version));
        call.AddFact("version", absl::StrCat(number));
        return AppendTransition(
            tx, r.id(), r.stored_state, to, call,
            absl::StrCat("version ", number, ": ", amendment.answer));
      },
      response);
}

grpc::Status CafRequestsService::WithdrawCafRequest(
    grpc::ServerContext* context,
    const ctg::v1::WithdrawCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/WithdrawCafRequest", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        call.AddFact("reason", request->reason());
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kWithdraw,
                               call.identity(), r.commune(), r.id(),
                               kDirection));
        CTG_RETURN_IF_ERROR(policy::ValidateText(
            "reason", request->reason(), limits_.max_reason_chars,
            policy::Presence::kOptional, policy::TextKind::kParagraph));
        return AppendTransition(tx, r.id(), r.stored_state, to, call,
                                request->reason());
      },
      response);
}

grpc::Status CafRequestsService::StartCafRequestStudy(
    grpc::ServerContext* context,
    const ctg::v1::StartCafRequestStudyRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/StartCafRequestStudy", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kStartStudy,
                               call.identity(), r.commune(), r.id(),
                               kDirection));
        return AppendTransition(tx, r.id(), r.stored_state, to, call,
                                "study started");
      },
      response);
}

grpc::Status CafRequestsService::RequestCafRequestInformation(
    grpc::ServerContext* context,
    const ctg::v1::RequestCafRequestInformationRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/RequestCafRequestInformation",
      request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        std::vector<std::string> questions(request->questions().begin(),
                                           request->questions().end());
        call.AddFact("questions", absl::StrJoin(questions, "\n"));
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kRequestInformation,
                               call.identity(), r.commune(), r.id(),
                               kDirection));
        CTG_RETURN_IF_ERROR(policy::ValidateQuestions(questions, limits_));
        CTG_RETURN_IF_ERROR(tx.caf_requests()
                                .AppendQuestions(r.id(), questions,
                                                 call.identity().spiffe_id,
                                                 absl::ToUnixMicros(call.now()))
                                .status());
        return AppendTransition(tx, r.id(), r.stored_state, to, call,
                                absl::StrJoin(questions, "\n"));
      },
      response);
}

absl::Status CafRequestsService::Decide(
    const ctg::v1::DecideCafRequestRequest& request, Loaded& r, Call& call,
    store::WriteSession& tx) {
  CTG_ASSIGN_OR_RETURN(policy::DecisionInput input,
                       DecisionFrom(request, call.identity().spiffe_id));
  const policy::StudiedRequest studied =
      StudiedCafRequest(r.stored, r.effective);
  const int version = r.stored.versions.back().version;
  if (input.decision == policy::Decision::kUnspecified) {
    CTG_ASSIGN_OR_RETURN(
        policy::Opinions given,
        policy::RecordOpinions(call.identity(), studied, input,
                               {config_->workflow.four_eyes}, limits_));
    return AppendOpinions(tx, r.id(), version, given, call.now());
  }
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(r.convention));
  // R1: the same decision as the other direction; no catalogue scope.
  CTG_ASSIGN_OR_RETURN(
      policy::DecisionPlan plan,
      policy::Decide(call.identity(), studied, input, terms, {}, {}, call.now(),
                     CafTimeZone(), {config_->workflow.four_eyes}, limits_));
  CTG_RETURN_IF_ERROR(
      AppendOpinions(tx, r.id(), version, plan.to_record, call.now()));
  std::string reason = input.reasons;
  if (plan.approval) {
    store::CafApprovalRow approval;
    if (plan.approval->end_time != absl::InfiniteFuture()) {
      approval.end_time_us = absl::ToUnixMicros(plan.approval->end_time);
    }
    approval.download_quota = plan.approval->download_quota;
    approval.time_us = absl::ToUnixMicros(call.now());
    CTG_RETURN_IF_ERROR(tx.caf_requests().InsertApproval(r.id(), approval));
    reason = absl::StrCat("approved until ", TimeText(plan.approval->end_time),
                          ", ", approval.download_quota, " download(s)");
    call.AddFact("end_time", TimeText(plan.approval->end_time));
    call.AddFact("download_quota", absl::StrCat(approval.download_quota));
  }
  return AppendTransition(tx, r.id(), r.stored_state, plan.to, call, reason);
}

grpc::Status CafRequestsService::DecideCafRequest(
    grpc::ServerContext* context,
    const ctg::v1::DecideCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/DecideCafRequest", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
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
        return Decide(*request, r, call, tx);
      },
      response);
}

grpc::Status CafRequestsService::RevokeCafRequest(
    grpc::ServerContext* context,
    const ctg::v1::RevokeCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/RevokeCafRequest", request->id(),
      [&](Loaded& r, Call& call, store::WriteSession& tx) -> absl::Status {
        call.AddFact("reason", request->reason());
        CTG_ASSIGN_OR_RETURN(
            RequestState to,
            policy::Transition(r.effective, RequestAction::kRevoke,
                               call.identity(), r.commune(), r.id(),
                               kDirection));
        CTG_RETURN_IF_ERROR(policy::ValidateText(
            "reason", request->reason(), limits_.max_reason_chars,
            policy::Presence::kRequired, policy::TextKind::kParagraph));
        return AppendTransition(tx, r.id(), r.stored_state, to, call,
                                request->reason());
      },
      response);
}

grpc::Status CafRequestsService::UploadCafRequestData(
    grpc::ServerContext* context,
    grpc::ServerReader<ctg::v1::UploadCafRequestDataChunk>* reader,
    ctg::v1::CafRequestUpload* response) {
  ctg::v1::UploadCafRequestDataHeader header;
  std::string content;
  const int64_t max_bytes = config_->limits.max_upload_bytes;
  // Loads the request and checks who may upload now (R1, R8).
  auto check = [&](store::ReadSession& session, const Call& call,
                   store::StoredCafRequest* out) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(
        *out, LoadVisible(session, header.request_id(), call.identity(),
                          "header.request_id"));
    CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                         ConventionOf(session, out->request));
    CTG_ASSIGN_OR_RETURN(
        RequestState effective,
        EffectiveCafRequestState(*out, convention, call.now()));
    return policy::CheckMayUpload(call.identity(),
                                  UploadTargetOf(*out, effective));
  };
  auto prepare = [&](Call& call) -> absl::Status {
    ctg::v1::UploadCafRequestDataChunk chunk;
    if (!reader->Read(&chunk) || !chunk.has_header()) {
      return absl::InvalidArgumentError(
          "header: the first message must be the header");
    }
    header = chunk.header();
    call.SetTarget("caf-request", header.request_id());
    call.SetRequestId(header.request_id());
    call.AddFact("no_personal_data",
                 header.no_personal_data() ? "attested" : "not attested");
    // Refused before any byte is read when the caller may not upload.
    store::StoredCafRequest stored;
    CTG_RETURN_IF_ERROR(db_->Read([&](store::ReadSession& session) {
      return check(session, call, &stored);
    }));
    while (reader->Read(&chunk)) {
      if (!chunk.has_data()) {
        return absl::InvalidArgumentError("data: only data follows the header");
      }
      // R8: size-limited by configuration; stop reading at once.
      CTG_RETURN_IF_ERROR(policy::CheckUploadSize(
          static_cast<int64_t>(content.size() + chunk.data().size()),
          max_bytes));
      content += chunk.data();
    }
    return absl::OkStatus();
  };
  auto commit = [&](Call& call, store::WriteSession& tx) -> absl::Status {
    store::StoredCafRequest stored;
    CTG_RETURN_IF_ERROR(check(tx, call, &stored));
    policy::Upload upload;
    upload.content = content;
    upload.sha256 = Sha256Hex(content);
    upload.declared_sha256 = header.sha256();
    upload.no_personal_data = header.no_personal_data();
    call.AddFact("sha256", upload.sha256);
    call.AddFact("size_bytes", absl::StrCat(content.size()));
    const std::optional<policy::DataTemplate> tmpl =
        TemplateFromRow(stored.versions.back().data_template);
    CTG_ASSIGN_OR_RETURN(int64_t rows,
                         policy::ValidateUpload(upload, tmpl, max_bytes));
    store::CafUploadRow row;
    row.sha256 = upload.sha256;
    row.size_bytes = static_cast<int64_t>(content.size());
    row.rows = rows;
    row.uploader = call.identity().spiffe_id;
    row.no_personal_data = true;
    row.time_us = absl::ToUnixMicros(call.now());
    CTG_RETURN_IF_ERROR(
        tx.caf_requests().InsertUpload(header.request_id(), row, content));
    call.SetExtractSha256(upload.sha256);
    call.AddFact("rows", absl::StrCat(rows));
    UploadToProto(header.request_id(), row, response);
    return absl::OkStatus();
  };
  auto after = [&](Call& call) -> absl::Status {
    return BuildEventReceipt(*audit_log_, *db_, call.audit_sequence(),
                             response->mutable_receipt());
  };
  return dispatcher_->Staged(context,
                             "/ctg.v1.CafRequests/UploadCafRequestData",
                             prepare, commit, after);
}

grpc::Status CafRequestsService::GetCafRequestData(
    grpc::ServerContext* context,
    const ctg::v1::GetCafRequestDataRequest* request,
    grpc::ServerWriter<ctg::v1::CafRequestDataChunk>* writer) {
  const std::string& id = request->request_id();
  store::StoredCafRequest stored;
  std::string content;
  auto check = [&](store::ReadSession& session,
                   const Call& call) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(
        stored, LoadVisible(session, id, call.identity(), "request_id"));
    CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                         ConventionOf(session, stored.request));
    CTG_ASSIGN_OR_RETURN(
        RequestState effective,
        EffectiveCafRequestState(stored, convention, call.now()));
    return policy::CheckMayDownloadUpload(call.identity(),
                                          UploadTargetOf(stored, effective));
  };
  auto prepare = [&](Call& call) -> absl::Status {
    call.SetTarget("caf-request", id);
    call.SetRequestId(id);
    return db_->Read([&](store::ReadSession& session) -> absl::Status {
      CTG_RETURN_IF_ERROR(check(session, call));
      CTG_ASSIGN_OR_RETURN(content,
                           session.caf_requests().File(stored.upload->sha256));
      return absl::OkStatus();
    });
  };
  auto commit = [&](Call& call, store::WriteSession& tx) -> absl::Status {
    // Re-checked: a revocation or another download may have committed.
    CTG_RETURN_IF_ERROR(check(tx, call));
    CTG_ASSIGN_OR_RETURN(int download, tx.caf_requests().AppendDownload(
                                           id, call.identity().spiffe_id,
                                           absl::ToUnixMicros(call.now())));
    call.SetExtractSha256(stored.upload->sha256);
    call.AddFact("sha256", stored.upload->sha256);
    call.AddFact("download",
                 absl::StrCat(download, "/", stored.approval->download_quota));
    call.AddFact("purpose", stored.request.purpose);
    return absl::OkStatus();
  };
  auto stream = [&](Call& call) -> absl::Status {
    ctg::v1::CafRequestDataChunk head;
    UploadToProto(id, *stored.upload, head.mutable_upload());
    if (!writer->Write(head))
      return absl::CancelledError("the client went away");
    for (size_t i = 0; i < content.size(); i += kDataChunkBytes) {
      ctg::v1::CafRequestDataChunk chunk;
      chunk.set_data(content.substr(i, kDataChunkBytes));
      if (!writer->Write(chunk))
        return absl::CancelledError("the client went away");
    }
    ctg::v1::CafRequestDataChunk trailer;
    CTG_RETURN_IF_ERROR(BuildEventReceipt(
        *audit_log_, *db_, call.audit_sequence(), trailer.mutable_receipt()));
    if (!writer->Write(trailer))
      return absl::CancelledError("the client went away");
    return absl::OkStatus();
  };
  return dispatcher_->Staged(context, "/ctg.v1.CafRequests/GetCafRequestData",
                             prepare, commit, stream);
}

}  // namespace ctg::gateway
