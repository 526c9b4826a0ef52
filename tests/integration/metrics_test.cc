// The metrics listener of a real gateway: scraped over plain HTTP on
// loopback after calls over mTLS, its /healthz, and the operational log's
// JSON lines on stderr.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"
#include "tests/testing/http_get.h"

namespace ctg::testing {
namespace {

std::vector<std::string> StderrLines(const TestGateway& gateway) {
  std::ifstream in(gateway.stderr_path());
  std::stringstream text;
  text << in.rdbuf();
  return absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
}

// The metrics port from the gateway's "start" log line.
int MetricsPort(const TestGateway& gateway) {
  for (const std::string& line : StderrLines(gateway)) {
    if (!absl::StrContains(line, "\"event\":\"start\"")) continue;
    size_t at = line.find("\"metrics_listen\":\"127.0.0.1:");
    if (at == std::string::npos) return 0;
    at += std::string("\"metrics_listen\":\"127.0.0.1:").size();
    int port = 0;
    if (absl::SimpleAtoi(line.substr(at, line.find('"', at) - at), &port))
      return port;
  }
  return 0;
}

// The value of the sample whose name and labels are exactly `series`.
double Sample(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, series + " ")) {
      double value = 0;
      if (absl::SimpleAtod(line.substr(series.size() + 1), &value))
        return value;
    }
  }
  return -1e9;
}

TEST(MetricsIntegrationTest, ScrapeCountsCallsAndHealthzServes) {
  auto gw = TestGateway::Start("[metrics]\nlisten = \"127.0.0.1:0\"\n");
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  int port = MetricsPort(gateway);
  ASSERT_GT(port, 0) << "no metrics port in the start line";

  auto catalogue =
      ctg::v1::Catalogue::NewStub(gateway.Channel("requester-33069"));
  ctg::v1::ListIndicatorsResponse indicators;
  ASSERT_TRUE(
      catalogue->ListIndicators(Deadline().get(), {}, &indicators).ok());
  ASSERT_TRUE(
      catalogue->ListIndicators(Deadline().get(), {}, &indicators).ok());
  // A state-changing call refused for the role: counted, and logged.
  auto conventions =
      ctg::v1::Conventions::NewStub(gateway.Channel("requester-33069"));
  ctg::v1::Convention created;
  grpc::Status refused =
      conventions->CreateConvention(Deadline().get(), {}, &created);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  auto scraped = HttpGet(port, "/metrics");
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  ASSERT_EQ(scraped->status, 200);
  const std::string& text = scraped->body;
  EXPECT_EQ(Sample(text,
                   "ctg_calls_total{code=\"OK\",method=\"/ctg.v1.Catalogue/"
                   "ListIndicators\",role=\"requester\"}"),
            2)
      << text;
  EXPECT_EQ(
      Sample(text,
             "ctg_calls_total{code=\"PERMISSION_DENIED\",method=\"/ctg.v1."
             "Conventions/CreateConvention\",role=\"requester\"}"),
      1);
  EXPECT_EQ(Sample(text,
                   "ctg_call_duration_seconds_count{method=\"/ctg.v1.Catalogue/"
                   "ListIndicators\"}"),
            2);
  EXPECT_GE(Sample(text, "ctg_audit_tree_size"), 3);
  EXPECT_GE(Sample(text, "ctg_audit_write_duration_seconds_count"), 2);
  EXPECT_GE(Sample(text, "ctg_audit_checkpoint_age_seconds"), 0);
  EXPECT_EQ(Sample(text, "ctg_health_serving"), 1);
  EXPECT_EQ(Sample(text, "ctg_trust_reload_ok"), 1);
  // The development PKI's CRL and server certificate are valid for days.
  EXPECT_GT(Sample(text, "ctg_crl_next_update_seconds"), 3600);
  EXPECT_GT(Sample(text, "ctg_server_certificate_expiry_days"), 1);
  EXPECT_TRUE(absl::StrContains(text, "ctg_build_info{version=\"")) << text;
  EXPECT_EQ(Sample(text, "ctg_rate_limit_refusals_total"), 0);

  auto healthz = HttpGet(port, "/healthz");
  ASSERT_TRUE(healthz.ok()) << healthz.status();
  EXPECT_EQ(healthz->status, 200);
  EXPECT_EQ(healthz->body, "SERVING\n");

  EXPECT_EQ(gateway.Stop(), 0);
  // The operational log: JSON lines only, start and stop, the refused
  // state change with its caller's SPIFFE ID.
  std::vector<std::string> lines = StderrLines(gateway);
  bool start = false, stop = false, refusal = false;
  for (const std::string& line : lines) {
    EXPECT_TRUE(absl::StartsWith(line, "{\"ts\":\"") &&
                absl::EndsWith(line, "}"))
        << line;
    start |= absl::StrContains(line, "\"event\":\"start\"");
    stop |= absl::StrContains(line, "\"event\":\"stop\"");
    refusal |= absl::StrContains(
        line,
        "\"level\":\"warning\",\"event\":\"call\","
        "\"method\":\"/ctg.v1.Conventions/CreateConvention\","
        "\"code\":\"PERMISSION_DENIED\",\"caller\":\"spiffe://");
  }
  EXPECT_TRUE(start);
  EXPECT_TRUE(stop);
  EXPECT_TRUE(refusal);
}

TEST(MetricsIntegrationTest, NoListenerWithoutMetricsSection) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  EXPECT_EQ(MetricsPort(**gw), 0);
}

TEST(MetricsIntegrationTest, BusyMetricsPortRefusesStartNamingTheKey) {
  auto first = TestGateway::Start("[metrics]\nlisten = \"127.0.0.1:0\"\n");
  ASSERT_TRUE(first.ok()) << first.status();
  int port = MetricsPort(**first);
  ASSERT_GT(port, 0);
  auto second = TestGateway::Start(
      "[metrics]\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\n");
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::StrContains(second.status().message(), "metrics.listen"))
      << second.status();
}

}  // namespace
}  // namespace ctg::testing
