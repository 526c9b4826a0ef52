#include "gateway/services/release_cache.h"

#include <optional>
#include <utility>

namespace ctg::gateway {

std::shared_ptr<const PreparedExtract> ReleaseCache::Find(
    const std::string& key) {
  MutexLock lock(&mu_);
  std::optional<std::shared_ptr<const PreparedExtract>> found = lru_.Find(key);
  (found ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
  return found ? *found : nullptr;
}

void ReleaseCache::Put(const std::string& key,
                       std::shared_ptr<const PreparedExtract> value) {
  const size_t entry_bytes = EstimateBytes(*value);
  MutexLock lock(&mu_);
  lru_.Put(key, std::move(value), entry_bytes);
}

size_t ReleaseCache::bytes() const {
  MutexLock lock(&mu_);
  return lru_.cost();
}

void ReleaseCache::Clear() {
  MutexLock lock(&mu_);
  lru_.Clear();
}

size_t ReleaseCache::EstimateBytes(const PreparedExtract& value) {
  size_t bytes = sizeof(value) + value.header.SpaceUsedLong() +
                 value.memory_after.capacity();
  for (const ctg::v1::ExtractCell& cell : value.cells)
    bytes += cell.SpaceUsedLong();
  return bytes;
}

}  // namespace ctg::gateway
