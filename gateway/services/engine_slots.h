#ifndef CTG_GATEWAY_SERVICES_ENGINE_SLOTS_H_
#define CTG_GATEWAY_SERVICES_ENGINE_SLOTS_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "base/mutex.h"

namespace ctg::gateway {

// At most `slots` engines run at once; the others wait their turn. The
// engine is CPU-bound, so running more of them than there are cores only
// adds memory (each holds its tables and LP) and latency to all. Thread-safe.
class EngineSlots {
 public:
  explicit EngineSlots(int slots) : free_(slots) {}

  class Held {
   public:
    explicit Held(EngineSlots* owner) : owner_(owner) {}
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { owner_->Release(); }

   private:
    EngineSlots* const owner_;
  };
  // Blocks until a slot is free (the slot is returned when `Held` goes), or
  // until `deadline` (then nullptr).
  [[nodiscard]] std::unique_ptr<Held> Acquire(
      absl::Time deadline = absl::InfiniteFuture()) ABSL_LOCKS_EXCLUDED(mu_);
  // Acquire() calls that found no free slot and waited (metrics).
  uint64_t waits() const { return waits_.load(std::memory_order_relaxed); }

 private:
  void Release() ABSL_LOCKS_EXCLUDED(mu_);
  std::atomic<uint64_t> waits_{0};
  Mutex mu_;
  int free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_ENGINE_SLOTS_H_
