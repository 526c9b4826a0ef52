// ctg health: is the gateway up, and does it accept this certificate's TLS?
#include <iostream>

#include "cli/command.h"
#include "cli/connection.h"
#include "cli/output.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace ctg::cli {
namespace {

int Health(const Args& args) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = grpc::health::v1::Health::NewStub(conn->channel);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  auto context = NewContext(args, 10);
  grpc::Status status = stub->Check(context.get(), request, &response);
  if (!status.ok()) return ReportRpcError(status);
  std::cout << conn->gateway << ": "
            << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                   response.status())
            << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? kExitOk
             : kExitFailed;
}

}  // namespace

void RegisterHealthCommands(std::vector<Command>& commands) {
  commands.push_back(
      {"",
       "health",
       "",
       "Checks that the gateway is serving (grpc.health.v1), over mTLS "
       "with your certificate.",
       {},
       Health});
}

}  // namespace ctg::cli
