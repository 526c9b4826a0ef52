#include "gateway/services/transfer_agreements_service.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/services/audit_proto.h"
#include "gateway/services/event_receipt.h"
#include "gateway/services/paging.h"
#include "gateway/services/release_agreements.h"
#include "gateway/services/request_proto.h"
#include "policy/transfer_agreement.h"
#include "store/request_store.h"
#include "store/session.h"
#include "store/transfer_agreement_store.h"

namespace ctg::gateway {
namespace {

using policy::AgreementState;

absl::Status ToProto(store::ReadSession& session,
                     const store::AgreementRow& row, absl::Time now,
                     ctg::v1::TransferAgreement* out) {
  std::string end_reason;
  CTG_ASSIGN_OR_RETURN(AgreementState state,
                       AgreementStateNow(session, row, now, &end_reason));
  out->Clear();
  out->set_id(row.id);
  out->set_extract_id(row.extract_id);
  out->set_request_id(row.request_id);
  out->set_commune(row.commune);
  out->set_convention_id(row.convention_id);
  out->set_extract_sha256(row.extract_sha256);
  out->set_recipient(row.recipient);
  out->set_purpose(row.purpose);
  out->set_requester(row.requester);
  out->set_state(static_cast<ctg::v1::TransferAgreementState>(state));
  SetTimestampMicros(row.create_time_us, out->mutable_create_time());
  if (row.decision) {
    out->set_decision_reasons(row.decision->reasons);
    out->set_reviewer(row.decision->reviewer);
    SetTimestampMicros(row.decision->time_us, out->mutable_decide_time());
  }
  out->set_end_reason(end_reason);
  return absl::OkStatus();
}

absl::Status CheckAgreementId(const std::string& id) {
  if (store::AgreementNumberOf(id)) return absl::OkStatus();
  if (id.empty())
    return absl::InvalidArgumentError("id: required (e.g. AGR-000001)");
  return absl::InvalidArgumentError(
      absl::StrCat("id: \"", absl::CHexEscape(id.substr(0, 64)),
                   "\" is not an agreement id (e.g. AGR-000001)"));
}

// The request_id filter of ListTransferAgreements.
absl::Status CheckRequestIdFilter(const std::string& id) {
  if (store::RequestNumberOf(id)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("request_id: \"", absl::CHexEscape(id.substr(0, 64)),
                   "\" is not a request id (e.g. REQ-000042)"));
}

absl::StatusOr<store::AgreementRow> LoadVisible(store::ReadSession& session,
                                                const std::string& id,
                                                const policy::Identity& who) {
  CTG_RETURN_IF_ERROR(CheckAgreementId(id));
  absl::StatusOr<store::AgreementRow> row = session.agreements().Get(id);
  if (absl::IsNotFound(row.status())) return policy::AgreementNotFound(id);
  if (!row.ok()) return row.status();
  CTG_RETURN_IF_ERROR(policy::CheckAgreementVisible(who, row->commune, id));
  return row;
}

}  // namespace

TransferAgreementsService::TransferAgreementsService(Dispatcher* dispatcher,
                                                     store::Backend* db,
                                                     const Config* config,
                                                     AuditLog* audit_log)
    : dispatcher_(dispatcher),
      db_(db),
      config_(config),
      audit_log_(audit_log),
      limits_(RequestLimitsFrom(config->limits)) {}

grpc::Status TransferAgreementsService::RequestTransferAgreement(
    grpc::ServerContext* context,
    const ctg::v1::RequestTransferAgreementRequest* request,
    ctg::v1::TransferAgreement* response) {
  return dispatcher_->Write(
      context, "/ctg.v1.TransferAgreements/RequestTransferAgreement",
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        const policy::Identity& who = call.identity();
        call.SetTarget("release", request->extract_id());
        call.AddFact("extract_id", request->extract_id());
        call.AddFact("recipient", request->recipient());
        call.AddFact("purpose", request->purpose());
        if (request->extract_id().empty()) {
          return absl::InvalidArgumentError(
              "extract_id: required (the release's extract id)");
        }
        absl::StatusOr<store::ReleaseRef> release =
            tx.agreements().FindRelease(request->extract_id());
        if (absl::IsNotFound(release.status())) {
          return policy::ReleaseNotFound(request->extract_id());
        }
        CTG_RETURN_IF_ERROR(release.status());
        policy::HeldRelease held;
        held.extract_id = release->extract_id;
        held.request_id = release->request_id;
        held.commune = release->commune;
        // Another commune's release is refused before its request is read.
        std::optional<AgreementCarrierNow> carrier;
        if (!who.IsCommune() || who.organisation == release->commune) {
          CTG_ASSIGN_OR_RETURN(
              carrier, AgreementCarrierOf(tx, release->request_id, call.now()));
          held.request_state = carrier->request_state;
          held.request_revoked = carrier->carrier.request_revoked;
          held.convention_ended = carrier->carrier.convention_ended;
          held.convention_suspended = carrier->carrier.convention_suspended;
        }
        // R3: one policy call decides whether the commune may ask.
        CTG_RETURN_IF_ERROR(policy::CheckMayAskAgreement(
            who, held, {request->recipient(), request->purpose()}, limits_));
        call.SetRequestId(release->request_id);
        CTG_ASSIGN_OR_RETURN(std::string id, tx.agreements().NextId());
        call.SetTarget("agreement", id);
        call.SetExtractSha256(release->sha256);
        store::AgreementRow row;
        row.id = id;
        row.extract_id = release->extract_id;
        row.request_id = release->request_id;
        row.commune = release->commune;
        row.convention_id = carrier->convention_id;
        row.extract_sha256 = release->sha256;
        row.recipient = request->recipient();
        row.purpose = request->purpose();
        row.requester = who.spiffe_id;
        row.create_time_us = absl::ToUnixMicros(call.now());
        CTG_RETURN_IF_ERROR(tx.agreements().Insert(row));
        CTG_ASSIGN_OR_RETURN(store::AgreementRow stored,
                             tx.agreements().Get(id));
        return ToProto(tx, stored, call.now(), response);
      });
}

