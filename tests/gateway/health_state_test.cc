#include "gateway/health_state.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::gateway {
namespace {

using Severity = HealthState::Severity;

TEST(HealthStateTest, StartsHealthy) {
  HealthState health;
  EXPECT_TRUE(health.healthy());
  EXPECT_TRUE(health.IntegrityStatus().ok());
  EXPECT_TRUE(health.Problems().empty());
}

TEST(HealthStateTest, DegradedFailureIsStickyButDoesNotRefuseCalls) {
  HealthState health;
  health.ReportFailure("crl", Severity::kDegraded,
                       absl::NotFoundError("crl.pem: missing"));
  health.ReportFailure("crl", Severity::kDegraded,
                       absl::NotFoundError("crl.pem: missing"));
  EXPECT_FALSE(health.healthy());
  EXPECT_TRUE(health.IntegrityStatus().ok());
  ASSERT_EQ(health.Problems().size(), 1u);
  EXPECT_EQ(health.Problems()[0].component, "crl");
  EXPECT_EQ(health.Problems()[0].failures, 2u);
}

TEST(HealthStateTest, IntegrityFailureRefusesUntilRecovered) {
  HealthState health;
  health.ReportFailure("audit-checkpoint", Severity::kIntegrity,
                       absl::InternalError("disk I/O error"));
  absl::Status refused = health.IntegrityStatus();
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(refused.message(), testing::HasSubstr("audit-checkpoint"));
  EXPECT_THAT(refused.message(), testing::HasSubstr("disk I/O error"));
  health.ReportRecovered("audit-checkpoint");
  EXPECT_TRUE(health.healthy());
  EXPECT_TRUE(health.IntegrityStatus().ok());
  EXPECT_EQ(health.TotalFailures("audit-checkpoint"), 1u);
}

TEST(HealthStateTest, ListenerSeesEachFailureWithItsStreakCount) {
  HealthState health;
  std::vector<uint64_t> seen;
  health.SetListener(
      [&](const HealthState::Problem& p) { seen.push_back(p.failures); });
  health.ReportFailure("trust-reload", Severity::kDegraded,
                       absl::InternalError("x"));
  health.ReportFailure("trust-reload", Severity::kDegraded,
                       absl::InternalError("x"));
  health.ReportRecovered("trust-reload");
  health.ReportFailure("trust-reload", Severity::kDegraded,
                       absl::InternalError("x"));
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 1}));
}

}  // namespace
}  // namespace ctg::gateway
