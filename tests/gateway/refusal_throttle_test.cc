#include "gateway/refusal_throttle.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Key = RefusalThrottle::Key;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);  // a window start

Key K(const std::string& peer, const std::string& sha = "aa") {
  return Key{.peer = peer,
             .reason = "client certificate refused: revoked",
             .cert_sha256 = sha};
}

TEST(RefusalThrottleTest, FirstOfAKeyIsRecordedTheRestFoldedIntoOneSummary) {
  RefusalThrottle throttle({.window = absl::Minutes(1), .max_keys = 10});
  EXPECT_TRUE(throttle.Offer(K("ipv4:10.0.0.1"), "tls-handshake", 16,
                             "spiffe://x", kT0));
  for (int i = 1; i <= 999; ++i) {
    EXPECT_FALSE(throttle.Offer(K("ipv4:10.0.0.1"), i % 2 ? "/a/B" : "/a/C", 16,
                                "spiffe://x", kT0 + absl::Milliseconds(i)));
  }
  EXPECT_THAT(throttle.TakeEnded(kT0 + absl::Seconds(59)), IsEmpty());
  auto ended = throttle.TakeEnded(kT0 + absl::Seconds(60));
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_FALSE(ended[0].overflow);
  EXPECT_EQ(ended[0].key, K("ipv4:10.0.0.1"));
  EXPECT_EQ(ended[0].folded, 999u);
  EXPECT_EQ(ended[0].code, 16);
  EXPECT_EQ(ended[0].claim, "spiffe://x");
  EXPECT_EQ(ended[0].window_start, kT0);
  EXPECT_EQ(ended[0].window_end, kT0 + absl::Minutes(1));
  EXPECT_THAT(ended[0].methods, ElementsAre("/a/B", "/a/C"));
  EXPECT_THAT(throttle.TakeEnded(kT0 + absl::Seconds(61)),
              IsEmpty());  // taken once
  // A new window records the key's first refusal at once again.
  EXPECT_TRUE(throttle.Offer(K("ipv4:10.0.0.1"), "tls-handshake", 16, "",
                             kT0 + absl::Seconds(61)));
}

TEST(RefusalThrottleTest, AKeySeenOnceHasNoSummary) {
  RefusalThrottle throttle({});
  EXPECT_TRUE(throttle.Offer(K("p"), "m", 16, "", kT0));
  EXPECT_THAT(throttle.TakeEnded(kT0 + absl::Hours(1)), IsEmpty());
  EXPECT_THAT(throttle.TakeAll(), IsEmpty());
}

TEST(RefusalThrottleTest, KeysDifferByPeerReasonAndCertificate) {
  RefusalThrottle throttle({});
  EXPECT_TRUE(throttle.Offer(K("p1"), "m", 16, "", kT0));
  EXPECT_TRUE(throttle.Offer(K("p2"), "m", 16, "", kT0));
  EXPECT_TRUE(throttle.Offer(K("p1", "bb"), "m", 16, "", kT0));
  Key other_reason = K("p1");
  other_reason.reason = "no client certificate presented";
  EXPECT_TRUE(throttle.Offer(other_reason, "m", 16, "", kT0));
  EXPECT_FALSE(throttle.Offer(K("p1"), "m", 16, "", kT0));
}

// The documented bound: whatever the rate and the number of distinct keys,
// one window yields at most max_keys events at once and max_keys + 1
// summaries.
TEST(RefusalThrottleTest, AFloodOfDistinctKeysIsBounded) {
  constexpr size_t kMaxKeys = 5;
  RefusalThrottle throttle({.window = absl::Seconds(10), .max_keys = kMaxKeys});
  size_t at_once = 0;
  for (int i = 0; i < 100000; ++i) {
    // 1000 distinct certificates, each refused 100 times.
    at_once +=
        throttle.Offer(K("ipv4:10.0.0.1", std::to_string(i % 1000)),
                       "tls-handshake", 16, "", kT0 + absl::Microseconds(i));
  }
  EXPECT_EQ(at_once, kMaxKeys);
  auto ended = throttle.TakeEnded(kT0 + absl::Seconds(10));
  ASSERT_EQ(ended.size(), kMaxKeys + 1);
  uint64_t folded = 0;
  size_t overflow = 0;
  for (const auto& s : ended) {
    folded += s.folded;
    overflow += s.overflow;
  }
  EXPECT_EQ(overflow, 1u);
  EXPECT_EQ(folded + at_once, 100000u);  // every refusal is accounted for
}

TEST(RefusalThrottleTest, MethodsListIsBounded) {
  RefusalThrottle throttle({});
  throttle.Offer(K("p"), "first", 16, "", kT0);
  for (int i = 0; i < 50; ++i)
    throttle.Offer(K("p"), "/m/" + std::to_string(i), 16, "", kT0);
  auto all = throttle.TakeAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].methods.size(), RefusalThrottle::kMaxMethods);
  EXPECT_TRUE(all[0].more_methods);
}

TEST(RefusalThrottleTest, TakeAllEndsTheCurrentWindow) {
  RefusalThrottle throttle({});
  throttle.Offer(K("p"), "m", 16, "", kT0);
  throttle.Offer(K("p"), "m", 16, "", kT0);
  auto all = throttle.TakeAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].folded, 1u);
  // Afterwards, a refusal starts a fresh window.
  EXPECT_TRUE(throttle.Offer(K("p"), "m", 16, "", kT0 + absl::Seconds(1)));
}

TEST(RefusalThrottleTest, WindowsAreAlignedAndZeroOptionsAreSane) {
  RefusalThrottle throttle({.window = absl::ZeroDuration(), .max_keys = 0});
  EXPECT_EQ(throttle.WindowEnd(kT0 + absl::Seconds(30)),
            kT0 + absl::Minutes(1));
  EXPECT_TRUE(throttle.Offer(K("p1"), "m", 16, "", kT0));
  EXPECT_FALSE(
      throttle.Offer(K("p2"), "m", 16, "", kT0));  // max_keys 1: overflow
}

}  // namespace
}  // namespace ctg::gateway
