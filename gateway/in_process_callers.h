// The callers of calls the gateway makes to itself on behalf of a web
// console user (gateway/web/): the web listener verifies the user's client
// certificate, then calls the same gRPC service over an in-process channel.
// Such a call has no TLS peer; its caller is the certificate bound here for
// the duration of the call, found by CallerResolver either by the call's
// context (a ServerContext the web layer made itself) or by a one-time
// random token the in-process call carries in its metadata.
//
// Neither can be spoofed from the network: a context registered here never
// comes from a transport, and a token is honoured only on a call without a
// TLS transport (the gRPC port serves TLS only), is 256 random bits, and
// exists only while the web layer's call runs.
//
// Thread-safe.
#ifndef CTG_GATEWAY_IN_PROCESS_CALLERS_H_
#define CTG_GATEWAY_IN_PROCESS_CALLERS_H_

#include <grpcpp/server_context.h>

#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "base/mutex.h"

namespace ctg::gateway {

// The metadata key carrying the token of an in-process call.
inline constexpr char kInProcessTokenKey[] = "ctg-in-process-caller";

class InProcessCallers {
 public:
  struct Binding {
    std::string cert_pem;  // the verified client certificate (leaf, PEM)
    std::string peer;      // the user's address, "ipv4:1.2.3.4:5678"
  };

  InProcessCallers() = default;
  InProcessCallers(const InProcessCallers&) = delete;
  InProcessCallers& operator=(const InProcessCallers&) = delete;

  // Registers `binding` and returns the token to send as kInProcessTokenKey.
  std::string BindToken(Binding binding) ABSL_LOCKS_EXCLUDED(mu_);
  void UnbindToken(const std::string& token) ABSL_LOCKS_EXCLUDED(mu_);
  // Registers `binding` for calls made with `context` (not from a transport).
  void BindContext(const grpc::ServerContextBase* context, Binding binding)
      ABSL_LOCKS_EXCLUDED(mu_);
  void UnbindContext(const grpc::ServerContextBase* context)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The binding of `context`, if it is an in-process call of a bound user.
  std::optional<Binding> Find(const grpc::ServerContextBase& context) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable Mutex mu_;
  absl::flat_hash_map<std::string, Binding> by_token_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<const grpc::ServerContextBase*, Binding> by_context_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_IN_PROCESS_CALLERS_H_
