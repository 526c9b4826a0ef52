// The ctg.v1.TransferAgreements service: onward-transfer agreements (R3).
// A requester of the commune asks, on a release its commune holds, the
// Caf's prior agreement to pass it to a named third party for a stated
// purpose; a Caf reviewer approves or rejects it with reasons, and gets
// the decision's signed receipt (R9). An agreement ends when its request
// is revoked or its convention ends (policy::EffectiveAgreementState:
// computed on reading, never stored).
//
// Thin: load, one policy call (policy/transfer_agreement.h), write, audit
// facts, through the Dispatcher. Tenant isolation: another commune's
// release or agreement is NOT_FOUND, as a missing one.
//
// `dispatcher`, `db`, `config` and `audit_log` must outlive the service.
// Thread-safe (no mutable state; the store serialises writes).
#ifndef CTG_GATEWAY_SERVICES_TRANSFER_AGREEMENTS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_TRANSFER_AGREEMENTS_SERVICE_H_

#include "ctg/v1/transfer_agreements.grpc.pb.h"
#include "gateway/audit_log.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "policy/request_validation.h"
#include "store/backend.h"

namespace ctg::gateway {

class TransferAgreementsService final
    : public ctg::v1::TransferAgreements::Service {
 public:
  TransferAgreementsService(Dispatcher* dispatcher, store::Backend* db,
                            const Config* config, AuditLog* audit_log);

  // Errors, with one event and nothing stored: a release of another
  // commune or none NOT_FOUND (`release <id> not found`); its request
  // revoked, its convention ended or suspended FAILED_PRECONDITION;
  // recipient or purpose missing INVALID_ARGUMENT naming the field.
  grpc::Status RequestTransferAgreement(
      grpc::ServerContext* context,
      const ctg::v1::RequestTransferAgreementRequest* request,
      ctg::v1::TransferAgreement* response) override;
  grpc::Status GetTransferAgreement(
      grpc::ServerContext* context,
      const ctg::v1::GetTransferAgreementRequest* request,
      ctg::v1::TransferAgreement* response) override;
  // Filtered by release (extract_id) or by request (request_id: one not
  // shaped as a request id is INVALID_ARGUMENT naming the field).
  grpc::Status ListTransferAgreements(
      grpc::ServerContext* context,
      const ctg::v1::ListTransferAgreementsRequest* request,
      ctg::v1::ListTransferAgreementsResponse* response) override;
  // Errors, with one event and nothing stored: as policy::DecideAgreement
  // (ENDED, or the convention suspended: FAILED_PRECONDITION).
  grpc::Status DecideTransferAgreement(
      grpc::ServerContext* context,
      const ctg::v1::DecideTransferAgreementRequest* request,
      ctg::v1::TransferAgreement* response) override;

 private:
  Dispatcher* const dispatcher_;
  store::Backend* const db_;
  const Config* const config_;
  AuditLog* const audit_log_;
  const policy::RequestLimits limits_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_TRANSFER_AGREEMENTS_SERVICE_H_
