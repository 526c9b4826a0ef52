// The ctg.v1.Conventions service: the Caf administrator records the
// conventions (R10-R12); reviewers, auditors and each commune (its own) read
// them. Thin: rules in policy/convention.h and
// policy/convention_lifecycle.h, rows in store/.
#ifndef CTG_GATEWAY_SERVICES_CONVENTIONS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_CONVENTIONS_SERVICE_H_

#include "ctg/v1/conventions.grpc.pb.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "store/backend.h"
#include "store/convention_store.h"

namespace ctg::gateway {

class ConventionsService final : public ctg::v1::Conventions::Service {
 public:
  ConventionsService(Dispatcher* dispatcher, store::Backend* db,
                     const Config* config)
      : dispatcher_(dispatcher), db_(db), config_(config) {}

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
  // Loads convention `id`, lets `change` modify it (after checks), stores it
  // with a history entry `action`, and fills `response`.
  grpc::Status Change(
      grpc::ServerContext* context, absl::string_view method,
      const std::string& id, const std::string& action,
      const std::string& reason,
      absl::FunctionRef<absl::Status(store::ConventionRow&, Call&)> change,
      ctg::v1::Convention* response);

  Dispatcher* const dispatcher_;
  store::Backend* const db_;
  const Config* const config_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_CONVENTIONS_SERVICE_H_
