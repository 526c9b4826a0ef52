#include "gateway/services/data_requests_service.h"

#include "gateway/services/not_yet.h"

namespace ctg::gateway {

grpc::Status DataRequestsService::SubmitRequest(
    grpc::ServerContext* context,
    const ctg::v1::SubmitRequestRequest* /*request*/,
    ctg::v1::DataRequest* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/SubmitRequest",
      [](Call&) { return NotYetImplemented("DataRequests.SubmitRequest", 6); });
}

grpc::Status DataRequestsService::GetRequest(
    grpc::ServerContext* context, const ctg::v1::GetRequestRequest* /*request*/,
    ctg::v1::DataRequest* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/GetRequest",
      [](Call&) { return NotYetImplemented("DataRequests.GetRequest", 6); });
}

grpc::Status DataRequestsService::ListRequests(
    grpc::ServerContext* context,
    const ctg::v1::ListRequestsRequest* /*request*/,
    ctg::v1::ListRequestsResponse* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/ListRequests",
      [](Call&) { return NotYetImplemented("DataRequests.ListRequests", 6); });
}

grpc::Status DataRequestsService::AmendRequest(
    grpc::ServerContext* context,
    const ctg::v1::AmendRequestRequest* /*request*/,
    ctg::v1::DataRequest* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/AmendRequest",
      [](Call&) { return NotYetImplemented("DataRequests.AmendRequest", 6); });
}

grpc::Status DataRequestsService::WithdrawRequest(
    grpc::ServerContext* context,
    const ctg::v1::WithdrawRequestRequest* /*request*/,
    ctg::v1::DataRequest* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/WithdrawRequest", [](Call&) {
        return NotYetImplemented("DataRequests.WithdrawRequest", 6);
      });
}

grpc::Status DataRequestsService::StartStudy(
    grpc::ServerContext* context, const ctg::v1::StartStudyRequest* /*request*/,
    ctg::v1::DataRequest* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/StartStudy",
      [](Call&) { return NotYetImplemented("DataRequests.StartStudy", 6); });
}

grpc::Status DataRequestsService::PreviewFeasibility(
    grpc::ServerContext* context,
    const ctg::v1::PreviewFeasibilityRequest* /*request*/,
    ctg::v1::FeasibilityPreview* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/PreviewFeasibility", [](Call&) {
        return NotYetImplemented("DataRequests.PreviewFeasibility", 6);
      });
}

grpc::Status DataRequestsService::RequestInformation(
    grpc::ServerContext* context,
    const ctg::v1::RequestInformationRequest* /*request*/,
    ctg::v1::DataRequest* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/RequestInformation", [](Call&) {
        return NotYetImplemented("DataRequests.RequestInformation", 6);
      });
}

grpc::Status DataRequestsService::DecideRequest(
    grpc::ServerContext* context,
    const ctg::v1::DecideRequestRequest* /*request*/,
    ctg::v1::DataRequest* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/DecideRequest",
      [](Call&) { return NotYetImplemented("DataRequests.DecideRequest", 6); });
}

grpc::Status DataRequestsService::RevokeRequest(
    grpc::ServerContext* context,
    const ctg::v1::RevokeRequestRequest* /*request*/,
    ctg::v1::DataRequest* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.DataRequests/RevokeRequest",
      [](Call&) { return NotYetImplemented("DataRequests.RevokeRequest", 6); });
}

}  // namespace ctg::gateway
