// The safety net behind the Dispatcher (R9: every call is an event): a
// server interceptor that sees the status of every call as gRPC sends it,
// and has the Dispatcher record the calls that never reached a service
// body (Dispatcher::FinishCall), e.g. a request message gRPC could not
// parse (the generated handler answers INTERNAL before any project code
// runs; the client gets INVALID_ARGUMENT saying so instead).
//
// It also hands the request message of every unary or server-streaming
// call of the gateway's methods to Dispatcher::CheckRequest as it arrives,
// before the service runs: a message over limits.max_message_bytes and text
// with a NUL byte are refused there, audited. (A client stream's messages
// are read, and bounded, by the service: BoundedStreamReader.)
//
// What no interceptor sees in gRPC 1.51, so what leaves no event: a
// request message of a unary or server-streaming call larger than
// limits.transport_max_message_bytes (the receive limit the server gives
// gRPC, above limits.max_message_bytes so that the gateway sees and
// records what lies between) and metadata larger than gRPC's limit are
// refused by the transport, which kills the call before it is handed to
// the server (gRPC exposes no hook where such a refusal could be counted);
// a connection that fails before or during the TLS handshake for reasons
// other than its certificate (e.g. plaintext, an unsupported TLS version)
// is refused by gRPC's TLS layer before the certificate verifier runs. In a
// client stream such a message ends a call already admitted: the service's
// read fails as at a normal end of stream, and the event records CANCELLED
// (when gRPC has reported the cancellation by then) or the outcome of the
// messages received before, not the cause.
//
// Thread-safe (one interceptor per call, created by gRPC).
#ifndef CTG_GATEWAY_AUDIT_INTERCEPTOR_H_
#define CTG_GATEWAY_AUDIT_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

#include "gateway/dispatcher.h"

namespace ctg::gateway {

class AuditInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `dispatcher` must outlive the server; its call tracking is turned on.
  explicit AuditInterceptorFactory(Dispatcher* dispatcher);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  Dispatcher* const dispatcher_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_AUDIT_INTERCEPTOR_H_
