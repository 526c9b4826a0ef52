#include "gateway/in_process_callers.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/escaping.h"

namespace ctg::gateway {
namespace {

// True when the call came over a TLS transport (the gRPC port).
bool HasTlsTransport(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return false;
  if (!auth->FindPropertyValues("x509_pem_cert").empty()) return true;
  for (const grpc::string_ref& type :
       auth->FindPropertyValues("transport_security_type")) {
    if (type == "ssl" || type == "tls") return true;
  }
  return false;
}

}  // namespace

std::string InProcessCallers::BindToken(Binding binding) {
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1)
    std::abort();  // no entropy: never guessable tokens
  std::string token = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(random), sizeof random));
  MutexLock lock(&mu_);
  by_token_[token] = std::move(binding);
  return token;
}

void InProcessCallers::UnbindToken(const std::string& token) {
  MutexLock lock(&mu_);
  by_token_.erase(token);
}

void InProcessCallers::BindContext(const grpc::ServerContextBase* context,
                                   Binding binding) {
  MutexLock lock(&mu_);
  by_context_[context] = std::move(binding);
}

void InProcessCallers::UnbindContext(const grpc::ServerContextBase* context) {
  MutexLock lock(&mu_);
  by_context_.erase(context);
}

std::optional<InProcessCallers::Binding> InProcessCallers::Find(
    const grpc::ServerContextBase& context) const {
  {
    MutexLock lock(&mu_);
    if (auto it = by_context_.find(&context); it != by_context_.end())
      return it->second;
  }
  if (HasTlsTransport(context)) return std::nullopt;
  auto tokens = context.client_metadata().equal_range(kInProcessTokenKey);
  if (tokens.first == tokens.second) return std::nullopt;
  if (std::next(tokens.first) != tokens.second)
    return std::nullopt;  // exactly one
  std::string token(tokens.first->second.data(), tokens.first->second.size());
  MutexLock lock(&mu_);
  if (auto it = by_token_.find(token); it != by_token_.end()) return it->second;
  return std::nullopt;
}

}  // namespace ctg::gateway
