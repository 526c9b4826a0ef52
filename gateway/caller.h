// Who is calling: the verified peer certificate turned into an identity
// (organisation, role, person) from its single SPIFFE ID, never from
// metadata (R8). Only an identity of this gateway's trust domain and, for a
// Caf role, of its own Caf is accepted (policy::AcceptSpiffeId).
//
// CallerResolver is thread-safe. It caches the parse of each certificate
// seen (bounded), and re-checks the certificate against the current trust
// anchors so that a certificate revoked after its connection was opened is
// refused on its next call.
#ifndef CTG_GATEWAY_CALLER_H_
#define CTG_GATEWAY_CALLER_H_

#include <grpcpp/server_context.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"
#include "gateway/in_process_callers.h"
#include "gateway/trust_anchors.h"
#include "policy/identity.h"

namespace ctg::gateway {

struct Caller {
  std::string peer;         // gRPC peer address
  std::string cert_sha256;  // hex; empty without a certificate
  std::string uri;          // the certificate's URI SAN when it has one
  // The identity, or kUnauthenticated saying why there is none.
  absl::StatusOr<policy::Identity> identity;
};

class CallerResolver {
 public:
  // `trust_domain` and `caf_id` are this gateway's (policy::AcceptSpiffeId);
  // `anchors` must outlive the resolver.
  CallerResolver(std::string trust_domain, std::string caf_id,
                 const TrustAnchorsHolder* anchors)
      : trust_domain_(std::move(trust_domain)),
        caf_id_(std::move(caf_id)),
        anchors_(anchors) {}
  virtual ~CallerResolver() = default;

  // The caller of a call over the gRPC port is its TLS peer certificate;
  // that of an in-process call (web console) is the certificate bound in
  // `in_process` (set before serving; may stay null: no such calls).
  // Virtual so that services' unit tests can name the caller without TLS
  // (the gateway itself uses only this class).
  virtual Caller Resolve(const grpc::ServerContextBase& context)
      ABSL_LOCKS_EXCLUDED(mu_);
  void set_in_process(const InProcessCallers* in_process) {
    in_process_ = in_process;
  }

 private:
  // Fills `caller` from the certificate `pem`, re-checked against the
  // current anchors.
  void FromCertificate(const std::string& pem, Caller& caller)
      ABSL_LOCKS_EXCLUDED(mu_);

  struct Parsed {
    std::string sha256;
    std::string uri;
    absl::StatusOr<policy::Identity> identity;
    // The anchors this certificate was last checked against.
    std::shared_ptr<const TrustAnchors> checked_with;
  };
  Parsed Parse(const std::string& pem,
               const std::shared_ptr<const TrustAnchors>& anchors) const;

  const std::string trust_domain_;
  const std::string caf_id_;
  const TrustAnchorsHolder* anchors_;
  const InProcessCallers* in_process_ = nullptr;
  Mutex mu_;
  absl::flat_hash_map<std::string, Parsed> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_CALLER_H_
