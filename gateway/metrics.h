// The gateway's metrics in Prometheus text format, on their own plain-HTTP
// listener (config `[metrics] listen`, loopback by default), apart from the
// mTLS port:
//
//   GET /metrics  the exposition (docs/operations-metrics.md lists the
//                 metrics and example alert rules)
//   GET /healthz  200 "SERVING" while the gateway's HealthState is healthy,
//                 else 503 "NOT_SERVING" and one line per failing component
//                 with its cause; unauthenticated, for local orchestrators
//
// Counters and histograms are fed by the gateway as things happen
// (ObserveCall, ...); gauges (audit tree, checkpoint age, health, CRL and
// certificate expiry, rate-limit refusals) are read from `MetricsSources`
// at each scrape. Prometheus and civetweb headers stay in metrics.cc.
//
// Thread-safe: every method may be called from any thread, scrapes included.
#ifndef CTG_GATEWAY_METRICS_H_
#define CTG_GATEWAY_METRICS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ctg::gateway {

class AuditLog;
class HealthState;
class RateLimiter;

// What the gauges are read from at scrape time. Pointers may be null (the
// gauge is then not exported) and must outlive the Metrics.
struct MetricsSources {
  std::string version;                  // ctg_build_info{version}
  const HealthState* health = nullptr;  // ctg_health_*, /healthz
  // Components always exported (0 while working), besides failing ones.
  std::vector<std::string> health_components;
  const AuditLog* audit = nullptr;       // tree size, checkpoint age
  const RateLimiter* limiter = nullptr;  // rate-limit refusals
  std::string crl_path;                  // seconds to the CRL's nextUpdate
  std::string cert_path;  // days to the server certificate's notAfter
  // Engine slot waits and release cache hits/misses, if known.
  struct ExtractCounters {
    uint64_t engine_waits = 0, cache_hits = 0, cache_misses = 0;
  };
  std::function<ExtractCounters()> extracts;
  std::function<absl::Time()> clock = absl::Now;
};

class Metrics {
 public:
  // Without a listener (tests, or before Listen()).
  explicit Metrics(MetricsSources sources);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Starts serving /metrics and /healthz on `listen` ("HOST:PORT", port 0
  // for any). Errors: kInvalidArgument naming metrics.listen (malformed, or
  // the address cannot be bound).
  absl::Status Listen(const std::string& listen);
  // The port bound by Listen() (0 before).
  int port() const { return port_; }

  // One call through the dispatcher: its method, the caller's role ("none"
  // when no identity was accepted), the gRPC code name sent ("OK",
  // "PERMISSION_DENIED", ...) and its duration.
  void ObserveCall(absl::string_view method, absl::string_view role,
                   absl::string_view code, double seconds);
  // One write transaction carrying an audit event: the append and the
  // commit (the fsync of the WAL) together.
  void ObserveAuditWrite(double seconds);

  // The text exposition (what GET /metrics answers).
  std::string Scrape();
  // What GET /healthz answers: the HTTP status and body.
  struct Health {
    int http_status;
    std::string body;
  };
  Health CheckHealth() const;

  struct Impl;

 private:
  void Refresh();

  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_METRICS_H_
