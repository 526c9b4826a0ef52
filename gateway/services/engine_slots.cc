#include "gateway/services/engine_slots.h"

namespace ctg::gateway {

std::unique_ptr<EngineSlots::Held> EngineSlots::Acquire(absl::Time deadline) {
  MutexLock lock(&mu_);
  auto free = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return free_ > 0; };
  if (free_ == 0) waits_.fetch_add(1, std::memory_order_relaxed);
  if (deadline == absl::InfiniteFuture()) {
    mu_.Await(free);
  } else if (!mu_.AwaitUntil(free, absl::ToChronoTime(deadline))) {
    return nullptr;
  }
  --free_;
  return std::make_unique<Held>(this);
}

void EngineSlots::Release() {
  MutexLock lock(&mu_);
  ++free_;
  mu_.NotifyAll();
}

}  // namespace ctg::gateway
