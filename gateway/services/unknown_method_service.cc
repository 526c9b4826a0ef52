#include "gateway/services/unknown_method_service.h"

#include <utility>

namespace ctg::gateway {
namespace {

// Answers at once, without reading the client's messages.
class Refusal final : public grpc::ServerGenericBidiReactor {
 public:
  explicit Refusal(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerGenericBidiReactor* UnknownMethodService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  // The dispatcher refuses a method outside the authorization tables
  // (UNIMPLEMENTED) once the identity is accepted; the body never runs.
  grpc::Status status =
      dispatcher_->Read(context, context->method(), [](Call& call) {
        return absl::UnimplementedError(absl::StrCat(
            "method ", call.method(), " is not served by this gateway"));
      });
  return new Refusal(std::move(status));
}

}  // namespace ctg::gateway