grpc::Status TransferAgreementsService::GetTransferAgreement(
    grpc::ServerContext* context,
    const ctg::v1::GetTransferAgreementRequest* request,
    ctg::v1::TransferAgreement* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.TransferAgreements/GetTransferAgreement",
      [&](Call& call) -> absl::Status {
        call.SetTarget("agreement", request->id());
        uint64_t decision_event = 0;
        CTG_RETURN_IF_ERROR(
            db_->Read([&](store::ReadSession& session) -> absl::Status {
              CTG_ASSIGN_OR_RETURN(
                  store::AgreementRow row,
                  LoadVisible(session, request->id(), call.identity()));
              call.SetRequestId(row.request_id);
              CTG_ASSIGN_OR_RETURN(decision_event,
                                   session.agreements().DecisionEvent(row.id));
              return ToProto(session, row, call.now(), response);
            }));
        // R9: the decision's receipt, for the commune to keep with the release.
        if (decision_event == 0) return absl::OkStatus();
        response->set_decision_audit_sequence(decision_event);
        return BuildEventReceipt(*audit_log_, *db_, decision_event,
                                 response->mutable_decision_receipt());
      });
}

grpc::Status TransferAgreementsService::ListTransferAgreements(
    grpc::ServerContext* context,
    const ctg::v1::ListTransferAgreementsRequest* request,
    ctg::v1::ListTransferAgreementsResponse* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.TransferAgreements/ListTransferAgreements",
      [&](Call& call) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(int page_size,
                             PageSize(request->page_size(), config_->limits));
        if (!ctg::v1::TransferAgreementState_IsValid(request->state())) {
          return absl::InvalidArgumentError(absl::StrCat(
              "state: ", request->state(), " is not an agreement state"));
        }
        store::AgreementFilter filter;
        filter.extract_id = request->extract_id();
        if (!request->request_id().empty()) {
          call.AddFact("request_id", request->request_id());
          CTG_RETURN_IF_ERROR(CheckRequestIdFilter(request->request_id()));
          filter.request_id = request->request_id();
        }
        // R8: the commune is the tenant.
        if (call.identity().IsCommune())
          filter.commune = call.identity().organisation;
        if (!request->page_token().empty()) {
          std::optional<int64_t> number =
              store::AgreementNumberOf(request->page_token());
          if (!number) {
            return absl::InvalidArgumentError(
                "page_token: not a token returned by ListTransferAgreements");
          }
          filter.before_number = *number;
        }
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          // The state asked for is the effective one, known only once read:
          // read on until the page is full or the rows run out, so that
          // rows in other states never hide the ones asked for.
          bool more = true;
          while (more && response->agreements_size() < page_size) {
            CTG_ASSIGN_OR_RETURN(
                std::vector<store::AgreementRow> rows,
                session.agreements().List(filter, page_size + 1));
            more = static_cast<int>(rows.size()) > page_size;
            if (more) rows.pop_back();  // only tells that more follow
            for (const store::AgreementRow& row : rows) {
              filter.before_number = *store::AgreementNumberOf(row.id);
              ctg::v1::TransferAgreement agreement;
              CTG_RETURN_IF_ERROR(
                  ToProto(session, row, call.now(), &agreement));
              if (request->state() !=
                      ctg::v1::TRANSFER_AGREEMENT_STATE_UNSPECIFIED &&
                  agreement.state() != request->state()) {
                continue;
              }
              *response->add_agreements() = std::move(agreement);
              if (response->agreements_size() == page_size) {
                more = more || &row != &rows.back();
                break;
              }
            }
          }
          if (more && response->agreements_size() > 0) {
            response->set_next_page_token(
                response->agreements(response->agreements_size() - 1).id());
          }
          call.AddFact("returned", absl::StrCat(response->agreements_size()));
          return absl::OkStatus();
        });
      });
}

