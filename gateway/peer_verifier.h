// Verifies every client certificate during the TLS handshake against the
// current trust anchors (CA bundle + CRL), and reports each refusal so that
// it is audited (R9: denied accesses are recorded too).
//
// gRPC is configured to request a client certificate without requiring or
// verifying it itself; this verifier is then the one check (a handshake
// without a certificate included), which lets the CA and CRL be reloaded
// without a restart and every refusal be recorded. The verifier is not told
// the peer's address (gRPC 1.51), so handshake refusals are recorded
// without it.
// Thread-safe.
#ifndef CTG_GATEWAY_PEER_VERIFIER_H_
#define CTG_GATEWAY_PEER_VERIFIER_H_

#include <grpcpp/security/tls_certificate_verifier.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "gateway/trust_anchors.h"

namespace ctg::gateway {

// Called for each refused handshake with the certificate's SHA-256 (hex,
// empty if none), its first URI SAN, and why it was refused. It may block
// (it records the refusal); the handshake fails whatever it does.
using HandshakeRefusalFn = std::function<void(
    const std::string&, const std::string&, const absl::Status&)>;

class PeerVerifier final
    : public grpc::experimental::ExternalCertificateVerifier {
 public:
  PeerVerifier(const TrustAnchorsHolder* anchors, HandshakeRefusalFn on_refusal)
      : anchors_(anchors), on_refusal_(std::move(on_refusal)) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> callback,
              grpc::Status* sync_status) override;
  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {
  }

 private:
  const TrustAnchorsHolder* anchors_;
  HandshakeRefusalFn on_refusal_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_PEER_VERIFIER_H_
