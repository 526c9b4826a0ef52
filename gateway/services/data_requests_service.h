// The ctg.v1.DataRequests service: the étude d'opportunité et de
// faisabilité (R1, R2, R3, R11). Commune requesters file, amend and
// withdraw requests; Caf reviewers study and decide them; reviewers and
// admins revoke approvals. Thin: every call goes through the Dispatcher
// (authorization, one audit event per call, writes in its transaction);
// the rules are policy/request_state.h, policy/request_validation.h and
// policy/workflow.h, the actions shared with CafRequests
// request_workflow.h, the rows store/request_store.h, the conversions
// request_proto.h.
//
// Tenant isolation: a commune identity acting on another commune's request
// gets NOT_FOUND with the very message of a missing id.
//
// Four-eyes (config workflow.four_eyes): DecideRequest without a decision
// records the opinion(s) it carries; a decision combines the opinions it
// carries (by the caller) with those recorded on the current version, and
// the two must come from different reviewers. A reviewer's opinions given
// in one call are both theirs, so under four-eyes they take two calls by
// two reviewers.
//
// Every request's state is its effective state (R11: an approval past its
// end or its convention's is EXPIRED, shown, not stored). PreviewFeasibility
// answers what the secret statistique would publish of a request's scope
// (feasibility_preview.h), for the reviewer's feasibility opinion.
//
// `dispatcher`, `db`, `config` and `bases` must outlive the service.
// Thread-safe (no mutable state; the store serialises writes).
#ifndef CTG_GATEWAY_SERVICES_DATA_REQUESTS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_DATA_REQUESTS_SERVICE_H_

#include "ctg/v1/data_requests.grpc.pb.h"
#include "gateway/commune_bases.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "gateway/services/request_proto.h"
#include "gateway/services/request_workflow.h"
#include "policy/request_validation.h"
#include "policy/workflow.h"
#include "store/backend.h"

namespace ctg::gateway {

class DataRequestsService final : public ctg::v1::DataRequests::Service {
 public:
  DataRequestsService(Dispatcher* dispatcher, store::Backend* db,
                      const Config* config, CommuneBases* bases);

  grpc::Status SubmitRequest(grpc::ServerContext* context,
                             const ctg::v1::SubmitRequestRequest* request,
                             ctg::v1::DataRequest* response) override;
  grpc::Status GetRequest(grpc::ServerContext* context,
                          const ctg::v1::GetRequestRequest* request,
                          ctg::v1::DataRequest* response) override;
  grpc::Status ListRequests(grpc::ServerContext* context,
                            const ctg::v1::ListRequestsRequest* request,
                            ctg::v1::ListRequestsResponse* response) override;
  grpc::Status AmendRequest(grpc::ServerContext* context,
                            const ctg::v1::AmendRequestRequest* request,
                            ctg::v1::DataRequest* response) override;
  grpc::Status WithdrawRequest(grpc::ServerContext* context,
                               const ctg::v1::WithdrawRequestRequest* request,
                               ctg::v1::DataRequest* response) override;
  grpc::Status StartStudy(grpc::ServerContext* context,
                          const ctg::v1::StartStudyRequest* request,
                          ctg::v1::DataRequest* response) override;
  grpc::Status PreviewFeasibility(
      grpc::ServerContext* context,
      const ctg::v1::PreviewFeasibilityRequest* request,
      ctg::v1::FeasibilityPreview* response) override;
  grpc::Status RequestInformation(
      grpc::ServerContext* context,
      const ctg::v1::RequestInformationRequest* request,
      ctg::v1::DataRequest* response) override;
  grpc::Status DecideRequest(grpc::ServerContext* context,
                             const ctg::v1::DecideRequestRequest* request,
                             ctg::v1::DataRequest* response) override;
  grpc::Status RevokeRequest(grpc::ServerContext* context,
                             const ctg::v1::RevokeRequestRequest* request,
                             ctg::v1::DataRequest* response) override;

 private:
  // A write on an existing request: `act` runs in the transaction once
  // the request is loaded (and visible to the caller), with the history it
  // appends to; then `response` is filled from the stored result.
  struct Loaded;
  using ActBody = absl::Status(const Loaded&, Call&, store::WriteSession&,
                               RequestHistory&);
  grpc::Status Act(grpc::ServerContext* context, absl::string_view method,
                   const std::string& id, absl::FunctionRef<ActBody> act,
                   ctg::v1::DataRequest* response);
  // Request `id` with what the shared actions take (visible to the caller
  // of `call`). Errors: NOT_FOUND for a request the caller may not see,
  // INVALID_ARGUMENT for an id that is none, DATA_LOSS for corrupted rows.
  static absl::StatusOr<Loaded> Load(store::ReadSession& session,
                                     const std::string& id, const Call& call);

  Dispatcher* const dispatcher_;
  store::Backend* const db_;
  const Config* const config_;
  CommuneBases* const bases_;
  const policy::RequestLimits limits_;
  const RequestActions actions_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_DATA_REQUESTS_SERVICE_H_
