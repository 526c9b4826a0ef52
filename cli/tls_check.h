// What `ctg` can find out by itself about its TLS set-up, so that a refused
// connection is explained in words ("your certificate has expired on ...")
// rather than as gRPC's "UNAVAILABLE: Socket closed".
//
// Two moments: before connecting, CheckLocalCredentials() looks at the files
// alone (readable, PEM, dates, key match, one spiffe:// URI SAN); after a
// failed connection, DiagnoseConnection() replays the TLS handshake with
// OpenSSL and says which side refused what. The gateway verifies client
// certificates once the handshake is over, so the client only sees the
// connection closed: its reason (revoked, other CA, not a client
// certificate) is inferred from what the client can check itself, including
// the CRL when one is at hand. Thread-safe (no shared state).
#ifndef CTG_CLI_TLS_CHECK_H_
#define CTG_CLI_TLS_CHECK_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ctg::cli {

// One file of the TLS set-up: where it came from and what it holds.
struct TlsFile {
  std::string label;  // "--cert (CTG_CERT)"
  std::string path;
  std::string pem;
};

struct ClientTls {
  TlsFile ca;    // the CA that signed the gateway's certificate
  TlsFile cert;  // the client certificate (first PEM block; a chain may follow)
  TlsFile key;
  TlsFile
      crl;  // optional (empty path): the Caf's CRL, to recognise a revocation
};

// Checks, in this order, that the CA and the certificate parse as PEM, that
// the key parses and is the certificate's, that the certificate is valid at
// `now` and that it holds exactly one spiffe:// URI SAN; returns that URI.
// Errors (kInvalidArgument, kFailedPrecondition for dates) say what is
// wrong and name the file.
absl::StatusOr<std::string> CheckLocalCredentials(const ClientTls& tls,
                                                  absl::Time now);

// Why a connection to `gateway` (HOST:PORT) failed, as one or more lines
// for a person: unreachable address, a gateway certificate not signed by
// the CA, the gateway closing the connection on the client certificate
// (with the likely causes, and "revoked" when the CRL says so). Empty when
// the handshake and the certificate are accepted (the failure is elsewhere).
std::string DiagnoseConnection(const std::string& gateway, const ClientTls& tls,
                               absl::Duration timeout);

}  // namespace ctg::cli

#endif  // CTG_CLI_TLS_CHECK_H_
