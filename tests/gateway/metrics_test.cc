#include "gateway/metrics.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/health_state.h"
#include "gateway/rate_limiter.h"
#include "gtest/gtest.h"
#include "tests/testing/http_get.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::HttpGet;

TEST(MetricsTest, CountsCallsByMethodRoleAndCode) {
  Metrics metrics(MetricsSources{.version = "1.2.3"});
  metrics.ObserveCall("/ctg.v1.Catalogue/ListIndicators", "requester", "OK",
                      0.002);
  metrics.ObserveCall("/ctg.v1.Catalogue/ListIndicators", "requester", "OK",
                      0.003);
  metrics.ObserveCall("/ctg.v1.Catalogue/ListIndicators", "auditor",
                      "PERMISSION_DENIED", 0.001);
  std::string text = metrics.Scrape();
  EXPECT_TRUE(absl::StrContains(
      text,
      "ctg_calls_total{code=\"OK\",method=\"/ctg.v1.Catalogue/ListIndicators\","
      "role=\"requester\"} 2"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "ctg_calls_total{code=\"PERMISSION_DENIED\",method=\"/ctg.v1.Catalogue/"
      "ListIndicators\",role=\"auditor\"} 1"));
  EXPECT_TRUE(absl::StrContains(text,
                                "ctg_call_duration_seconds_count{method=\"/"
                                "ctg.v1.Catalogue/ListIndicators\"} 3"));
  EXPECT_TRUE(absl::StrContains(text, "ctg_build_info{version=\"1.2.3\"} 1"));
}

TEST(MetricsTest, HealthGaugesAndEndpointFollowHealthState) {
  HealthState health;
  Metrics metrics(MetricsSources{.health = &health,
                                 .health_components = {"crl", "trust-reload"}});
  EXPECT_EQ(metrics.CheckHealth().http_status, 200);
  EXPECT_EQ(metrics.CheckHealth().body, "SERVING\n");
  std::string text = metrics.Scrape();
  EXPECT_TRUE(absl::StrContains(text, "ctg_health_serving 1")) << text;
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_health_component_failing{component=\"crl\"} 0"));
  EXPECT_TRUE(absl::StrContains(text, "ctg_trust_reload_ok 1"));

  health.ReportFailure(
      "trust-reload", HealthState::Severity::kDegraded,
      absl::InvalidArgumentError("tls.ca /x: cannot read the file"));
  health.ReportFailure("audit-append", HealthState::Severity::kIntegrity,
                       absl::UnavailableError("disk full"));
  Metrics::Health answer = metrics.CheckHealth();
  EXPECT_EQ(answer.http_status, 503);
  EXPECT_EQ(answer.body,
            "NOT_SERVING\naudit-append: disk full\ntrust-reload: tls.ca /x: "
            "cannot read the file\n");
  text = metrics.Scrape();
  EXPECT_TRUE(absl::StrContains(text, "ctg_health_serving 0")) << text;
  EXPECT_TRUE(absl::StrContains(text, "ctg_trust_reload_ok 0"));
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_health_component_failing{component=\"trust-reload\"} 1"));
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_health_component_failing{component=\"audit-append\"} 2"));
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_health_failures_total{component=\"trust-reload\"} 1"));

  health.ReportRecovered("trust-reload");
  health.ReportRecovered("audit-append");
  text = metrics.Scrape();
  EXPECT_TRUE(absl::StrContains(text, "ctg_health_serving 1"));
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_health_component_failing{component=\"audit-append\"} 0"));
  // Failures ever reported stay counted.
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_health_failures_total{component=\"audit-append\"} 1"));
  EXPECT_EQ(metrics.CheckHealth().http_status, 200);
}

TEST(MetricsTest, CountersReadFromTheirSourcesAtScrape) {
  RateLimiter limiter(1);
  absl::Time now = absl::Now();
  ASSERT_TRUE(limiter.Admit("spiffe://d/a", now).ok());
  ASSERT_FALSE(limiter.Admit("spiffe://d/a", now).ok());
  ASSERT_FALSE(limiter.Admit("spiffe://d/a", now).ok());
  MetricsSources::ExtractCounters extracts{
      .engine_waits = 4, .cache_hits = 2, .cache_misses = 5};
  Metrics metrics(MetricsSources{.limiter = &limiter,
                                 .extracts = [&] { return extracts; }});
  std::string text = metrics.Scrape();
  EXPECT_TRUE(absl::StrContains(text, "ctg_rate_limit_refusals_total 2"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "ctg_engine_slot_waits_total 4"));
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_release_cache_lookups_total{result=\"hit\"} 2"));
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_release_cache_lookups_total{result=\"miss\"} 5"));
  extracts.cache_hits = 3;
  text = metrics.Scrape();
  EXPECT_TRUE(absl::StrContains(
      text, "ctg_release_cache_lookups_total{result=\"hit\"} 3"))
      << text;
}

TEST(MetricsTest, ServesMetricsAndHealthOverHttp) {
  HealthState health;
  Metrics metrics(MetricsSources{.version = "9.9", .health = &health});
  ASSERT_TRUE(metrics.Listen("127.0.0.1:0").ok());
  ASSERT_GT(metrics.port(), 0);
  metrics.ObserveCall("/m", "admin", "OK", 0.01);
  auto scraped = HttpGet(metrics.port(), "/metrics");
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  EXPECT_EQ(scraped->status, 200);
  EXPECT_TRUE(absl::StrContains(
      scraped->body,
      "ctg_calls_total{code=\"OK\",method=\"/m\",role=\"admin\"} 1"));
  auto healthz = HttpGet(metrics.port(), "/healthz");
  ASSERT_TRUE(healthz.ok()) << healthz.status();
  EXPECT_EQ(healthz->status, 200);
  EXPECT_EQ(healthz->body, "SERVING\n");
  health.ReportFailure(
      "crl", HealthState::Severity::kDegraded,
      absl::FailedPreconditionError("the CRL in force expired"));
  healthz = HttpGet(metrics.port(), "/healthz");
  ASSERT_TRUE(healthz.ok());
  EXPECT_EQ(healthz->status, 503);
  EXPECT_EQ(healthz->body, "NOT_SERVING\ncrl: the CRL in force expired\n");
  auto other = HttpGet(metrics.port(), "/");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 404);
}

TEST(MetricsTest, BadListenAddressNamesTheKey) {
  Metrics metrics(MetricsSources{});
  absl::Status bad = metrics.Listen("9464");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.message(), "metrics.listen \"9464\""))
      << bad;
  Metrics first(MetricsSources{});
  ASSERT_TRUE(first.Listen("127.0.0.1:0").ok());
  absl::Status busy = metrics.Listen(absl::StrCat("127.0.0.1:", first.port()));
  EXPECT_EQ(busy.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(busy.message(), "cannot listen")) << busy;
}

}  // namespace
}  // namespace ctg::gateway