grpc::Status TransferAgreementsService::DecideTransferAgreement(
    grpc::ServerContext* context,
    const ctg::v1::DecideTransferAgreementRequest* request,
    ctg::v1::TransferAgreement* response) {
  auto prepare = [&](Call& call) -> absl::Status {
    call.SetTarget("agreement", request->id());
    call.AddFact("decision",
                 ctg::v1::DecideTransferAgreementRequest::Decision_Name(
                     request->decision()));
    call.AddFact("reasons", request->reasons());
    using D = ctg::v1::DecideTransferAgreementRequest;
    if (request->decision() != D::APPROVE && request->decision() != D::REJECT) {
      return absl::InvalidArgumentError("decision: must be APPROVE or REJECT");
    }
    return absl::OkStatus();
  };
  auto commit = [&](Call& call, store::WriteSession& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(store::AgreementRow row,
                         LoadVisible(tx, request->id(), call.identity()));
    call.SetRequestId(row.request_id);
    call.SetExtractSha256(row.extract_sha256);
    call.AddFact("extract_id", row.extract_id);
    call.AddFact("extract_sha256", row.extract_sha256);
    call.AddFact("recipient", row.recipient);
    call.AddFact("purpose", row.purpose);
    CTG_ASSIGN_OR_RETURN(AgreementCarrierNow carrier,
                         AgreementCarrierOf(tx, row.request_id, call.now()));
    const AgreementState effective = AgreementStateWith(row, carrier);
    const bool approve =
        request->decision() == ctg::v1::DecideTransferAgreementRequest::APPROVE;
    // R3: the Caf's prior agreement, with reasons.
    CTG_ASSIGN_OR_RETURN(
        AgreementState to,
        policy::DecideAgreement(call.identity(),
                                {row.id, row.commune, effective,
                                 carrier.carrier.convention_suspended},
                                approve, request->reasons(), limits_));
    CTG_RETURN_IF_ERROR(tx.agreements().InsertDecision(
        row.id, {static_cast<int>(to), request->reasons(),
                 call.identity().spiffe_id, absl::ToUnixMicros(call.now())}));
    CTG_ASSIGN_OR_RETURN(store::AgreementRow stored,
                         tx.agreements().Get(row.id));
    return ToProto(tx, stored, call.now(), response);
  };
  auto after = [&](Call& call) -> absl::Status {
    response->set_decision_audit_sequence(call.audit_sequence());
    return BuildEventReceipt(*audit_log_, *db_, call.audit_sequence(),
                             response->mutable_decision_receipt());
  };
  return dispatcher_->Staged(
      context, "/ctg.v1.TransferAgreements/DecideTransferAgreement", prepare,
      commit, after);
}

}  // namespace ctg::gateway
