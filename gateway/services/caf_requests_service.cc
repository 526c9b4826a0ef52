#include "gateway/services/caf_requests_service.h"

#include <map>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "audit/hash.h"
#include "base/status_macros.h"
#include "gateway/bounded_stream.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/scope_context.h"
#include "gateway/services/audit_proto.h"
#include "gateway/services/caf_request_proto.h"
#include "gateway/services/event_receipt.h"
#include "gateway/services/paging.h"
#include "gateway/services/request_listing.h"
#include "gateway/services/request_proto.h"
#include "gateway/services/request_workflow.h"
#include "policy/caf_request.h"
#include "policy/convention.h"
#include "policy/request_state.h"
#include "policy/text.h"
#include "policy/upload.h"
#include "policy/workflow.h"
#include "store/caf_request_store.h"
#include "store/session.h"

namespace ctg::gateway {

using policy::RequestState;

// A request as a write finds it: its rows, and what the shared actions take.
struct CafRequestsService::Loaded {
  store::StoredCafRequest stored;
  LoadedRequest request;

  const std::string& id() const { return request.id(); }
  const store::CafVersionRow& current() const { return stored.versions.back(); }
};

namespace {

constexpr int kDataChunkBytes = 64 << 10;
constexpr RequestIdForm kIdForm = {"a request id of the Caf", "CREQ-000001",
                                   &store::CafRequestNumberOf};

// The request if the caller may see it; another commune's is NOT_FOUND
// with the message of a missing one (R8).
absl::StatusOr<store::StoredCafRequest> LoadVisible(
    store::ReadSession& session, const std::string& id,
    const policy::Identity& caller, absl::string_view field = "id") {
  CTG_RETURN_IF_ERROR(CheckRequestId(id, field, kIdForm));
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
  return RequestConvention(session, request.id, request.convention_id);
}

absl::Status Respond(store::ReadSession& session, const std::string& id,
                     absl::Time now, ctg::v1::CafRequest* response) {
  CTG_ASSIGN_OR_RETURN(store::StoredCafRequest stored,
                       session.caf_requests().Get(id));
  CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                       ConventionOf(session, stored.request));
  return CafRequestToProto(stored, convention, now, response);
}

absl::StatusOr<RequestState> StoredStateOf(const store::CafRequestRow& row) {
  std::optional<RequestState> stored =
      policy::RequestStateFromNumber(row.state);
  if (!stored) {
    return absl::DataLossError(
        absl::StrCat("request ", row.id, " has no valid state"));
  }
  return *stored;
}

std::string TemplateSummary(const ctg::v1::DataTemplate& t) {
  return absl::StrCat("columns=", absl::StrJoin(t.columns(), ","),
                      " territories=", absl::StrJoin(t.territories(), ","),
                      " periods=", absl::StrJoin(t.periods(), ","));
}

// A DecideCafRequest as plain data; an unreadable end_time is refused.
absl::StatusOr<policy::DecisionInput> DecisionFrom(
    const ctg::v1::DecideCafRequestRequest& request,
    const std::string& reviewer) {
  policy::DecisionInput input = DecisionInputFrom(request, reviewer);
  if (request.has_end_time()) {
    CTG_ASSIGN_OR_RETURN(input.end_time,
                         TimeFromProto(request.end_time(), "end_time"));
  }
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
      limits_(RequestLimitsFrom(config->limits)),
      actions_(limits_, config->workflow.four_eyes) {}

absl::StatusOr<CafRequestsService::Loaded> CafRequestsService::Load(
    store::ReadSession& session, const std::string& id, const Call& call) {
  Loaded r;
  CTG_ASSIGN_OR_RETURN(r.stored, LoadVisible(session, id, call.identity()));
  LoadedRequest& facts = r.request;
  CTG_ASSIGN_OR_RETURN(facts.convention,
                       ConventionOf(session, r.stored.request));
  CTG_ASSIGN_OR_RETURN(facts.stored_state, StoredStateOf(r.stored.request));
  CTG_ASSIGN_OR_RETURN(
      RequestState effective,
      EffectiveCafRequestState(r.stored, facts.convention, call.now()));
  facts.studied = StudiedCafRequest(r.stored, effective);
  facts.current_version = r.current().version;
  return r;
}

grpc::Status CafRequestsService::Act(grpc::ServerContext* context,
                                     absl::string_view method,
                                     const std::string& id,
                                     absl::FunctionRef<ActBody> act,
                                     ctg::v1::CafRequest* response) {
  return WriteOnRequest<Loaded>(
      *dispatcher_, context, method, "caf-request", id,
      [&](store::WriteSession& tx, const Call& call) {
        return Load(tx, id, call);
      },
      [&](const Loaded& r, Call& call, store::WriteSession& tx) {
        CafRequestHistory history(tx.caf_requests());
        return act(r, call, tx, history);
      },
      [&](store::ReadSession& session, absl::Time now) {
        return Respond(session, id, now, response);
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
        CTG_RETURN_IF_ERROR(CheckConventionActiveNow(convention, call.now()));
        CTG_ASSIGN_OR_RETURN(policy::Perimeter perimeter,
                             LoadPerimeter(tx, convention));
        policy::CafSubmission submission = CafSubmissionFromProto(*request);
        CTG_RETURN_IF_ERROR(
            policy::ValidateCafSubmission(submission, perimeter, limits_));

        CTG_ASSIGN_OR_RETURN(std::string id, tx.caf_requests().NextId());
        call.SetTarget("caf-request", id);
        call.SetRequestId(id);
        int64_t now_us = absl::ToUnixMicros(call.now());
        auto row = DeclarationRow<store::CafRequestRow>(
            id, convention.commune, convention.id, submission, call);
        for (const policy::Recipient& r : submission.recipients)
          row.recipients.push_back(r.name);
        CTG_RETURN_IF_ERROR(tx.caf_requests().Insert(row));
        store::CafVersionRow first;
        first.description = submission.description;
        if (submission.data_template)
          first.data_template = TemplateToRow(*submission.data_template);
        first.author = who.spiffe_id;
        first.time_us = now_us;
        CTG_RETURN_IF_ERROR(
            tx.caf_requests().AppendVersion(id, first).status());
        CafRequestHistory history(tx.caf_requests());
        CTG_RETURN_IF_ERROR(AppendSubmitted(history, id, call));
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
        // R8: the commune is the tenant.
        std::optional<std::string> commune =
            TenantCommune(who, request->commune());
        if (!commune) return absl::OkStatus();
        store::CafRequestFilter filter;
        filter.commune = *commune;
        // The effective state (R11) is compared below, after reading.
        CTG_ASSIGN_OR_RETURN(std::optional<RequestState> wanted,
                             WantedState(request->state()));
        CTG_ASSIGN_OR_RETURN(
            int64_t before,
            PageTokenNumber(request->page_token(), &store::CafRequestNumberOf,
                            "ListCafRequests"));
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          ConventionCache conventions(session);
          auto fetch = [&](int64_t below) {
            filter.before_number = below;
            return session.caf_requests().List(filter, page_size);
          };
          auto number_of = [](const store::StoredCafRequest& stored) {
            return *store::CafRequestNumberOf(stored.request.id);
          };
          auto add =
              [&](const store::StoredCafRequest& stored,
                  ctg::v1::ListCafRequestsResponse& out) -> absl::Status {
            if (!policy::CheckRequestVisible(who, stored.request.commune,
                                             stored.request.id)
                     .ok()) {
              return absl::OkStatus();
            }
            CTG_ASSIGN_OR_RETURN(const store::ConventionRow* convention,
                                 conventions.Get(stored.request.id,
                                                 stored.request.convention_id));
            CTG_ASSIGN_OR_RETURN(
                RequestState effective,
                EffectiveCafRequestState(stored, *convention, call.now()));
            if (wanted && effective != *wanted) return absl::OkStatus();
            return CafRequestToProto(stored, *convention, call.now(),
                                     out.add_requests());
          };
          CTG_RETURN_IF_ERROR((FillPage<store::StoredCafRequest,
                                        ctg::v1::ListCafRequestsResponse>(
              page_size, before, fetch, number_of, add, *response)));
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
      [&](const Loaded& r, Call& call, store::WriteSession& tx,
          RequestHistory& history) -> absl::Status {
        call.AddFact("answer", request->answer());
        if (request->has_data_template()) {
          call.AddFact("data_template",
                       TemplateSummary(request->data_template()));
        }
        auto append_version = [&]() -> absl::StatusOr<int> {
          CTG_ASSIGN_OR_RETURN(policy::Perimeter perimeter,
                               LoadPerimeter(tx, r.request.convention));
          policy::CafAmendment amendment = CafAmendmentFromProto(*request);
          CTG_RETURN_IF_ERROR(policy::ValidateCafAmendment(
              amendment, r.stored.request.purpose, perimeter, limits_));
          store::CafVersionRow version;
          version.description = policy::TextUnlessBlank(
              amendment.description, r.current().description);
          version.data_template =
              amendment.data_template
                  ? std::optional(TemplateToRow(*amendment.data_template))
                  : r.current().data_template;
          version.answer = amendment.answer;
          version.author = call.identity().spiffe_id;
          version.time_us = absl::ToUnixMicros(call.now());
          return tx.caf_requests().AppendVersion(r.id(), version);
        };
        return actions_.Amend(r.request, request->answer(), append_version,
                              call, history);
      },
      response);
}

grpc::Status CafRequestsService::WithdrawCafRequest(
    grpc::ServerContext* context,
    const ctg::v1::WithdrawCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/WithdrawCafRequest", request->id(),
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) {
        return actions_.Withdraw(r.request, request->reason(), call, history);
      },
      response);
}

grpc::Status CafRequestsService::StartCafRequestStudy(
    grpc::ServerContext* context,
    const ctg::v1::StartCafRequestStudyRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/StartCafRequestStudy", request->id(),
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) {
        return actions_.StartStudy(r.request, call, history);
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
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) {
        return actions_.RequestInformation(
            r.request,
            {request->questions().begin(), request->questions().end()}, call,
            history);
      },
      response);
}

