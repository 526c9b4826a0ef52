#include "base/lru_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace ctg {
namespace {

TEST(LruCacheTest, DropsTheLeastRecentlyUsedOverTheCost) {
  LruCache<int> cache(10);
  cache.Put("a", 1, 4);
  cache.Put("b", 2, 4);
  EXPECT_EQ(cache.Find("a"), 1);  // a is now the most recent
  cache.Put("c", 3, 4);           // 12 > 10: b goes
  EXPECT_EQ(cache.Find("b"), std::nullopt);
  EXPECT_EQ(cache.Find("a"), 1);
  EXPECT_EQ(cache.Find("c"), 3);
  EXPECT_EQ(cache.cost(), 8u);
}

TEST(LruCacheTest, ReplacesAKeyAndRefusesAnEntryOverTheBound) {
  LruCache<std::string> cache(10);
  cache.Put("a", "old", 6);
  cache.Put("a", "new", 3);
  EXPECT_EQ(cache.Find("a"), "new");
  EXPECT_EQ(cache.cost(), 3u);
  EXPECT_EQ(cache.size(), 1u);
  cache.Put("big", "x", 11);
  EXPECT_EQ(cache.Find("big"), std::nullopt);
  EXPECT_EQ(cache.Find("a"), "new");
}

TEST(LruCacheTest, CostOneBoundsTheCount) {
  LruCache<int> cache(2);
  for (int i = 0; i < 5; ++i) cache.Put(std::to_string(i), i, 1);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("3"), 3);
  EXPECT_EQ(cache.Find("4"), 4);
  EXPECT_EQ(cache.Find("2"), std::nullopt);
}

TEST(LruCacheTest, ClearDropsEverythingAndKeepsTheBound) {
  LruCache<int> cache(10);
  cache.Put("a", 1, 4);
  cache.Put("b", 2, 4);
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.cost(), 0u);
  EXPECT_EQ(cache.Find("a"), std::nullopt);
  cache.Put("c", 3, 10);  // the whole bound is free again
  EXPECT_EQ(cache.Find("c"), 3);
}

}  // namespace
}  // namespace ctg
