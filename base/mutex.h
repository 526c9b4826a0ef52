// A mutex for project code: std::mutex underneath (so ThreadSanitizer sees
// it: Debian's abseil is not instrumented, and races would be reported on
// data that absl::Mutex guards), with abseil's thread-safety annotations (so
// that -Wthread-safety-style checks and the ABSL_GUARDED_BY documentation
// keep working).
#ifndef CTG_BASE_MUTEX_H_
#define CTG_BASE_MUTEX_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace ctg {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

  // Blocks until `done()` holds; the mutex must be held, and is released
  // while waiting. Wakes on NotifyAll().
  template <typename Predicate>
  void Await(Predicate done) ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    cv_.wait(lock, done);
    lock.release();
  }
  // As Await(), but gives up at `deadline`; returns whether `done()` holds.
  template <typename Predicate>
  bool AwaitUntil(Predicate done,
                  std::chrono::system_clock::time_point deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    const bool held = cv_.wait_until(lock, deadline, done);
    lock.release();
    return held;
  }
  // Wakes every Await() to re-check its condition.
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace ctg

#endif  // CTG_BASE_MUTEX_H_
