// Helpers for the services' unit tests against the in-memory store
// (tests/testing/fake_store.h): a caller named without a certificate, and an
// audit checkpoint signer that signs nothing.
#ifndef CTG_TESTS_GATEWAY_SERVICE_TEST_UTIL_H_
#define CTG_TESTS_GATEWAY_SERVICE_TEST_UTIL_H_

#include <grpcpp/server_context.h>

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "audit/hash.h"
#include "gateway/caller.h"
#include "policy/identity.h"

namespace ctg::gateway::testing {

constexpr char kTrustDomain[] = "ctg.caf33.fr";
constexpr char kAdmin[] = "spiffe://ctg.caf33.fr/caf/33/admin/alice";
constexpr char kReviewer[] = "spiffe://ctg.caf33.fr/caf/33/reviewer/carol";
constexpr char kRequester[] = "spiffe://ctg.caf33.fr/commune/33069/requester/bob";

// Names the caller of every call, as a verified certificate would.
class FixedCaller final : public CallerResolver {
 public:
  FixedCaller() : CallerResolver(kTrustDomain, "33", nullptr) {}
  void set_uri(std::string uri) { uri_ = std::move(uri); }
  Caller Resolve(const grpc::ServerContextBase&) override {
    return {.peer = "ipv4:127.0.0.1:1",
            .cert_sha256 = std::string(64, 'a'),
            .uri = uri_,
            .identity = policy::AcceptSpiffeId(uri_, kTrustDomain, "33")};
  }

 private:
  std::string uri_ = kAdmin;
};

inline absl::StatusOr<std::string> FakeSign(uint64_t size, const audit::Hash&) {
  return absl::StrCat("checkpoint of ", size, "\n");
}

}  // namespace ctg::gateway::testing

#endif  // CTG_TESTS_GATEWAY_SERVICE_TEST_UTIL_H_
