// The catch-all for methods this gateway does not serve: instead of gRPC's
// silent UNIMPLEMENTED, each such call goes through the Dispatcher, so that
// the caller's identity is checked first (UNAUTHENTICATED for one the
// gateway does not accept), it is rate-limited, and it leaves its event
// (R9); an accepted identity gets UNIMPLEMENTED naming the method.
//
// Registered with grpc::ServerBuilder::RegisterCallbackGenericService; the
// method name comes from the client and is recorded bounded (Call).
// Thread-safe.
#ifndef CTG_GATEWAY_SERVICES_UNKNOWN_METHOD_SERVICE_H_
#define CTG_GATEWAY_SERVICES_UNKNOWN_METHOD_SERVICE_H_

#include <grpcpp/generic/async_generic_service.h>

#include "gateway/dispatcher.h"

namespace ctg::gateway {

class UnknownMethodService final : public grpc::CallbackGenericService {
 public:
  // `dispatcher` must outlive the service.
  explicit UnknownMethodService(Dispatcher* dispatcher)
      : dispatcher_(dispatcher) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  Dispatcher* const dispatcher_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_UNKNOWN_METHOD_SERVICE_H_
