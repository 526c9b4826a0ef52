// The ctg.v1.DataRequests service: thin, every call goes through the
// Dispatcher.
#ifndef CTG_GATEWAY_SERVICES_DATA_REQUESTS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_DATA_REQUESTS_SERVICE_H_

#include "ctg/v1/data_requests.grpc.pb.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "store/database.h"

namespace ctg::gateway {

class DataRequestsService final : public ctg::v1::DataRequests::Service {
 public:
  DataRequestsService(Dispatcher* dispatcher, store::Database* db, const Config* config)
      : dispatcher_(dispatcher), db_(db), config_(config) {}

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
  Dispatcher* const dispatcher_;
  store::Database* const db_;
  const Config* const config_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_DATA_REQUESTS_SERVICE_H_
