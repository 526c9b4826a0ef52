// How `ctg` reaches the gateway: address, CA and client certificate, from
// flags or the CTG_GATEWAY, CTG_CA, CTG_CERT, CTG_KEY environment variables.
#ifndef CTG_CLI_CONNECTION_H_
#define CTG_CLI_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "absl/status/statusor.h"
#include "cli/args.h"

namespace ctg::cli {

// The flags every command accepts (connection and output).
std::vector<FlagSpec> CommonFlags();

struct Connection {
  std::string gateway;  // host:port
  std::shared_ptr<grpc::Channel> channel;
};

// Builds an mTLS channel from flags and environment. Errors
// (kInvalidArgument): a missing setting (naming both the flag and the
// variable), an unreadable file (naming it).
absl::StatusOr<Connection> Connect(const Args& args);

// A client context with a deadline of `seconds` (flag --timeout).
std::unique_ptr<grpc::ClientContext> NewContext(const Args& args, int default_seconds = 30);

}  // namespace ctg::cli

#endif  // CTG_CLI_CONNECTION_H_
