#include "cli/output.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "base/status_code_name.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "google/protobuf/util/json_util.h"

namespace ctg::cli {
namespace {

// Counts code points, so that French labels stay aligned.
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

int ReportRpcError(const grpc::Status& status) {
  // A connection that failed is explained (certificates, address), not
  // shown as gRPC's "UNAVAILABLE: Socket closed".
  if (std::string why = ExplainRpcFailure(status); !why.empty()) {
    std::cerr << "ctg: " << why;
    return kExitFailed;
  }
  std::cerr << "ctg: " << StatusCodeName(status.error_code()) << ": "
            << status.error_message() << "\n";
  return kExitFailed;
}

int ReportError(const absl::Status& status, int exit_code) {
  std::cerr << "ctg: " << status.message() << "\n";
  return exit_code;
}

absl::StatusOr<bool> WantsJson(const Args& args) {
  std::string format = args.Get("format", "table");
  if (format == "json" || format == "jsonl") return true;
  if (format == "table") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("--format ", format, ": expected table or json"));
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line += std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out << line << "\n";
  }
}

}  // namespace ctg::cli
