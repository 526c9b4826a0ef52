#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/services/extract_builder.h"
#include "gtest/gtest.h"

namespace ctg::gateway {
namespace {

std::shared_ptr<const PreparedExtract> ReleaseOf(int cells) {
  auto p = std::make_shared<PreparedExtract>();
  for (int i = 0; i < cells; ++i) {
    ctg::v1::ExtractCell& c = p->cells.emplace_back();
    c.set_territory("330690101");
    c.set_indicator("allocataires");
  }
  return p;
}

TEST(ReleaseCacheTest, KeepsWhatFitsAndDropsTheLeastRecentlyUsed) {
  const size_t one = ReleaseCache::EstimateBytes(*ReleaseOf(100));
  ReleaseCache cache(2 * one + one / 2);  // room for two
  cache.Put("a", ReleaseOf(100));
  cache.Put("b", ReleaseOf(100));
  ASSERT_NE(cache.Find("a"), nullptr);  // a is now the most recent
  cache.Put("c", ReleaseOf(100));
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("c"), nullptr);
  EXPECT_LE(cache.bytes(), 2 * one + one / 2);
}

TEST(ReleaseCacheTest, AReleaseLargerThanTheBoundIsNotKept) {
  ReleaseCache cache(ReleaseCache::EstimateBytes(*ReleaseOf(10)));
  cache.Put("small", ReleaseOf(10));
  cache.Put("large", ReleaseOf(1000));
  EXPECT_EQ(cache.Find("large"), nullptr);
  EXPECT_NE(cache.Find("small"), nullptr);
  ReleaseCache none(0);
  none.Put("a", ReleaseOf(1));
  EXPECT_EQ(none.Find("a"), nullptr);
  EXPECT_EQ(none.bytes(), 0u);
}

TEST(ReleaseCacheTest, PuttingAKeyAgainReplacesIt) {
  ReleaseCache cache(1 << 20);
  cache.Put("a", ReleaseOf(10));
  const size_t once = cache.bytes();
  cache.Put("a", ReleaseOf(10));
  EXPECT_EQ(cache.bytes(), once);
  EXPECT_GT(ReleaseCache::EstimateBytes(*ReleaseOf(1000)),
            ReleaseCache::EstimateBytes(*ReleaseOf(10)));
}

TEST(ReleaseCacheTest, CountsHitsAndMisses) {
  ReleaseCache cache(1 << 20);
  EXPECT_EQ(cache.Find("a"), nullptr);
  cache.Put("a", ReleaseOf(10));
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 1u);
}

// What a replica does when another one re-imports the base.
TEST(ReleaseCacheTest, ClearForgetsEveryRelease) {
  ReleaseCache cache(1 << 20);
  cache.Put("a", ReleaseOf(10));
  cache.Put("b", ReleaseOf(10));
  cache.Clear();
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(EngineSlotsTest, CountsOnlyAcquisitionsThatWait) {
  EngineSlots slots(1);
  auto held = slots.Acquire();
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(slots.waits(), 0u);
  EXPECT_EQ(slots.Acquire(absl::Now() + absl::Milliseconds(10)), nullptr);
  EXPECT_EQ(slots.waits(), 1u);
  held.reset();
  EXPECT_NE(slots.Acquire(), nullptr);
  EXPECT_EQ(slots.waits(), 1u);
}

TEST(EngineSlotsTest, NeverMoreHoldersThanSlots) {
  EngineSlots slots(2);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto held = slots.Acquire();
        int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --inside;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(inside.load(), 0);
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
}

TEST(EngineSlotsTest, GivesUpAtTheDeadlineWhenEverySlotIsHeld) {
  EngineSlots slots(1);
  auto held = slots.Acquire();
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(slots.Acquire(absl::Now() + absl::Milliseconds(20)), nullptr);
  held.reset();
  EXPECT_NE(slots.Acquire(absl::Now() + absl::Milliseconds(20)), nullptr);
}

}  // namespace
}  // namespace ctg::gateway
