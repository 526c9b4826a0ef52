#include "cli/connection.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ctg::cli {
namespace {

std::string Setting(const Args& args, const std::string& flag, const char* env) {
  if (args.Has(flag)) return args.Get(flag);
  const char* value = std::getenv(env);
  return value ? value : "";
}

absl::StatusOr<std::string> ReadSetting(const Args& args, const std::string& flag,
                                        const char* env, const char* what) {
  std::string path = Setting(args, flag, env);
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no ", what, ": pass --", flag, " FILE or set ", env));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", path, ": cannot read the file"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::vector<FlagSpec> CommonFlags() {
  // --key may repeat for `ctg audit verify` (a key ring); a connection
  // takes exactly one.
  return {{"gateway"}, {"ca"}, {"cert"}, {"key", true, true}, {"timeout"}, {"format"},
          {"help", false}};
}

absl::StatusOr<Connection> Connect(const Args& args) {
  Connection conn;
  conn.gateway = Setting(args, "gateway", "CTG_GATEWAY");
  if (conn.gateway.empty()) {
    return absl::InvalidArgumentError(
        "no gateway address: pass --gateway HOST:PORT or set CTG_GATEWAY");
  }
  grpc::SslCredentialsOptions tls;
  auto ca = ReadSetting(args, "ca", "CTG_CA", "CA certificate");
  if (!ca.ok()) return ca.status();
  auto cert = ReadSetting(args, "cert", "CTG_CERT", "client certificate");
  if (!cert.ok()) return cert.status();
  if (args.GetAll("key").size() > 1) {
    return absl::InvalidArgumentError("flag --key given twice");
  }
  auto key = ReadSetting(args, "key", "CTG_KEY", "client key");
  if (!key.ok()) return key.status();
  tls.pem_root_certs = *ca;
  tls.pem_cert_chain = *cert;
  tls.pem_private_key = *key;
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(64 << 20);
  // Import errors list up to 100 lines in the status message (a trailer).
  channel_args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, 1 << 20);
  conn.channel = grpc::CreateCustomChannel(conn.gateway, grpc::SslCredentials(tls),
                                           channel_args);
  return conn;
}

std::unique_ptr<grpc::ClientContext> NewContext(const Args& args, int default_seconds) {
  int seconds = default_seconds;
  if (args.Has("timeout") && (!absl::SimpleAtoi(args.Get("timeout"), &seconds) || seconds <= 0)) {
    seconds = default_seconds;
  }
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

}  // namespace ctg::cli
