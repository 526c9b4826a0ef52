#include "gateway/rate_limiter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST(RateLimiterTest, BurstThenRefillPerIdentity) {
  RateLimiter limiter(60);  // one per second, bursts of 60
  absl::Time t0 = absl::FromUnixSeconds(1000);
  for (int i = 0; i < 60; ++i) ASSERT_THAT(limiter.Admit("a", t0), IsOk()) << i;
  EXPECT_THAT(limiter.Admit("a", t0),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("retry in 1 s")));
  EXPECT_THAT(limiter.Admit("b", t0), IsOk());  // per identity
  EXPECT_THAT(limiter.Admit("a", t0 + absl::Seconds(1)), IsOk());
  EXPECT_THAT(limiter.Admit("a", t0 + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(RateLimiterTest, ZeroMeansUnlimited) {
  RateLimiter limiter(0);
  for (int i = 0; i < 10000; ++i)
    ASSERT_THAT(limiter.Admit("a", absl::UnixEpoch()), IsOk());
}

TEST(RateLimiterTest, TimeGoingBackwardsGrantsNothing) {
  RateLimiter limiter(2);
  absl::Time t0 = absl::FromUnixSeconds(1000);
  ASSERT_THAT(limiter.Admit("a", t0), IsOk());
  ASSERT_THAT(limiter.Admit("a", t0), IsOk());
  EXPECT_THAT(limiter.Admit("a", t0 - absl::Hours(1)),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("retry in 30 s")));
}

}  // namespace
}  // namespace ctg::gateway
