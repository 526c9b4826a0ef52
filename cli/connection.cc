#include "cli/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cli/field_flags.h"
#include "cli/tls_check.h"

namespace ctg::cli {
namespace {

std::string Setting(const Args& args, const std::string& flag,
                    const char* env) {
  if (args.Has(flag)) return args.Get(flag);
  const char* value = std::getenv(env);
  return value ? value : "";
}

absl::StatusOr<TlsFile> ReadSetting(const Args& args, const std::string& flag,
                                    const char* env, const char* what) {
  TlsFile file{absl::StrCat("--", flag, " or ", env), Setting(args, flag, env),
               ""};
  if (file.path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no ", what, ": pass --", flag, " FILE or set ", env));
  }
  std::ifstream in(file.path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", file.path, " (", file.label, "): cannot read the file"));
  }
  file.pem = buffer.str();
  return file;
}

// The CRL to recognise a revoked certificate by: --crl, CTG_CRL, or crl.pem
// beside the CA certificate when there is one. Optional.
TlsFile CrlSetting(const Args& args, const std::string& ca_path) {
  TlsFile file{"--crl or CTG_CRL", Setting(args, "crl", "CTG_CRL"), ""};
  if (file.path.empty()) {
    size_t slash = ca_path.find_last_of('/');
    file.path = (slash == std::string::npos ? std::string()
                                            : ca_path.substr(0, slash + 1)) +
                "crl.pem";
    file.label = "beside the CA certificate";
  }
  std::ifstream in(file.path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) return TlsFile{};
  file.pem = buffer.str();
  return file;
}

// What the last Connect() used, to explain its failures.
struct LastConnection {
  std::string gateway;
  ClientTls tls;
  int timeout_seconds = 10;
};

std::optional<LastConnection>& Last() {
  static std::optional<LastConnection> last;
  return last;
}

}  // namespace

std::vector<FlagSpec> CommonFlags() {
  // --key may repeat for `ctg audit verify` (a key ring); a connection
  // takes exactly one.
  return {{"gateway"}, {"ca"},      {"cert"},   {"key", true, true},
          {"crl"},     {"timeout"}, {"format"}, {"help", false}};
}

std::string RoleOf(const std::string& spiffe_id) {
  // spiffe://TRUST_DOMAIN/KIND/ORG/ROLE/PERSON
  std::vector<std::string> parts = absl::StrSplit(spiffe_id, '/');
  return parts.size() == 7 ? parts[5] : "";
}

absl::StatusOr<Connection> Connect(const Args& args) {
  Connection conn;
  conn.gateway = Setting(args, "gateway", "CTG_GATEWAY");
  if (conn.gateway.empty()) {
    return absl::InvalidArgumentError(
        "no gateway address: pass --gateway HOST:PORT or set CTG_GATEWAY");
  }
  auto ca = ReadSetting(args, "ca", "CTG_CA", "CA certificate");
  if (!ca.ok()) return ca.status();
  auto cert = ReadSetting(args, "cert", "CTG_CERT", "client certificate");
  if (!cert.ok()) return cert.status();
  if (args.GetAll("key").size() > 1) {
    return absl::InvalidArgumentError("flag --key given twice");
  }
  auto key = ReadSetting(args, "key", "CTG_KEY", "client key");
  if (!key.ok()) return key.status();
  ClientTls files{*ca, *cert, *key, CrlSetting(args, ca->path)};
  auto spiffe_id = CheckLocalCredentials(files, absl::Now());
  if (!spiffe_id.ok()) return spiffe_id.status();
  conn.spiffe_id = *spiffe_id;
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca->pem;
  tls.pem_cert_chain = cert->pem;
  tls.pem_private_key = key->pem;
  int timeout = 10;
  if (int asked = 0;
      absl::SimpleAtoi(args.Get("timeout"), &asked) && asked > 0) {
    timeout = std::min(asked, 10);
  }
  Last() = LastConnection{conn.gateway, std::move(files), timeout};
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(64 << 20);
  // Import errors list up to 100 lines in the status message (a trailer).
  channel_args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, 1 << 20);
  conn.channel = grpc::CreateCustomChannel(
      conn.gateway, grpc::SslCredentials(tls), channel_args);
  return conn;
}

std::string ExplainRpcFailure(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    std::string flagged = WithFlagName(status.error_message());
    return flagged.empty() ? "" : flagged + "\n";
  }
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE || !Last())
    return "";
  const LastConnection& last = *Last();
  return DiagnoseConnection(last.gateway, last.tls,
                            absl::Seconds(last.timeout_seconds));
}

std::unique_ptr<grpc::ClientContext> NewContext(const Args& args,
                                                int default_seconds) {
  int seconds = default_seconds;
  if (args.Has("timeout") &&
      (!absl::SimpleAtoi(args.Get("timeout"), &seconds) || seconds <= 0)) {
    seconds = default_seconds;
  }
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(seconds));
  return context;
}

}  // namespace ctg::cli
