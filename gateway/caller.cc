#include "gateway/caller.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "gateway/x509_util.h"

namespace ctg::gateway {
namespace {

constexpr size_t kMaxCachedCertificates = 4096;

}  // namespace

CallerResolver::Parsed CallerResolver::Parse(
    const std::string& pem,
    const std::shared_ptr<const TrustAnchors>& anchors) const {
  Parsed parsed{
      .identity = absl::UnauthenticatedError("unreadable client certificate"),
      .checked_with = anchors};
  auto cert = ParsePemCertificate(pem);
  if (!cert.ok()) return parsed;
  parsed.sha256 = CertificateSha256(cert->get());
  if (absl::Status valid = anchors->VerifyClient(pem, "", std::time(nullptr));
      !valid.ok()) {
    parsed.identity = valid;
    return parsed;
  }
  std::vector<std::string> uris = UriSans(cert->get());
  if (!uris.empty()) parsed.uri = uris.front();
  // SPIFFE: exactly one URI SAN, and it is the identity.
  if (uris.size() != 1) {
    parsed.identity = absl::UnauthenticatedError(absl::StrCat(
        "certificate identity refused: a client certificate must carry exactly "
        "one URI SAN (its SPIFFE ID); this one has ",
        uris.size()));
    return parsed;
  }
  parsed.identity =
      policy::AcceptSpiffeId(uris.front(), trust_domain_, caf_id_);
  return parsed;
}

Caller CallerResolver::Resolve(const grpc::ServerContextBase& context) {
  Caller caller{
      .peer = context.peer(),
      .identity = absl::UnauthenticatedError("no client certificate")};
  if (in_process_ != nullptr) {
    if (std::optional<InProcessCallers::Binding> bound =
            in_process_->Find(context)) {
      caller.peer = bound->peer;
      FromCertificate(bound->cert_pem, caller);
      return caller;
    }
  }
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return caller;
  std::vector<grpc::string_ref> pems =
      auth->FindPropertyValues("x509_pem_cert");
  if (pems.empty()) return caller;
  FromCertificate(std::string(pems.front().data(), pems.front().size()),
                  caller);
  return caller;
}

void CallerResolver::FromCertificate(const std::string& pem, Caller& caller) {
  std::shared_ptr<const TrustAnchors> anchors = anchors_->Get();
  MutexLock lock(&mu_);
  auto it = cache_.find(pem);
  if (it == cache_.end() || it->second.checked_with != anchors) {
    if (cache_.size() >= kMaxCachedCertificates) cache_.clear();
    it = cache_.insert_or_assign(pem, Parse(pem, anchors)).first;
  }
  caller.cert_sha256 = it->second.sha256;
  caller.uri = it->second.uri;
  caller.identity = it->second.identity;
}

}  // namespace ctg::gateway
