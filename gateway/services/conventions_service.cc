#include "gateway/services/conventions_service.h"

#include "gateway/services/not_yet.h"

namespace ctg::gateway {

grpc::Status ConventionsService::CreateConvention(
    grpc::ServerContext* context,
    const ctg::v1::CreateConventionRequest* /*request*/,
    ctg::v1::Convention* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Conventions/CreateConvention", [](Call&) {
        return NotYetImplemented("Conventions.CreateConvention", 4);
      });
}

grpc::Status ConventionsService::GetConvention(
    grpc::ServerContext* context,
    const ctg::v1::GetConventionRequest* /*request*/,
    ctg::v1::Convention* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Conventions/GetConvention",
      [](Call&) { return NotYetImplemented("Conventions.GetConvention", 4); });
}

grpc::Status ConventionsService::ListConventions(
    grpc::ServerContext* context,
    const ctg::v1::ListConventionsRequest* /*request*/,
    ctg::v1::ListConventionsResponse* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Conventions/ListConventions", [](Call&) {
        return NotYetImplemented("Conventions.ListConventions", 4);
      });
}

grpc::Status ConventionsService::SuspendConvention(
    grpc::ServerContext* context,
    const ctg::v1::SuspendConventionRequest* /*request*/,
    ctg::v1::Convention* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Conventions/SuspendConvention", [](Call&) {
        return NotYetImplemented("Conventions.SuspendConvention", 4);
      });
}

grpc::Status ConventionsService::ReinstateConvention(
    grpc::ServerContext* context,
    const ctg::v1::ReinstateConventionRequest* /*request*/,
    ctg::v1::Convention* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Conventions/ReinstateConvention", [](Call&) {
        return NotYetImplemented("Conventions.ReinstateConvention", 4);
      });
}

grpc::Status ConventionsService::TerminateConvention(
    grpc::ServerContext* context,
    const ctg::v1::TerminateConventionRequest* /*request*/,
    ctg::v1::Convention* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Conventions/TerminateConvention", [](Call&) {
        return NotYetImplemented("Conventions.TerminateConvention", 4);
      });
}

}  // namespace ctg::gateway
