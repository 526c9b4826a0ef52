#include "gateway/services/data_requests_service.h"

#include <map>
#include <optional>

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
#include "gateway/services/request_listing.h"
#include "gateway/services/request_workflow.h"
#include "policy/convention.h"
#include "policy/request_state.h"
#include "policy/text.h"
#include "policy/workflow.h"
#include "store/release_ledger.h"
#include "store/request_store.h"

namespace ctg::gateway {

using policy::RequestState;

// A request as a write finds it: its rows, and what the shared actions take.
struct DataRequestsService::Loaded {
  store::StoredRequest stored;
  LoadedRequest request;

  const std::string& id() const { return request.id(); }
  const store::VersionRow& current() const { return stored.versions.back(); }
};

namespace {

constexpr char kGet[] = "/ctg.v1.DataRequests/GetRequest";
constexpr char kList[] = "/ctg.v1.DataRequests/ListRequests";
constexpr RequestIdForm kIdForm = {"a request id", "REQ-000042",
                                   &store::RequestNumberOf};

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
  CTG_RETURN_IF_ERROR(CheckRequestId(id, "id", kIdForm));
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
  return RequestConvention(session, request.id, request.convention_id);
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

std::string ScopeSummary(const ctg::v1::Scope& scope) {
  return absl::StrCat("indicators=", absl::StrJoin(scope.indicators(), ","),
                      " territories=", absl::StrJoin(scope.territories(), ","),
                      " periods=", absl::StrJoin(scope.periods(), ","),
                      " breakdowns=", absl::StrJoin(scope.breakdowns(), ","));
}

// A DecideRequest as plain data. An unreadable end_time is refused where
// it is used (a decision); recording opinions refuses any end_time.
absl::StatusOr<policy::DecisionInput> DecisionFrom(
    const ctg::v1::DecideRequestRequest& request, const std::string& reviewer) {
  policy::DecisionInput input = DecisionInputFrom(request, reviewer);
  if (request.has_scope()) input.scope = ScopeFromProto(request.scope());
  if (request.has_end_time()) {
    absl::StatusOr<absl::Time> end =
        TimeFromProto(request.end_time(), "end_time");
    if (!end.ok() && input.decision != policy::Decision::kUnspecified)
      return end.status();
    input.end_time = end.value_or(absl::InfinitePast());
  }
  return input;
}

}  // namespace

DataRequestsService::DataRequestsService(Dispatcher* dispatcher,
                                         store::Backend* db,
                                         const Config* config,
                                         CommuneBases* bases)
    : dispatcher_(dispatcher),
      db_(db),
      config_(config),
      bases_(bases),
      limits_(RequestLimitsFrom(config->limits)),
      actions_(limits_, config->workflow.four_eyes) {}

absl::StatusOr<DataRequestsService::Loaded> DataRequestsService::Load(
    store::ReadSession& session, const std::string& id, const Call& call) {
  Loaded r;
  CTG_ASSIGN_OR_RETURN(r.stored, LoadVisible(session, id, call.identity()));
  LoadedRequest& facts = r.request;
  CTG_ASSIGN_OR_RETURN(facts.convention,
                       ConventionOf(session, r.stored.request));
  CTG_ASSIGN_OR_RETURN(facts.stored_state, StoredState(r.stored.request));
  CTG_ASSIGN_OR_RETURN(
      RequestState effective,
      EffectiveRequestState(r.stored, facts.convention, call.now()));
  facts.studied = {id, r.stored.request.commune, effective,
                   ScopeFromRow(r.current().scope), CurrentOpinions(r.stored)};
  facts.current_version = r.current().version;
  return r;
}

grpc::Status DataRequestsService::Act(grpc::ServerContext* context,
                                      absl::string_view method,
                                      const std::string& id,
                                      absl::FunctionRef<ActBody> act,
                                      ctg::v1::DataRequest* response) {
  return WriteOnRequest<Loaded>(
      *dispatcher_, context, method, "request", id,
      [&](store::WriteSession& tx, const Call& call) {
        return Load(tx, id, call);
      },
      [&](const Loaded& r, Call& call, store::WriteSession& tx) {
        CommuneRequestHistory history(tx.requests());
        return act(r, call, tx, history);
      },
      [&](store::ReadSession& session, absl::Time now) {
        return Respond(session, id, now, response);
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
        CTG_RETURN_IF_ERROR(CheckConventionActiveNow(convention, call.now()));
        CTG_ASSIGN_OR_RETURN(ScopeContext scope,
                             LoadScopeContext(tx, convention));
        policy::Submission submission = SubmissionFromProto(*request);
        CTG_RETURN_IF_ERROR(policy::ValidateSubmission(
            submission, scope.catalogue, scope.perimeter, limits_));

        CTG_ASSIGN_OR_RETURN(std::string id, tx.requests().NextId());
        call.SetTarget("request", id);
        call.SetRequestId(id);
        int64_t now_us = absl::ToUnixMicros(call.now());
        auto row = DeclarationRow<store::RequestRow>(
            id, who.organisation, convention.id, submission, call);
        row.recipients = RecipientsToRows(submission.recipients);
        CTG_RETURN_IF_ERROR(tx.requests().Insert(row));
        store::VersionRow first;
        first.scope = ScopeToRow(submission.scope);
        first.justification =
            policy::TextUnlessBlank(submission.justification, "");
        first.author = who.spiffe_id;
        first.time_us = now_us;
        CTG_RETURN_IF_ERROR(tx.requests().AppendVersion(id, first).status());
        CommuneRequestHistory history(tx.requests());
        CTG_RETURN_IF_ERROR(AppendSubmitted(history, id, call));
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
    std::optional<std::string> commune = TenantCommune(who, request->commune());
    if (!commune) return absl::OkStatus();
    store::RequestFilter filter;
    filter.commune = *commune;
    CTG_ASSIGN_OR_RETURN(std::optional<RequestState> wanted,
                         WantedState(request->state()));
    if (wanted) {
      // R11: an APPROVED request may in fact be EXPIRED; decided below.
      if (*wanted == RequestState::kApproved ||
          *wanted == RequestState::kExpired) {
        filter.states = {static_cast<int>(RequestState::kApproved),
                         static_cast<int>(RequestState::kExpired)};
      } else {
        filter.states = {static_cast<int>(*wanted)};
      }
    }
    CTG_ASSIGN_OR_RETURN(filter.oldest_first, OldestFirst(request->order_by()));
    CTG_ASSIGN_OR_RETURN(
        int64_t before,
        OrderedPageTokenNumber(request->page_token(), filter.oldest_first,
                               &store::RequestNumberOf, "ListRequests"));
    return db_->Read([&](store::ReadSession& session) -> absl::Status {
      ConventionCache conventions(session);
      // `last`: the number of the last request read, in the listing's order.
      auto fetch = [&](int64_t last) {
        if (filter.oldest_first) {
          filter.after_number = last;
        } else {
          filter.before_number = last;
        }
        return session.requests().List(filter, page_size);
      };
      auto number_of = [](const store::StoredRequest& stored) {
        return *store::RequestNumberOf(stored.request.id);
      };
      auto add = [&](const store::StoredRequest& stored,
                     ctg::v1::ListRequestsResponse& out) -> absl::Status {
        if (!Visible(who, stored)) return absl::OkStatus();
        CTG_ASSIGN_OR_RETURN(
            const store::ConventionRow* convention,
            conventions.Get(stored.request.id, stored.request.convention_id));
        CTG_ASSIGN_OR_RETURN(
            RequestState effective,
            EffectiveRequestState(stored, *convention, call.now()));
        if (wanted && effective != *wanted) return absl::OkStatus();
        return ToProto(session, stored, call.now(), out.add_requests(),
                       convention);
      };
      CTG_RETURN_IF_ERROR(
          (FillPage<store::StoredRequest, ctg::v1::ListRequestsResponse>(
              page_size, before, fetch, number_of, add, *response)));
      response->set_next_page_token(
          OrderedPageToken(response->next_page_token(), filter.oldest_first));
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
      [&](const Loaded& r, Call& call, store::WriteSession& tx,
          RequestHistory& history) -> absl::Status {
        call.AddFact("answer", request->answer());
        if (request->has_scope())
          call.AddFact("scope", ScopeSummary(request->scope()));
        if (!request->purpose().empty())
          call.AddFact("purpose", request->purpose());
        // Every version is kept: the new one is whole (unchanged parts
        // copied from the current one).
        auto append_version = [&]() -> absl::StatusOr<int> {
          CTG_ASSIGN_OR_RETURN(ScopeContext scope,
                               LoadScopeContext(tx, r.request.convention));
          policy::Amendment amendment = AmendmentFromProto(*request);
          CTG_RETURN_IF_ERROR(policy::ValidateAmendment(
              amendment, r.stored.request.purpose, scope.catalogue,
              scope.perimeter, limits_));
          store::VersionRow version;
          version.scope = amendment.scope ? ScopeToRow(*amendment.scope)
                                          : r.current().scope;
          version.justification = policy::TextUnlessBlank(
              amendment.justification, r.current().justification);
          version.answer = amendment.answer;
          version.author = call.identity().spiffe_id;
          version.time_us = absl::ToUnixMicros(call.now());
          return tx.requests().AppendVersion(r.id(), version);
        };
        return actions_.Amend(r.request, request->answer(), append_version,
                              call, history);
      },
      response);
}

grpc::Status DataRequestsService::WithdrawRequest(
    grpc::ServerContext* context,
    const ctg::v1::WithdrawRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/WithdrawRequest", request->id(),
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) {
        return actions_.Withdraw(r.request, request->reason(), call, history);
      },
      response);
}

grpc::Status DataRequestsService::StartStudy(
    grpc::ServerContext* context, const ctg::v1::StartStudyRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/StartStudy", request->id(),
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) {
        return actions_.StartStudy(r.request, call, history);
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
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) {
        return actions_.RequestInformation(
            r.request,
            {request->questions().begin(), request->questions().end()}, call,
            history);
      },
      response);
}

