// grpc.health.v1.Health on the mTLS port, served by the gateway itself so
// that it follows the same policy as ctg.v1 (R8, R9): only an identity the
// gateway accepts gets an answer (every role may ask:
// policy::StandardServicesTable), each call is rate-limited and is one
// audit event, allowed or refused.
//
// It is also the server's HealthCheckServiceInterface (installed with
// grpc::HealthCheckServiceServerBuilderOption), so that
// grpc::Server::GetHealthCheckService()->SetServingStatus(...) drives what
// Check and Watch answer. The overall service "" starts SERVING; other
// names are known once given a status. Shutdown() turns every name
// NOT_SERVING for good and ends the Watch streams.
//
// Thread-safe.
#ifndef CTG_GATEWAY_SERVICES_HEALTH_SERVICE_H_
#define CTG_GATEWAY_SERVICES_HEALTH_SERVICE_H_

#include <grpcpp/health_check_service_interface.h>

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "base/mutex.h"
#include "gateway/dispatcher.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace ctg::gateway {

class HealthService final : public grpc::health::v1::Health::Service,
                            public grpc::HealthCheckServiceInterface {
 public:
  // `dispatcher` must outlive the service.
  explicit HealthService(Dispatcher* dispatcher);

  // HealthCheckServiceInterface.
  void SetServingStatus(const std::string& service_name, bool serving) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void SetServingStatus(bool serving) override ABSL_LOCKS_EXCLUDED(mu_);
  void Shutdown() override ABSL_LOCKS_EXCLUDED(mu_);

  // NOT_FOUND for a service name never given a status.
  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  // The current status at once (SERVICE_UNKNOWN for an unknown name), then
  // each change, until the client leaves or the service shuts down.
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>*
                         writer) override;

 private:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;
  ServingStatus StatusOf(const std::string& name) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Stream(
      grpc::ServerContext* context, const std::string& name,
      grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer)
      ABSL_LOCKS_EXCLUDED(mu_);

  Dispatcher* const dispatcher_;
  mutable Mutex mu_;
  std::map<std::string, bool> serving_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_HEALTH_SERVICE_H_
