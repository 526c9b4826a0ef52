#include "base/mutex.h"

#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace ctg {
namespace {

// A waiter on a CondVar sleeps through notifications of other conditions
// (a predicate that still fails sends it back to sleep) and returns once its
// own condition holds and is notified.
TEST(CondVarTest, AwaitReturnsWhenItsConditionHoldsAndIsNotified) {
  Mutex mu;
  CondVar mine, other;
  bool ready = false;  // guarded by mu
  int checks = 0;      // guarded by mu: times the waiter's predicate ran
  bool returned = false;
  std::thread waiter([&] {
    MutexLock lock(&mu);
    mine.Await(&mu, [&] {
      ++checks;
      return ready;
    });
    returned = true;
  });
  while (true) {  // until the waiter has checked once, it is not waiting
    MutexLock lock(&mu);
    if (checks > 0) break;
  }
  {
    MutexLock lock(&mu);
    other.NotifyAll();
    mu.NotifyAll();
    EXPECT_FALSE(returned);
    ready = true;
    mine.NotifyOne();
  }
  waiter.join();
  EXPECT_TRUE(returned);
}

TEST(CondVarTest, AwaitUntilGivesUpAtTheDeadlineSayingSo) {
  Mutex mu;
  CondVar cv;
  MutexLock lock(&mu);
  EXPECT_FALSE(cv.AwaitUntil(
      &mu, [] { return false; }, std::chrono::system_clock::now()));
  EXPECT_TRUE(cv.AwaitUntil(
      &mu, [] { return true; },
      std::chrono::system_clock::now() + std::chrono::hours(1)));
}

}  // namespace
}  // namespace ctg