grpc::Status DataRequestsService::DecideRequest(
    grpc::ServerContext* context, const ctg::v1::DecideRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/DecideRequest", request->id(),
      [&](const Loaded& r, Call& call, store::WriteSession& tx,
          RequestHistory& history) -> absl::Status {
        AddDecisionFacts(
            request->decision(),
            request->has_opportunity() ? &request->opportunity() : nullptr,
            request->has_feasibility() ? &request->feasibility() : nullptr,
            request->reasons(), call);
        if (request->has_scope())
          call.AddFact("scope", ScopeSummary(request->scope()));
        CTG_ASSIGN_OR_RETURN(policy::DecisionInput input,
                             DecisionFrom(*request, call.identity().spiffe_id));
        // The catalogue and perimeter a narrower approval scope must fit.
        auto load_scope = [&] {
          return LoadScopeContext(tx, r.request.convention);
        };
        return actions_.Decide(r.request, input, load_scope, call, history);
      },
      response);
}

grpc::Status DataRequestsService::RevokeRequest(
    grpc::ServerContext* context, const ctg::v1::RevokeRequestRequest* request,
    ctg::v1::DataRequest* response) {
  return Act(
      context, "/ctg.v1.DataRequests/RevokeRequest", request->id(),
      [&](const Loaded& r, Call& call, store::WriteSession&,
          RequestHistory& history) {
        return actions_.Revoke(r.request, request->reason(), call, history);
      },
      response);
}

}  // namespace ctg::gateway
