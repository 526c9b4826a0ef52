#include "gateway/refusal_throttle.h"

#include <algorithm>
#include <utility>

namespace ctg::gateway {

namespace {

RefusalThrottle::Options Sanitized(RefusalThrottle::Options options) {
  if (options.window <= absl::ZeroDuration()) options.window = absl::Minutes(1);
  options.max_keys = std::max<size_t>(options.max_keys, 1);
  return options;
}

}  // namespace

RefusalThrottle::RefusalThrottle(Options options)
    : options_(Sanitized(options)) {}

absl::Time RefusalThrottle::WindowEnd(absl::Time now) const {
  absl::Duration since_epoch = now - absl::UnixEpoch();
  return absl::UnixEpoch() + absl::Floor(since_epoch, options_.window) +
         options_.window;
}

void RefusalThrottle::AddMethod(Summary& summary, absl::string_view method) {
  if (std::find(summary.methods.begin(), summary.methods.end(), method) !=
      summary.methods.end()) {
    return;
  }
  if (summary.methods.size() < kMaxMethods) {
    summary.methods.emplace_back(method);
  } else {
    summary.more_methods = true;
  }
}

void RefusalThrottle::Close() {
  for (auto& [key, summary] : keys_) {
    if (summary.folded > 0) ended_.push_back(std::move(summary));
  }
  keys_.clear();
  if (overflow_.folded > 0) ended_.push_back(std::move(overflow_));
  overflow_ = Summary{};
}

void RefusalThrottle::Roll(absl::Time now) {
  if (window_start_ != absl::InfinitePast() &&
      now < window_start_ + options_.window) {
    return;
  }
  Close();
  window_start_ = WindowEnd(now) - options_.window;
}

bool RefusalThrottle::Offer(const Key& key, absl::string_view method, int code,
                            absl::string_view claim, absl::Time now) {
  MutexLock lock(&mu_);
  Roll(now);
  const absl::Time end = window_start_ + options_.window;
  if (auto it = keys_.find(key); it != keys_.end()) {
    ++it->second.folded;
    AddMethod(it->second, method);
    return false;
  }
  if (keys_.size() < options_.max_keys) {
    Summary& s = keys_[key];
    s.key = key;
    s.code = code;
    s.claim = std::string(claim);
    s.window_start = window_start_;
    s.window_end = end;
    return true;
  }
  if (overflow_.folded == 0) {
    overflow_.overflow = true;
    overflow_.code = code;
    overflow_.window_start = window_start_;
    overflow_.window_end = end;
  }
  ++overflow_.folded;
  AddMethod(overflow_, method);
  return false;
}

std::vector<RefusalThrottle::Summary> RefusalThrottle::TakeEnded(
    absl::Time now) {
  MutexLock lock(&mu_);
  Roll(now);
  return std::exchange(ended_, {});
}

std::vector<RefusalThrottle::Summary> RefusalThrottle::TakeAll() {
  MutexLock lock(&mu_);
  Close();
  window_start_ = absl::InfinitePast();
  return std::exchange(ended_, {});
}

}  // namespace ctg::gateway
