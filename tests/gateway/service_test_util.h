// Helpers for the services' unit tests against the in-memory store
// (tests/testing/fake_store.h): a caller named without a certificate, and an
// audit checkpoint signer that signs nothing.
#ifndef CTG_TESTS_GATEWAY_SERVICE_TEST_UTIL_H_
#define CTG_TESTS_GATEWAY_SERVICE_TEST_UTIL_H_

#include <grpcpp/server_context.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "audit/hash.h"
#include "base/status_macros.h"
#include "gateway/audit_log.h"
#include "gateway/caller.h"
#include "gateway/dispatcher.h"
#include "policy/identity.h"
#include "store/backend.h"
#include "store/statistics_store.h"

namespace ctg::gateway::testing {

constexpr char kTrustDomain[] = "ctg.caf33.fr";
constexpr char kAdmin[] = "spiffe://ctg.caf33.fr/caf/33/admin/alice";
constexpr char kReviewer[] = "spiffe://ctg.caf33.fr/caf/33/reviewer/carol";
constexpr char kRequester[] =
    "spiffe://ctg.caf33.fr/commune/33069/requester/bob";

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

// Stores a base of 2023 that holds Pessac (33069) and one of its IRIS.
inline absl::Status WritePessacBase(store::Backend& store) {
  return store.Write([](store::WriteSession& tx) -> absl::Status {
    CTG_RETURN_IF_ERROR(
        tx.statistics().ReplacePeriod({.period = "2023"}).status());
    CTG_RETURN_IF_ERROR(
        tx.statistics().InsertTerritory("2023", {"33069", "Pessac", 1, ""}));
    return tx.statistics().InsertTerritory(
        "2023", {"330690101", "Pessac 1", 2, "33069"});
  });
}

// The dispatcher of the services under test: no rate limiter, no health
// reporting, every checkpoint at once.
inline std::unique_ptr<Dispatcher> MakeDispatcher(store::Backend& store,
                                                  AuditLog& log,
                                                  CallerResolver& callers) {
  return std::make_unique<Dispatcher>(
      &store, &log, &callers, nullptr, nullptr,
      Dispatcher::Options{.flush_every = absl::ZeroDuration()});
}

inline absl::StatusOr<std::string> FakeSign(uint64_t size, const audit::Hash&) {
  return absl::StrCat("checkpoint of ", size, "\n");
}

}  // namespace ctg::gateway::testing

#endif  // CTG_TESTS_GATEWAY_SERVICE_TEST_UTIL_H_
