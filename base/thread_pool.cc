#include "base/thread_pool.h"

#include <algorithm>
#include <utility>

namespace ctg::base {

ThreadPool::ThreadPool(int threads) {
  const int n = std::max(threads, 1);
  workers_.reserve(n);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this, i] { Work(i); });
}

ThreadPool::~ThreadPool() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    work_or_stop_.NotifyAll();
  }
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::Schedule(Task task) {
  MutexLock lock(&mu_);
  queue_.push_back(std::move(task));
  work_or_stop_.NotifyOne();
}

bool ThreadPool::HasWorkOrStops() const { return stopping_ || !queue_.empty(); }

void ThreadPool::Work(int worker) {
  while (true) {
    Task task;
    {
      MutexLock lock(&mu_);
      work_or_stop_.Await(&mu_, [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return HasWorkOrStops();
      });
      // Stopping: the queue is drained before the worker leaves.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task(worker);
  }
}

}  // namespace ctg::base
