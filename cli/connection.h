// How `ctg` reaches the gateway: address, CA and client certificate, from
// flags or the CTG_GATEWAY, CTG_CA, CTG_CERT, CTG_KEY environment variables.
#ifndef CTG_CLI_CONNECTION_H_
#define CTG_CLI_CONNECTION_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/args.h"

namespace ctg::cli {

// The flags every command accepts (connection and output).
std::vector<FlagSpec> CommonFlags();

// The role word of a SPIFFE ID ("reviewer" for
// spiffe://td/caf/33/reviewer/denis.roux), "" if it has none.
std::string RoleOf(const std::string& spiffe_id);

struct Connection {
  std::string gateway;    // host:port
  std::string spiffe_id;  // of the client certificate
  std::shared_ptr<grpc::Channel> channel;
};

// Builds an mTLS channel from flags and environment, after checking the
// client certificate locally (cli/tls_check.h). Errors (kInvalidArgument,
// kFailedPrecondition): a missing setting (naming both the flag and the
// variable), an unreadable file (naming it), a certificate problem in words
// ("your certificate has expired on ...").
absl::StatusOr<Connection> Connect(const Args& args);

// `status` in the user's words, or "" to print it as it is: for a failure
// to connect (UNAVAILABLE) of the last Connect(), the reason (the TLS
// handshake replayed, see DiagnoseConnection); for INVALID_ARGUMENT, the
// message with the flag in place of the request field (field_flags.h).
std::string ExplainRpcFailure(const grpc::Status& status);

// A client context with a deadline of `seconds` (flag --timeout).
std::unique_ptr<grpc::ClientContext> NewContext(const Args& args,
                                                int default_seconds = 30);

}  // namespace ctg::cli

#endif  // CTG_CLI_CONNECTION_H_
