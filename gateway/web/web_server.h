// The web console's HTTPS listener (config [web]): static pages and assets
// embedded in the binary, GET /session (the caller's identity and CSRF
// token), and the JSON API (json_api.h) under POST /api/<Service>/<Method>.
//
// Every connection presents a client certificate verified like the gRPC
// port's (tls_setup.h); every API call is checked for its CSRF token
// (http_security.h); POST /report/evaluation?from=DAY&to=DAY gives the R13
// report (evaluation_report_json.h) from ListRequests calls made as the
// caller. A call refused for it is recorded through the
// Dispatcher as a refusal of that method (PERMISSION_DENIED) without
// running it. Served by cpp-httplib (Debian's libcpp-httplib-dev) on its
// own threads.
//
// Thread-safe.
#ifndef CTG_GATEWAY_WEB_WEB_SERVER_H_
#define CTG_GATEWAY_WEB_WEB_SERVER_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/caller.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "gateway/in_process_callers.h"
#include "gateway/trust_anchors.h"

namespace ctg::gateway::web {

struct WebServerDeps {
  const Config* config;
  const TrustAnchorsHolder* anchors;
  InProcessCallers* callers;
  CallerResolver* resolver;  // the Dispatcher's, for GET /session
  Dispatcher* dispatcher;
  // The gRPC server's in-process channel.
  std::shared_ptr<grpc::Channel> channel;
  // The checkpoint signer's note verifier key, shown to auditors' browsers
  // (which verify checkpoint signatures with it).
  std::string audit_verifier_key;
};

class WebServer {
 public:
  // Binds config.web.listen and starts serving. Every pointer of `deps`
  // must outlive the server. Errors: kInvalidArgument naming web.listen
  // (unusable address) or the TLS file; kFailedPrecondition when the port
  // is taken.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(WebServerDeps deps);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // "127.0.0.1:PORT", the address actually bound.
  const std::string& address() const;
  // Stops accepting and waits for the listener thread; idempotent.
  void Shutdown();

  struct Impl;

 private:
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctg::gateway::web

#endif  // CTG_GATEWAY_WEB_WEB_SERVER_H_
