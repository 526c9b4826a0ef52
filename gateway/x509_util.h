// Small OpenSSL helpers for certificates, keys and CRLs in PEM form.
// Thread-safe (no shared state).
#ifndef CTG_GATEWAY_X509_UTIL_H_
#define CTG_GATEWAY_X509_UTIL_H_

#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ctg::gateway {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

// Reads a whole file. Errors: kInvalidArgument naming `what` and the path.
absl::StatusOr<std::string> ReadFileForConfig(const std::string& path,
                                              absl::string_view what);

// The first certificate of a PEM text. Errors: kInvalidArgument.
absl::StatusOr<X509Ptr> ParsePemCertificate(absl::string_view pem);

// Every certificate of a PEM bundle (at least one). Errors: kInvalidArgument.
absl::StatusOr<std::vector<X509Ptr>> ParsePemCertificates(
    absl::string_view pem);

// Lower-case hex SHA-256 of the certificate's DER encoding.
std::string CertificateSha256(X509* cert);

// The URI entries of the certificate's subjectAltName, in order.
std::vector<std::string> UriSans(X509* cert);

// The X.509-SVID leaf profile (SPIFFE X509-SVID, "Leaf Validation"), R8: a
// client certificate is an end entity. Errors (kUnauthenticated, naming the
// extension): basicConstraints CA:TRUE; keyUsage with keyCertSign or
// cRLSign; an extendedKeyUsage extension without clientAuth; extensions
// OpenSSL cannot decode.
absl::Status CheckSvidLeafProfile(X509* cert);

// Checks a server identity: `cert_pem` parses, `key_pem` parses, and the
// key is the certificate's. Errors (kInvalidArgument) name the files given
// as `cert_path` / `key_path`.
absl::Status CheckKeyMatchesCertificate(absl::string_view cert_pem,
                                        const std::string& cert_path,
                                        absl::string_view key_pem,
                                        const std::string& key_path);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_X509_UTIL_H_
