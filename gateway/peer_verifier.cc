#include "gateway/peer_verifier.h"

#include <ctime>

#include "gateway/x509_util.h"

namespace ctg::gateway {

bool PeerVerifier::Verify(
    grpc::experimental::TlsCustomVerificationCheckRequest* request,
    std::function<void(grpc::Status)> /*callback*/, grpc::Status* sync_status) {
  std::string leaf(request->peer_cert().data(), request->peer_cert().size());
  std::string chain(request->peer_cert_full_chain().data(),
                    request->peer_cert_full_chain().size());
  absl::Status verdict =
      anchors_->Get()->VerifyClient(leaf, chain, std::time(nullptr));
  if (verdict.ok()) {
    *sync_status = grpc::Status::OK;
    return true;
  }
  std::string sha256, uri;
  if (auto cert = ParsePemCertificate(leaf); cert.ok()) {
    sha256 = CertificateSha256(cert->get());
    std::vector<std::string> uris = UriSans(cert->get());
    if (!uris.empty()) uri = uris.front();
  }
  if (on_refusal_) on_refusal_(sha256, uri, verdict);
  *sync_status = grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                              std::string(verdict.message()));
  return true;
}

}  // namespace ctg::gateway
