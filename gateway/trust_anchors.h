// The material client certificates are checked against: the Caf's CA bundle
// and its CRL (R8: no certificate from another CA, expired or revoked).
//
// TrustAnchors is immutable and thread-safe. TrustAnchorsHolder swaps in a
// new set on reload (certificate lifecycle without restart); readers take a
// shared_ptr snapshot, so a handshake never sees half a reload.
#ifndef CTG_GATEWAY_TRUST_ANCHORS_H_
#define CTG_GATEWAY_TRUST_ANCHORS_H_

#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/mutex.h"

namespace ctg::gateway {

class TrustAnchors {
 public:
  // Loads the CA bundle and the CRL. Errors (kInvalidArgument, naming the
  // config key and file): unreadable or malformed file, a CRL not signed by
  // a CA of the bundle.
  static absl::StatusOr<std::shared_ptr<const TrustAnchors>> Load(
      const std::string& ca_path, const std::string& crl_path);
  ~TrustAnchors();
  TrustAnchors(const TrustAnchors&) = delete;
  TrustAnchors& operator=(const TrustAnchors&) = delete;

  // Verifies a client certificate `leaf_pem` (with optional untrusted
  // intermediates `chain_pem`) at time `now`: issued by the CA, within its
  // validity, not revoked, usable for client authentication, and shaped as
  // an X.509-SVID leaf (CheckSvidLeafProfile: not a CA, no keyCertSign or
  // cRLSign, clientAuth if it has an extendedKeyUsage).
  // Errors: kUnauthenticated with OpenSSL's reason or the profile's; an
  // empty `leaf_pem` is "no client certificate presented".
  absl::Status VerifyClient(const std::string& leaf_pem,
                            const std::string& chain_pem, time_t now) const;

  // The earliest nextUpdate of the loaded CRLs (InfiniteFuture when none
  // has one). Past it, VerifyClient refuses every certificate ("CRL has
  // expired"): revocation cannot be checked, so access fails closed.
  absl::Time crl_next_update() const { return crl_next_update_; }

 private:
  explicit TrustAnchors(X509_STORE* store) : store_(store) {}
  X509_STORE* store_;
  absl::Time crl_next_update_ = absl::InfiniteFuture();
};

class TrustAnchorsHolder {
 public:
  explicit TrustAnchorsHolder(std::shared_ptr<const TrustAnchors> anchors)
      : anchors_(std::move(anchors)) {}
  std::shared_ptr<const TrustAnchors> Get() const ABSL_LOCKS_EXCLUDED(mu_);
  void Set(std::shared_ptr<const TrustAnchors> anchors)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable Mutex mu_;
  std::shared_ptr<const TrustAnchors> anchors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_TRUST_ANCHORS_H_
