#include "gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace ctg::gateway {

absl::Status RateLimiter::Admit(const std::string& identity, absl::Time now) {
  if (per_minute_ <= 0) return absl::OkStatus();
  const double rate_per_second = per_minute_ / 60.0;
  MutexLock lock(&mu_);
  auto [it, inserted] =
      buckets_.try_emplace(identity, Bucket{double(per_minute_), now});
  Bucket& b = it->second;
  double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - b.last));
  b.tokens =
      std::min<double>(per_minute_, b.tokens + elapsed * rate_per_second);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return absl::OkStatus();
  }
  int retry = static_cast<int>(std::ceil((1.0 - b.tokens) / rate_per_second));
  refusals_.fetch_add(1, std::memory_order_relaxed);
  return absl::ResourceExhaustedError(absl::StrCat(
      "rate limit of ", per_minute_, " calls per minute reached for ", identity,
      "; retry in ", retry, " s"));
}

}  // namespace ctg::gateway
