// The ctg.v1.Audit service (auditors): the trail, signed checkpoints and
// RFC 6962 proofs. Thin: reads the store and the AuditLog.
#ifndef CTG_GATEWAY_SERVICES_AUDIT_SERVICE_H_
#define CTG_GATEWAY_SERVICES_AUDIT_SERVICE_H_

#include "ctg/v1/audit.grpc.pb.h"
#include "gateway/audit_log.h"
#include "gateway/dispatcher.h"
#include "store/backend.h"

namespace ctg::gateway {

class AuditService final : public ctg::v1::Audit::Service {
 public:
  AuditService(Dispatcher* dispatcher, store::Backend* db, AuditLog* log,
               std::string origin)
      : dispatcher_(dispatcher),
        db_(db),
        log_(log),
        origin_(std::move(origin)) {}

  grpc::Status ListEvents(
      grpc::ServerContext* context, const ctg::v1::ListEventsRequest* request,
      grpc::ServerWriter<ctg::v1::AuditEvent>* writer) override;
  grpc::Status GetCheckpoint(grpc::ServerContext* context,
                             const ctg::v1::GetCheckpointRequest* request,
                             ctg::v1::Checkpoint* response) override;
  grpc::Status GetInclusionProof(
      grpc::ServerContext* context,
      const ctg::v1::GetInclusionProofRequest* request,
      ctg::v1::InclusionProof* response) override;
  grpc::Status GetConsistencyProof(
      grpc::ServerContext* context,
      const ctg::v1::GetConsistencyProofRequest* request,
      ctg::v1::ConsistencyProof* response) override;

 private:
  absl::Status FillCheckpoint(ctg::v1::Checkpoint* out);

  Dispatcher* const dispatcher_;
  store::Backend* const db_;
  AuditLog* const log_;
  const std::string origin_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_AUDIT_SERVICE_H_
