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
  friend class CondVar;
  std::mutex mu_;
  std::condition_variable cv_;
};

// A condition of its own on a Mutex, for waiters that only one kind of
// change concerns: a notification wakes the waiters of this condition, not
// every Await() on the mutex (with many waiters, waking all of them at each
// change costs more than the work they wait for).
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Blocks until `done()` holds; `mu` must be held, and is released while
  // waiting. Wakes on this condition's Notify*().
  template <typename Predicate>
  void Await(Mutex* mu, Predicate done) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock, done);
    lock.release();
  }
  // As Await(), but gives up at `deadline`; returns whether `done()` holds.
  template <typename Predicate>
  bool AwaitUntil(Mutex* mu, Predicate done,
                  std::chrono::system_clock::time_point deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    const bool held = cv_.wait_until(lock, deadline, done);
    lock.release();
    return held;
  }
  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

 private:
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
