#include "gateway/trust_anchors.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/x509_util.h"

namespace ctg::gateway {
namespace {

struct CrlDeleter {
  void operator()(X509_CRL* c) const { X509_CRL_free(c); }
};

absl::StatusOr<std::vector<std::unique_ptr<X509_CRL, CrlDeleter>>> ParseCrls(
    const std::string& pem, const std::string& path) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  std::vector<std::unique_ptr<X509_CRL, CrlDeleter>> crls;
  while (X509_CRL* crl =
             PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
    crls.emplace_back(crl);
  }
  BIO_free(bio);
  ERR_clear_error();
  if (crls.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.crl ", path, ": no PEM CRL found"));
  }
  return crls;
}

bool SignedByOneOf(X509_CRL* crl, const std::vector<X509Ptr>& cas) {
  for (const X509Ptr& ca : cas) {
    EVP_PKEY* key = X509_get0_pubkey(ca.get());
    if (key != nullptr && X509_CRL_verify(crl, key) == 1) return true;
  }
  ERR_clear_error();
  return false;
}

// nextUpdate of `crl`, or InfiniteFuture when it has none.
absl::Time NextUpdate(const X509_CRL* crl) {
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
  struct tm tm {};
  if (next == nullptr || ASN1_TIME_to_tm(next, &tm) != 1)
    return absl::InfiniteFuture();
  return absl::FromTimeT(timegm(&tm));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const TrustAnchors>> TrustAnchors::Load(
    const std::string& ca_path, const std::string& crl_path) {
  CTG_ASSIGN_OR_RETURN(std::string ca_pem,
                       ReadFileForConfig(ca_path, "tls.ca"));
  CTG_ASSIGN_OR_RETURN(std::string crl_pem,
                       ReadFileForConfig(crl_path, "tls.crl"));
  auto cas = ParsePemCertificates(ca_pem);
  if (!cas.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.ca ", ca_path, ": ", cas.status().message()));
  }
  CTG_ASSIGN_OR_RETURN(auto crls, ParseCrls(crl_pem, crl_path));
  X509_STORE* store = X509_STORE_new();
  auto* raw = new TrustAnchors(store);
  auto anchors = std::shared_ptr<const TrustAnchors>(raw);
  for (const X509Ptr& ca : *cas) X509_STORE_add_cert(store, ca.get());
  for (auto& crl : crls) {
    if (!SignedByOneOf(crl.get(), *cas)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tls.crl ", crl_path, ": not signed by a CA of tls.ca ", ca_path));
    }
    X509_STORE_add_crl(store, crl.get());
    raw->crl_next_update_ =
        std::min(raw->crl_next_update_, NextUpdate(crl.get()));
  }
  // R8: revocation is checked for every client certificate; a missing or
  // expired CRL fails verification (fail closed).
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_X509_STRICT);
  ERR_clear_error();
  return anchors;
}

TrustAnchors::~TrustAnchors() { X509_STORE_free(store_); }

absl::Status TrustAnchors::VerifyClient(const std::string& leaf_pem,
                                        const std::string& chain_pem,
                                        time_t now) const {
  if (leaf_pem.empty()) {
    return absl::UnauthenticatedError("no client certificate presented");
  }
  auto leaf = ParsePemCertificate(leaf_pem);
  if (!leaf.ok())
    return absl::UnauthenticatedError("unreadable client certificate");
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  std::vector<X509Ptr> chain;
  if (auto parsed = ParsePemCertificates(chain_pem); parsed.ok()) {
    chain = std::move(*parsed);
    for (X509Ptr& c : chain) sk_X509_push(untrusted, c.get());
  }
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store_, leaf->get(), untrusted);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
  X509_STORE_CTX_set_time(ctx, 0, now);
  int ok = X509_verify_cert(ctx);
  int error = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  sk_X509_free(untrusted);
  ERR_clear_error();
  if (ok != 1) {
    return absl::UnauthenticatedError(absl::StrCat(
        "client certificate refused: ", X509_verify_cert_error_string(error),
        error == X509_V_ERR_INVALID_PURPOSE
            ? " (a client certificate needs the clientAuth extended key usage)"
            : ""));
  }
  // R8: X509_verify_cert accepts a CA certificate as the leaf; an
  // X.509-SVID is an end entity.
  return CheckSvidLeafProfile(leaf->get());
}

std::shared_ptr<const TrustAnchors> TrustAnchorsHolder::Get() const {
  MutexLock lock(&mu_);
  return anchors_;
}

void TrustAnchorsHolder::Set(std::shared_ptr<const TrustAnchors> anchors) {
  MutexLock lock(&mu_);
  anchors_ = std::move(anchors);
}

}  // namespace ctg::gateway
