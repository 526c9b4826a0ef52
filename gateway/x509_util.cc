#include "gateway/x509_util.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace ctg::gateway {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr MemBio(absl::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

}  // namespace

absl::StatusOr<std::string> ReadFileForConfig(const std::string& path,
                                              absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, ": cannot read the file"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<X509Ptr> ParsePemCertificate(absl::string_view pem) {
  BioPtr bio = MemBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr)
    return absl::InvalidArgumentError("not a PEM certificate");
  return cert;
}

absl::StatusOr<std::vector<X509Ptr>> ParsePemCertificates(
    absl::string_view pem) {
  BioPtr bio = MemBio(pem);
  std::vector<X509Ptr> certs;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(cert);
  }
  ERR_clear_error();  // the loop ends on an expected "no start line"
  if (certs.empty())
    return absl::InvalidArgumentError("no PEM certificate found");
  return certs;
}

std::string CertificateSha256(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert, EVP_sha256(), digest, &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::vector<std::string> UriSans(X509* cert) {
  std::vector<std::string> uris;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return uris;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                      ASN1_STRING_length(uri));
  }
  GENERAL_NAMES_free(names);
  return uris;
}

absl::Status CheckSvidLeafProfile(X509* cert) {
  auto refuse = [](absl::string_view why) {
    return absl::UnauthenticatedError(absl::StrCat(
        "client certificate refused: not an X.509-SVID leaf: ", why));
  };
  const uint32_t flags = X509_get_extension_flags(cert);
  if ((flags & EXFLAG_INVALID) != 0) {
    return refuse("its extensions cannot be decoded");
  }
  if ((flags & EXFLAG_CA) != 0) {
    return refuse(
        "basicConstraints CA:TRUE (a CA certificate is not a client identity)");
  }
  if ((flags & EXFLAG_KUSAGE) != 0 &&
      (X509_get_key_usage(cert) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) != 0) {
    return refuse("keyUsage allows keyCertSign or cRLSign");
  }
  if ((flags & EXFLAG_XKUSAGE) != 0 &&
      (X509_get_extended_key_usage(cert) & XKU_SSL_CLIENT) == 0) {
    return refuse("extendedKeyUsage does not include clientAuth");
  }
  return absl::OkStatus();
}

absl::Status CheckKeyMatchesCertificate(absl::string_view cert_pem,
                                        const std::string& cert_path,
                                        absl::string_view key_pem,
                                        const std::string& key_path) {
  auto cert = ParsePemCertificate(cert_pem);
  if (!cert.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.cert ", cert_path, ": not a PEM certificate"));
  }
  BioPtr bio = MemBio(key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.key ", key_path, ": not an unencrypted PEM private key"));
  }
  bool match = X509_check_private_key(cert->get(), key) == 1;
  EVP_PKEY_free(key);
  ERR_clear_error();
  if (!match) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.key ", key_path, ": does not match the certificate ", cert_path));
  }
  return absl::OkStatus();
}

}  // namespace ctg::gateway
