// The ctg.v1.CafRequests service: the Caf's requests for a commune's data
// (R1 in the Caf -> commune direction, R2, R8, R9). A Caf requester files
// a request to a commune under its convention; the commune's reviewers
// study and decide it with the state machine, opinions, four-eyes option
// (config workflow.four_eyes) and history of DataRequests, the direction
// being data (policy::Direction::kCafToCommune; the actions are the ones
// DataRequests uses, request_workflow.h); once approved the commune
// uploads its file (size-limited by limits.max_upload_bytes, addressed by
// its SHA-256, checked against the approved template, attested free of
// personal data: policy/upload.h) and the Caf downloads it with a signed
// receipt.
//
// Thin: every call goes through the Dispatcher (authorization, one audit
// event per call, writes in its transaction): load, one policy call,
// write, audit facts. Tenant isolation: another commune's reviewer gets
// NOT_FOUND with the message of a missing id.
//
// `dispatcher`, `db`, `config` and `audit_log` must outlive the service.
// Thread-safe (no mutable state; the store serialises writes).
#ifndef CTG_GATEWAY_SERVICES_CAF_REQUESTS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_CAF_REQUESTS_SERVICE_H_

#include "absl/functional/function_ref.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "gateway/audit_log.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "gateway/services/request_workflow.h"
#include "policy/request_validation.h"
#include "store/backend.h"

namespace ctg::gateway {

class CafRequestsService final : public ctg::v1::CafRequests::Service {
 public:
  CafRequestsService(Dispatcher* dispatcher, store::Backend* db,
                     const Config* config, AuditLog* audit_log);

  grpc::Status SubmitCafRequest(grpc::ServerContext* context,
                                const ctg::v1::SubmitCafRequestRequest* request,
                                ctg::v1::CafRequest* response) override;
  grpc::Status GetCafRequest(grpc::ServerContext* context,
                             const ctg::v1::GetCafRequestRequest* request,
                             ctg::v1::CafRequest* response) override;
  grpc::Status ListCafRequests(
      grpc::ServerContext* context,
      const ctg::v1::ListCafRequestsRequest* request,
      ctg::v1::ListCafRequestsResponse* response) override;
  grpc::Status AmendCafRequest(grpc::ServerContext* context,
                               const ctg::v1::AmendCafRequestRequest* request,
                               ctg::v1::CafRequest* response) override;
  grpc::Status WithdrawCafRequest(
      grpc::ServerContext* context,
      const ctg::v1::WithdrawCafRequestRequest* request,
      ctg::v1::CafRequest* response) override;
  grpc::Status StartCafRequestStudy(
      grpc::ServerContext* context,
      const ctg::v1::StartCafRequestStudyRequest* request,
      ctg::v1::CafRequest* response) override;
  grpc::Status RequestCafRequestInformation(
      grpc::ServerContext* context,
      const ctg::v1::RequestCafRequestInformationRequest* request,
      ctg::v1::CafRequest* response) override;
  grpc::Status DecideCafRequest(grpc::ServerContext* context,
                                const ctg::v1::DecideCafRequestRequest* request,
                                ctg::v1::CafRequest* response) override;
  grpc::Status RevokeCafRequest(grpc::ServerContext* context,
                                const ctg::v1::RevokeCafRequestRequest* request,
                                ctg::v1::CafRequest* response) override;
  // Errors, each with one event and nothing stored: another commune's
  // request NOT_FOUND; not APPROVED or already uploaded
  // FAILED_PRECONDITION; over limits.max_upload_bytes RESOURCE_EXHAUSTED
  // (reading stops there); no attestation, a digest that differs, not a
  // CSV, not the approved template INVALID_ARGUMENT naming the problem.
  grpc::Status UploadCafRequestData(
      grpc::ServerContext* context,
      grpc::ServerReader<ctg::v1::UploadCafRequestDataChunk>* reader,
      ctg::v1::CafRequestUpload* response) override;
  grpc::Status GetCafRequestData(
      grpc::ServerContext* context,
      const ctg::v1::GetCafRequestDataRequest* request,
      grpc::ServerWriter<ctg::v1::CafRequestDataChunk>* writer) override;

 private:
  struct Loaded;
  // Loads request `id` in the write transaction (visible to the caller),
  // runs `act` with the history it appends to, answers with the request as
  // written.
  using ActBody = absl::Status(const Loaded&, Call&, store::WriteSession&,
                               RequestHistory&);
  grpc::Status Act(grpc::ServerContext* context, absl::string_view method,
                   const std::string& id, absl::FunctionRef<ActBody> act,
                   ctg::v1::CafRequest* response);
  // Request `id` with what the shared actions take (visible to the caller
  // of `call`). Errors: NOT_FOUND for a request the caller may not see,
  // INVALID_ARGUMENT for an id that is none, DATA_LOSS for corrupted rows.
  static absl::StatusOr<Loaded> Load(store::ReadSession& session,
                                     const std::string& id, const Call& call);

  Dispatcher* const dispatcher_;
  store::Backend* const db_;
  const Config* const config_;
  AuditLog* const audit_log_;
  const policy::RequestLimits limits_;
  const RequestActions actions_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_CAF_REQUESTS_SERVICE_H_
