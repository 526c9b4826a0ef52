#include "gateway/services/health_service.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace ctg::gateway {
namespace {

using grpc::health::v1::HealthCheckResponse;

constexpr char kCheck[] = "/grpc.health.v1.Health/Check";
constexpr char kWatch[] = "/grpc.health.v1.Health/Watch";
// The client's service name is echoed in errors at most this long.
constexpr size_t kMaxEchoedName = 128;

// How often a Watch stream looks whether its client has gone.
constexpr auto kWatchPoll = std::chrono::seconds(1);

}  // namespace

HealthService::HealthService(Dispatcher* dispatcher) : dispatcher_(dispatcher) {
  serving_[""] = true;
}

void HealthService::SetServingStatus(const std::string& service_name,
                                     bool serving) {
  MutexLock lock(&mu_);
  if (shut_down_) return;
  serving_[service_name] = serving;
  mu_.NotifyAll();
}

void HealthService::SetServingStatus(bool serving) {
  MutexLock lock(&mu_);
  if (shut_down_) return;
  for (auto& [name, status] : serving_) status = serving;
  mu_.NotifyAll();
}

void HealthService::Shutdown() {
  MutexLock lock(&mu_);
  shut_down_ = true;
  for (auto& [name, status] : serving_) status = false;
  mu_.NotifyAll();
}

HealthService::ServingStatus HealthService::StatusOf(
    const std::string& name) const {
  auto it = serving_.find(name);
  if (it == serving_.end()) return HealthCheckResponse::SERVICE_UNKNOWN;
  return it->second ? HealthCheckResponse::SERVING
                    : HealthCheckResponse::NOT_SERVING;
}

grpc::Status HealthService::Check(
    grpc::ServerContext* context,
    const grpc::health::v1::HealthCheckRequest* request,
    HealthCheckResponse* response) {
  return dispatcher_->Read(context, kCheck, [&](Call& call) -> absl::Status {
    call.SetTarget("service", request->service());
    ServingStatus status;
    {
      MutexLock lock(&mu_);
      status = StatusOf(request->service());
    }
    if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
      return absl::NotFoundError(
          absl::StrCat("health: unknown service \"",
                       request->service().substr(0, kMaxEchoedName), "\""));
    }
    response->set_status(status);
    call.AddFact("status", HealthCheckResponse::ServingStatus_Name(status));
    return absl::OkStatus();
  });
}

absl::Status HealthService::Stream(
    grpc::ServerContext* context, const std::string& name,
    grpc::ServerWriter<HealthCheckResponse>* writer) {
  bool first = true;
  ServingStatus last = HealthCheckResponse::UNKNOWN;
  while (true) {
    ServingStatus now;
    bool ended;
    {
      MutexLock lock(&mu_);
      mu_.AwaitUntil(
          [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return first || shut_down_ || StatusOf(name) != last;
          },
          std::chrono::system_clock::now() + kWatchPoll);
      now = StatusOf(name);
      ended = shut_down_;
    }
    if (context->IsCancelled()) {
      return absl::CancelledError("health watch: the client has gone");
    }
    if (first || now != last) {
      HealthCheckResponse response;
      response.set_status(now);
      if (!writer->Write(response)) {
        return absl::CancelledError("health watch: the client has gone");
      }
      first = false;
      last = now;
    }
    if (ended) return absl::OkStatus();
  }
}

grpc::Status HealthService::Watch(
    grpc::ServerContext* context,
    const grpc::health::v1::HealthCheckRequest* request,
    grpc::ServerWriter<HealthCheckResponse>* writer) {
  return dispatcher_->Staged(
      context, kWatch,
      [&](Call& call) {
        call.SetTarget("service", request->service());
        return absl::OkStatus();
      },
      [](Call&, store::WriteSession&) { return absl::OkStatus(); },
      [&](Call&) { return Stream(context, request->service(), writer); });
}

}  // namespace ctg::gateway
