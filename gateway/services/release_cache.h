#ifndef CTG_GATEWAY_SERVICES_RELEASE_CACHE_H_
#define CTG_GATEWAY_SERVICES_RELEASE_CACHE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "base/lru_cache.h"
#include "base/mutex.h"
#include "gateway/services/prepared_extract.h"

namespace ctg::gateway {

// Computed releases, keyed by what determines them: the request, the
// versions of the bases and of the commune's release memory. A re-download
// that changes nothing is served without running the engine again. Bounded
// by an estimate of the bytes the entries hold (least recently used
// first out); a release larger than the bound is not kept. Thread-safe.
class ReleaseCache {
 public:
  explicit ReleaseCache(size_t max_bytes) : lru_(max_bytes) {}
  std::shared_ptr<const PreparedExtract> Find(const std::string& key)
      ABSL_LOCKS_EXCLUDED(mu_);
  void Put(const std::string& key, std::shared_ptr<const PreparedExtract> value)
      ABSL_LOCKS_EXCLUDED(mu_);
  size_t bytes() const ABSL_LOCKS_EXCLUDED(mu_);
  // Drops every entry (the keys hold the versions they were computed
  // against, so this only frees memory: see CommuneBases).
  void Clear() ABSL_LOCKS_EXCLUDED(mu_);
  // Find() calls that found their key, and those that did not (metrics).
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

  // What an entry is counted for: its cells, header and serialized memory.
  static size_t EstimateBytes(const PreparedExtract& value);

 private:
  std::atomic<uint64_t> hits_{0}, misses_{0};
  mutable Mutex mu_;
  LruCache<std::shared_ptr<const PreparedExtract>> lru_
      ABSL_GUARDED_BY(mu_);  // bytes
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_RELEASE_CACHE_H_
