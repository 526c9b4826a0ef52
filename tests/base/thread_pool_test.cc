#include "base/thread_pool.h"

#include <atomic>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace ctg::base {
namespace {

TEST(ThreadPoolTest, RunsEveryTaskOnAWorkerOfThePool) {
  constexpr int kTasks = 1000;
  std::vector<int> worker_of(kTasks, -1);
  {
    ThreadPool pool(4);
    EXPECT_EQ(pool.size(), 4);
    for (int i = 0; i < kTasks; ++i) {
      pool.Schedule([&worker_of, i](int worker) { worker_of[i] = worker; });
    }
  }  // the destructor runs what is queued, then joins
  for (int i = 0; i < kTasks; ++i) {
    EXPECT_GE(worker_of[i], 0) << i;
    EXPECT_LT(worker_of[i], 4) << i;
  }
}

TEST(ThreadPoolTest, OneWorkerRunsTasksInScheduleOrder) {
  std::vector<int> order;
  {
    ThreadPool pool(1);
    for (int i = 0; i < 100; ++i) {
      pool.Schedule([&order, i](int) { order.push_back(i); });
    }
  }
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(ThreadPoolTest, AtLeastOneWorker) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(0);
    EXPECT_EQ(pool.size(), 1);
    pool.Schedule([&ran](int worker) { ran += worker + 1; });
  }
  EXPECT_EQ(ran.load(), 1);
}

// The destructor waits for the tasks queued behind a running one.
TEST(ThreadPoolTest, DestructorDrainsTheQueue) {
  absl::Notification release;
  std::atomic<int> ran{0};
  {
    ThreadPool pool(1);
    pool.Schedule([&](int) {
      release.WaitForNotification();
      ++ran;
    });
    for (int i = 0; i < 10; ++i) pool.Schedule([&ran](int) { ++ran; });
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 11);
}

// Tasks may schedule more tasks.
TEST(ThreadPoolTest, TasksMayScheduleTasks) {
  std::atomic<int> ran{0};
  absl::Notification second_scheduled;
  {
    ThreadPool pool(2);
    pool.Schedule([&](int) {
      pool.Schedule([&ran](int) { ++ran; });
      second_scheduled.Notify();
      ++ran;
    });
    second_scheduled.WaitForNotification();
  }
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace ctg::base
