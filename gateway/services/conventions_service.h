// The ctg.v1.Conventions service: thin, every call goes through the Dispatcher.
#ifndef CTG_GATEWAY_SERVICES_CONVENTIONS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_CONVENTIONS_SERVICE_H_

#include "ctg/v1/conventions.grpc.pb.h"
#include "gateway/dispatcher.h"

namespace ctg::gateway {

class ConventionsService final : public ctg::v1::Conventions::Service {
 public:
  explicit ConventionsService(Dispatcher* dispatcher)
      : dispatcher_(dispatcher) {}

  grpc::Status CreateConvention(grpc::ServerContext* context,
                                const ctg::v1::CreateConventionRequest* request,
                                ctg::v1::Convention* response) override;
  grpc::Status GetConvention(grpc::ServerContext* context,
                             const ctg::v1::GetConventionRequest* request,
                             ctg::v1::Convention* response) override;
  grpc::Status ListConventions(
      grpc::ServerContext* context,
      const ctg::v1::ListConventionsRequest* request,
      ctg::v1::ListConventionsResponse* response) override;
  grpc::Status SuspendConvention(
      grpc::ServerContext* context,
      const ctg::v1::SuspendConventionRequest* request,
      ctg::v1::Convention* response) override;
  grpc::Status ReinstateConvention(
      grpc::ServerContext* context,
      const ctg::v1::ReinstateConventionRequest* request,
      ctg::v1::Convention* response) override;
  grpc::Status TerminateConvention(
      grpc::ServerContext* context,
      const ctg::v1::TerminateConventionRequest* request,
      ctg::v1::Convention* response) override;

 private:
  Dispatcher* const dispatcher_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_CONVENTIONS_SERVICE_H_
