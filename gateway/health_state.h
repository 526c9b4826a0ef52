// The gateway's sticky background-health state, in the way leveldb keeps
// `bg_error_`: a failure that happens off the request path (a CRL that can
// no longer be refreshed, an audit append or checkpoint that failed, a trust
// reload that failed) is recorded here with its cause, counted, and stays
// until the component that failed reports that it works again.
//
// While any component is failing the gateway is not healthy: the health
// service answers NOT_SERVING, and components whose failure puts the
// integrity of the audit trail at stake (`Severity::kIntegrity`) make the
// dispatcher refuse calls (UNAVAILABLE) rather than serve them unaudited.
//
// Thread-safe.
#ifndef CTG_GATEWAY_HEALTH_STATE_H_
#define CTG_GATEWAY_HEALTH_STATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/mutex.h"

namespace ctg::gateway {

// The component of a database that cannot be reached (a PostgreSQL server
// down or restarting; store::Backend::IsUnreachable): an integrity problem
// that the gateway's probe clears once the database answers again, unlike
// "audit-append" (a trail in doubt), which stays until a restart.
inline constexpr char kDatabaseComponent[] = "database";

class HealthState {
 public:
  enum class Severity {
    // Health says NOT_SERVING; calls are still served (e.g. a CRL that
    // could not be reloaded while the one in force is still valid).
    kDegraded,
    // Calls are refused until the component recovers (e.g. the audit
    // trail cannot be written or checkpointed).
    kIntegrity,
  };

  struct Problem {
    std::string component;  // "crl", "trust-reload", "audit-append", ...
    Severity severity;
    absl::Status cause;
    absl::Time since;   // first failure of the current streak
    uint64_t failures;  // failures in the current streak
  };

  // Called (outside the lock) on each new failure, e.g. to log it.
  using Listener = std::function<void(const Problem&)>;

  HealthState() = default;
  HealthState(const HealthState&) = delete;
  HealthState& operator=(const HealthState&) = delete;

  void SetListener(Listener listener);

  // Records a failure of `component` (its first, or one more in a streak).
  void ReportFailure(absl::string_view component, Severity severity,
                     const absl::Status& cause, absl::Time now = absl::Now());
  // `component` works again: its problem is cleared.
  void ReportRecovered(absl::string_view component);

  // True while no component is failing.
  bool healthy() const;
  // OK, or UNAVAILABLE naming the first integrity problem and its cause.
  absl::Status IntegrityStatus() const;
  // The current problems, by component name.
  std::vector<Problem> Problems() const;
  // Failures ever reported for `component` (never reset: for metrics).
  uint64_t TotalFailures(absl::string_view component) const;

 private:
  mutable Mutex mu_;
  std::map<std::string, Problem, std::less<>> problems_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t, std::less<>> totals_ ABSL_GUARDED_BY(mu_);
  Listener listener_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_HEALTH_STATE_H_