grpc::Status CafRequestsService::DecideCafRequest(
    grpc::ServerContext* context,
    const ctg::v1::DecideCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/DecideCafRequest", request->id(),
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) -> absl::Status {
        AddDecisionFacts(
            request->decision(),
            request->has_opportunity() ? &request->opportunity() : nullptr,
            request->has_feasibility() ? &request->feasibility() : nullptr,
            request->reasons(), call);
        CTG_ASSIGN_OR_RETURN(policy::DecisionInput input,
                             DecisionFrom(*request, call.identity().spiffe_id));
        // R1: the same decision as the other direction; no catalogue scope.
        auto no_scope = []() -> absl::StatusOr<ScopeContext> {
          return ScopeContext{};
        };
        return actions_.Decide(r.request, input, no_scope, call, history);
      },
      response);
}

grpc::Status CafRequestsService::RevokeCafRequest(
    grpc::ServerContext* context,
    const ctg::v1::RevokeCafRequestRequest* request,
    ctg::v1::CafRequest* response) {
  return Act(
      context, "/ctg.v1.CafRequests/RevokeCafRequest", request->id(),
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) {
        return actions_.Revoke(r.request, request->reason(), call, history);
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
    BoundedStreamReader<ctg::v1::UploadCafRequestDataChunk> stream(
        reader, config_->limits.max_message_bytes);
    ctg::v1::UploadCafRequestDataChunk chunk;
    CTG_ASSIGN_OR_RETURN(bool first, stream.Next(&chunk));
    if (!first || !chunk.has_header()) {
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
    while (true) {
      CTG_ASSIGN_OR_RETURN(bool more, stream.Next(&chunk));
      if (!more) break;
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
