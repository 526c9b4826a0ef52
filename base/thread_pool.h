// A fixed set of worker threads that run scheduled tasks, oldest first, each
// on whichever worker is free.
//
// Thread-safe: Schedule may be called from any thread, tasks included. Each
// task is given the index of the worker running it (0 to size() - 1), so that
// a caller can keep per-worker scratch state without locking. The destructor
// runs every task already scheduled, then joins the workers: whatever a task
// refers to must outlive the pool (declare the pool after it).
#ifndef CTG_BASE_THREAD_POOL_H_
#define CTG_BASE_THREAD_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "base/mutex.h"

namespace ctg::base {

class ThreadPool {
 public:
  using Task = std::function<void(int worker)>;

  // Starts `threads` workers (at least one: a smaller number starts one).
  explicit ThreadPool(int threads);
  // Runs the tasks still queued, then joins the workers.
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()); }

  // Queues `task`; it runs on a worker after every task scheduled before it
  // has started.
  void Schedule(Task task);

 private:
  void Work(int worker);
  bool HasWorkOrStops() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // ctg::Mutex, not absl::Mutex: ThreadSanitizer sees it (base/mutex.h).
  Mutex mu_;
  CondVar work_or_stop_;  // a task was queued, or the pool stops
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace ctg::base

#endif  // CTG_BASE_THREAD_POOL_H_
