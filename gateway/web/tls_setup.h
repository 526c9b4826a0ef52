// TLS of the web console's HTTPS listener: the gateway's own certificate,
// TLS 1.2 or 1.3 only, and a client certificate REQUIRED and verified by
// the same TrustAnchors as the gRPC port (CA, validity, CRL, X.509-SVID leaf
// profile: TrustAnchors::VerifyClient). Every refused handshake, one
// without a certificate included, is reported to `on_refusal` with the same
// arguments as PeerVerifier reports it (so it is audited identically).
//
// The SSL_CTX keeps pointers to `anchors` and to a copy of `on_refusal`,
// which live as long as the context (freed with it).
#ifndef CTG_GATEWAY_WEB_TLS_SETUP_H_
#define CTG_GATEWAY_WEB_TLS_SETUP_H_

#include <openssl/ssl.h>

#include <string>

#include "absl/status/status.h"
#include "gateway/peer_verifier.h"
#include "gateway/trust_anchors.h"

namespace ctg::gateway::web {

// Errors: kInvalidArgument naming tls.cert / tls.key / tls.ca when they cannot
// be loaded; kInternal when OpenSSL refuses a setting. `ca_path` names the CAs
// browsers are told to pick a certificate from.
absl::Status ConfigureTls(SSL_CTX& ctx, const std::string& cert_path,
                          const std::string& key_path,
                          const std::string& ca_path,
                          const TrustAnchorsHolder* anchors,
                          HandshakeRefusalFn on_refusal);

// The verified client certificate of an established connection, as PEM
// (empty when there is none).
std::string PeerCertificatePem(const SSL* ssl);

}  // namespace ctg::gateway::web

#endif  // CTG_GATEWAY_WEB_TLS_SETUP_H_
