// A least-recently-used cache bounded by a total cost: each entry is put
// with its cost (bytes, or 1 to bound the number of entries); the least
// recently used entries are dropped while the total exceeds the bound. An
// entry costing more than the bound alone is not kept.
//
// Not thread-safe: the owner holds its own lock around every call. Values are
// copied out of Find, so a value type of shared_ptr keeps an entry alive for
// its reader after it is dropped.
#ifndef CTG_BASE_LRU_CACHE_H_
#define CTG_BASE_LRU_CACHE_H_

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <utility>

namespace ctg {

template <typename Value>
class LruCache {
 public:
  explicit LruCache(size_t max_cost) : max_cost_(max_cost) {}

  // The value of `key`, now the most recently used; nullopt when absent.
  std::optional<Value> Find(const std::string& key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->key != key) continue;
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().value;
    }
    return std::nullopt;
  }

  // Puts (or replaces) `key` as the most recently used entry, then drops the
  // least recently used entries while the total cost exceeds the bound.
  void Put(const std::string& key, Value value, size_t cost) {
    if (cost > max_cost_) return;
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->key != key) continue;
      cost_ -= it->cost;
      entries_.erase(it);
      break;
    }
    entries_.push_front(Entry{key, std::move(value), cost});
    cost_ += cost;
    while (cost_ > max_cost_) {
      cost_ -= entries_.back().cost;
      entries_.pop_back();
    }
  }

  // Drops every entry.
  void Clear() {
    entries_.clear();
    cost_ = 0;
  }

  // The total cost of the entries kept.
  size_t cost() const { return cost_; }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string key;
    Value value;
    size_t cost = 0;
  };
  const size_t max_cost_;
  std::list<Entry> entries_;  // most recently used first
  size_t cost_ = 0;
};

}  // namespace ctg

#endif  // CTG_BASE_LRU_CACHE_H_
