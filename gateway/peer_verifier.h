// Verifies every client certificate during the TLS handshake against the
// current trust anchors (CA bundle + CRL), and reports each refusal so that
// it is audited (R9: denied accesses are recorded too).
//
// gRPC is configured to request and require a client certificate without
// verifying it itself; this verifier is then the one check, which lets the
// CA and CRL be reloaded without a restart and every refusal be recorded.
// Thread-safe.
#ifndef CTG_GATEWAY_PEER_VERIFIER_H_
#define CTG_GATEWAY_PEER_VERIFIER_H_

#include <functional>
#include <string>

#include <grpcpp/security/tls_certificate_verifier.h>

#include "absl/status/status.h"
#include "gateway/trust_anchors.h"

namespace ctg::gateway {

// Called for each refused handshake with the certificate's SHA-256 (hex,
// empty if none), its first URI SAN, and why it was refused.
using HandshakeRefusalFn =
    std::function<void(const std::string&, const std::string&, const absl::Status&)>;

class PeerVerifier final : public grpc::experimental::ExternalCertificateVerifier {
 public:
  PeerVerifier(const TrustAnchorsHolder* anchors, HandshakeRefusalFn on_refusal)
      : anchors_(anchors), on_refusal_(std::move(on_refusal)) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> callback,
              grpc::Status* sync_status) override;
  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {}

 private:
  const TrustAnchorsHolder* anchors_;
  HandshakeRefusalFn on_refusal_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_PEER_VERIFIER_H_
