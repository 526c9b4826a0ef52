// Printing for `ctg`: gRPC failures, JSON, and aligned tables.
#ifndef CTG_CLI_OUTPUT_H_
#define CTG_CLI_OUTPUT_H_

#include <grpcpp/support/status.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/args.h"
#include "google/protobuf/message.h"

namespace ctg::cli {

// Prints "ctg: CODE: message" to stderr and returns kExitFailed.
int ReportRpcError(const grpc::Status& status);
// Prints "ctg: message" to stderr and returns `exit_code`.
int ReportError(const absl::Status& status, int exit_code);

// True when --format json was asked for. Errors for an unknown format.
absl::StatusOr<bool> WantsJson(const Args& args);

// One message as a JSON object on one line (proto field names).
std::string ToJson(const google::protobuf::Message& message);

// A text table with a header row, columns padded to their widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
  }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace ctg::cli

#endif  // CTG_CLI_OUTPUT_H_
