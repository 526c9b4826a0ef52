#include "gateway/web/tls_setup.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gateway/x509_util.h"

namespace ctg::gateway::web {
namespace {

// What the verification callbacks need, owned by the SSL_CTX (ex_data).
struct Verification {
  const TrustAnchorsHolder* anchors;
  HandshakeRefusalFn on_refusal;
};

int ContextIndex() {
  static const int index = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
        delete static_cast<Verification*>(ptr);
      });
  return index;
}

// Set on a connection once its refusal was reported, so that the alert
// that follows does not report it again.
int ReportedIndex() {
  static const int index =
      SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string ToPem(X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), cert) != 1) return "";
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

void Report(const Verification& v, X509* leaf, const absl::Status& why) {
  std::string sha256, uri;
  if (leaf != nullptr) {
    sha256 = CertificateSha256(leaf);
    std::vector<std::string> uris = UriSans(leaf);
    if (!uris.empty()) uri = uris.front();
  }
  if (v.on_refusal) v.on_refusal(sha256, uri, why);
}

// Replaces OpenSSL's chain verification: TrustAnchors decides, as for gRPC.
int VerifyChain(X509_STORE_CTX* store_ctx, void* arg) {
  const auto* v = static_cast<const Verification*>(arg);
  X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
  std::string chain;
  if (STACK_OF(X509)* untrusted = X509_STORE_CTX_get0_untrusted(store_ctx)) {
    for (int i = 0; i < sk_X509_num(untrusted); ++i) {
      chain += ToPem(sk_X509_value(untrusted, i));
    }
  }
  std::string leaf_pem = leaf != nullptr ? ToPem(leaf) : "";
  absl::Status verdict =
      v->anchors->Get()->VerifyClient(leaf_pem, chain, std::time(nullptr));
  if (verdict.ok()) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(
      store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl != nullptr)
    SSL_set_ex_data(ssl, ReportedIndex(), const_cast<Verification*>(v));
  Report(*v, leaf, verdict);
  X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

// A handshake that fails because the client sent no certificate never
// reaches VerifyChain: report it when the server sends its fatal alert.
void OnInfo(const SSL* ssl, int where, int ret) {
  if ((where & SSL_CB_WRITE_ALERT) == 0) return;
  if (std::string(SSL_alert_type_string(ret)) != "F") return;  // fatal only
  if (SSL_get_ex_data(ssl, ReportedIndex()) != nullptr) return;
  const auto* v = static_cast<const Verification*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ContextIndex()));
  if (v == nullptr) return;
  // Only the failure that follows reading the client's (empty) Certificate
  // message: other failures (no shared cipher, not TLS) are not a refused
  // identity.
  if (SSL_get_state(ssl) != TLS_ST_SR_CERT) return;
  if (SSL_get0_peer_certificate(ssl) != nullptr) return;
  int alert = ret & 0xff;
  if (alert != SSL_AD_CERTIFICATE_REQUIRED && alert != SSL_AD_HANDSHAKE_FAILURE)
    return;
  SSL_set_ex_data(const_cast<SSL*>(ssl), ReportedIndex(),
                  const_cast<Verification*>(v));
  Report(*v, nullptr,
         v->anchors->Get()->VerifyClient("", "", std::time(nullptr)));
}

absl::Status OpenSslError(absl::string_view what) {
  unsigned long e = ERR_get_error();
  char buf[256] = {0};
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", buf));
}

}  // namespace

absl::Status ConfigureTls(SSL_CTX& ctx, const std::string& cert_path,
                          const std::string& key_path,
                          const std::string& ca_path,
                          const TrustAnchorsHolder* anchors,
                          HandshakeRefusalFn on_refusal) {
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1) {
    return absl::InternalError("web: cannot require TLS 1.2 or later");
  }
  // TLS 1.2: forward-secret AEAD suites only.
  SSL_CTX_set_cipher_list(
      &ctx,
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
      "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  // No session resumption: every connection is a full handshake whose
  // certificate is checked against the trust anchors in force.
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_CIPHER_SERVER_PREFERENCE |
                                SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(&ctx, 0);
  if (SSL_CTX_use_certificate_chain_file(&ctx, cert_path.c_str()) != 1) {
    return OpenSslError(absl::StrCat("tls.cert ", cert_path));
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, key_path.c_str(), SSL_FILETYPE_PEM) !=
          1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    return OpenSslError(absl::StrCat("tls.key ", key_path));
  }
  auto* v = new Verification{anchors, std::move(on_refusal)};
  SSL_CTX_set_ex_data(&ctx, ContextIndex(), v);
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     nullptr);
  SSL_CTX_set_cert_verify_callback(&ctx, VerifyChain, v);
  SSL_CTX_set_info_callback(&ctx, OnInfo);
  // Browsers are told which CAs to pick a certificate from.
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca_path.c_str());
  if (names == nullptr) return OpenSslError(absl::StrCat("tls.ca ", ca_path));
  SSL_CTX_set_client_CA_list(&ctx, names);
  return absl::OkStatus();
}

std::string PeerCertificatePem(const SSL* ssl) {
  if (ssl == nullptr) return "";
  X509* peer = SSL_get0_peer_certificate(ssl);
  return peer == nullptr ? "" : ToPem(peer);
}

}  // namespace ctg::gateway::web
