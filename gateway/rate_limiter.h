// Calls per identity per minute (a token bucket per SPIFFE ID), so that one
// caller cannot starve the others. RESOURCE_EXHAUSTED says when to retry.
//
// Thread-safe.
#ifndef CTG_GATEWAY_RATE_LIMITER_H_
#define CTG_GATEWAY_RATE_LIMITER_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "base/mutex.h"

namespace ctg::gateway {

class RateLimiter {
 public:
  // `per_minute` calls per identity per minute, with bursts up to that
  // number. 0 disables the limit.
  explicit RateLimiter(int per_minute) : per_minute_(per_minute) {}

  // OK, or kResourceExhausted with the seconds to wait before retrying.
  absl::Status Admit(const std::string& identity, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Calls refused since construction (for metrics).
  uint64_t refusals() const {
    return refusals_.load(std::memory_order_relaxed);
  }

 private:
  struct Bucket {
    double tokens;
    absl::Time last;
  };
  const int per_minute_;
  std::atomic<uint64_t> refusals_{0};
  Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_RATE_LIMITER_H_
