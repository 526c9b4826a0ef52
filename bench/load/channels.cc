#include "bench/load/channels.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ctg::load {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::NotFoundError(absl::StrCat(path, ": cannot read the file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Channels::Channels(const std::string& gateways, std::string pki_dir)
    : gateways_(absl::StrSplit(gateways, ',', absl::SkipEmpty())),
      pki_dir_(std::move(pki_dir)) {
  if (gateways_.empty()) gateways_.push_back(gateways);
}

const std::string& Channels::TargetOf(int worker) const {
  if (worker < 0) return gateways_.front();
  return gateways_[static_cast<size_t>(worker) % gateways_.size()];
}

absl::StatusOr<std::unique_ptr<Channels>> Channels::FromPki(
    const std::string& gateway, const std::string& dir) {
  std::unique_ptr<Channels> c(new Channels(gateway, dir));
  auto ca = ReadFile(dir + "/ca.pem");
  if (!ca.ok()) return ca.status();
  c->ca_pem_ = *ca;
  return c;
}

absl::StatusOr<std::unique_ptr<Channels>> Channels::FromFiles(
    const std::string& gateway, const std::string& ca, const std::string& cert,
    const std::string& key) {
  std::unique_ptr<Channels> c(new Channels(gateway, ""));
  auto ca_pem = ReadFile(ca);
  if (!ca_pem.ok()) return ca_pem.status();
  c->ca_pem_ = *ca_pem;
  c->single_cert_ = cert;
  c->single_key_ = key;
  return c;
}

std::string Channels::CertPath(const std::string& client) const {
  return pki_dir_.empty() ? single_cert_
                          : absl::StrCat(pki_dir_, "/clients/", client, ".pem");
}
std::string Channels::KeyPath(const std::string& client) const {
  return pki_dir_.empty() ? single_key_
                          : absl::StrCat(pki_dir_, "/clients/", client, ".key");
}

bool Channels::HasClient(const std::string& client) const {
  if (pki_dir_.empty()) return client == "cert";
  return std::ifstream(CertPath(client)).good() &&
         std::ifstream(KeyPath(client)).good();
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Channels::Get(
    const std::string& client, int worker) {
  absl::MutexLock lock(&mu_);
  auto key = std::make_pair(client, worker);
  if (auto it = channels_.find(key); it != channels_.end()) return it->second;
  auto cert = ReadFile(CertPath(client));
  if (!cert.ok()) return cert.status();
  auto private_key = ReadFile(KeyPath(client));
  if (!private_key.ok()) return private_key.status();
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca_pem_;
  tls.pem_cert_chain = *cert;
  tls.pem_private_key = *private_key;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // A connection of its own (gRPC would otherwise share one subchannel
  // between channels with the same target and credentials).
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Distinct channel arguments also keep channels apart.
  args.SetInt("ctg.load.worker", worker);
  auto channel = grpc::CreateCustomChannel(TargetOf(worker),
                                           grpc::SslCredentials(tls), args);
  channels_.emplace(key, channel);
  return channel;
}

}  // namespace ctg::load
