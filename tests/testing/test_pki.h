// Certificates made at test time with OpenSSL's C API, for tests that need
// shapes the development PKI does not have (another Caf's roles, a CA:TRUE
// leaf, serverAuth only, self-signed, ...). Keys are P-256, made fresh.
// Nothing here is a real key; nothing is written unless the test asks.
#ifndef CTG_TESTS_TESTING_TEST_PKI_H_
#define CTG_TESTS_TESTING_TEST_PKI_H_

#include <string>
#include <vector>

namespace ctg::testing {

struct PemPair {
  std::string cert;
  std::string key;
};

// What to put in a certificate. Extension values use OpenSSL's config
// syntax ("critical,CA:FALSE", "URI:spiffe://...,DNS:x"); an empty string
// leaves the extension out.
struct CertSpec {
  std::string common_name = "test";
  std::string subject_alt_name;
  std::string basic_constraints = "critical,CA:FALSE";
  std::string key_usage = "critical,digitalSignature";
  std::string extended_key_usage = "clientAuth";
  long not_before_offset_seconds = -3600;
  long valid_seconds = 30L * 24 * 3600;
};

// The usual X.509-SVID client shape with one URI SAN.
CertSpec ClientSpec(const std::string& spiffe_id);

// Issues a certificate for `spec`, signed by `issuer` (cert + key PEM), or
// self-signed when `issuer` is null. Aborts the test binary on an OpenSSL
// error (a broken test set-up, not a result).
PemPair IssueCertificate(const CertSpec& spec, const PemPair* issuer);

// An empty CRL (nothing revoked) of `ca`, valid for `valid_seconds`.
std::string MakeEmptyCrl(const PemPair& ca,
                         long valid_seconds = 30L * 24 * 3600);

// Writes `pem` to `path` (mode 0600 for keys is the caller's business).
void WriteFile(const std::string& path, const std::string& content);

}  // namespace ctg::testing

#endif  // CTG_TESTS_TESTING_TEST_PKI_H_
