// Issue #3, crash safety: a call is acknowledged only once its event is
// durable. Concurrent clients call the gateway while it is killed with
// SIGKILL; after a restart every acknowledged call has its event and the
// trail verifies.
#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

// One call whose audit event carries `marker` (in its "filter" fact).
bool MarkedCall(const std::shared_ptr<grpc::Channel>& channel,
                const std::string& marker) {
  auto stub = ctg::v1::Audit::NewStub(channel);
  auto context = Deadline(5);
  ctg::v1::ListEventsRequest request;
  request.set_request_id(marker);
  request.set_limit(1);
  auto reader = stub->ListEvents(context.get(), request);
  ctg::v1::AuditEvent e;
  while (reader->Read(&e)) {
  }
  return reader->Finish().ok();
}

TEST(AuditCrashTest, AcknowledgedCallsSurviveSigkill) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  std::unique_ptr<TestGateway> gateway = std::move(*gw);
  std::set<std::string> acknowledged;
  std::mutex mu;
  constexpr int kRounds = 3;
  constexpr int kThreads = 8;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> done_calls{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < kThreads; ++t) {
      clients.emplace_back([&, t] {
        auto channel = gateway->Channel("auditor");
        for (int i = 0; !stop.load(); ++i) {
          std::string marker = absl::StrCat("crash-", round, "-", t, "-", i);
          if (!MarkedCall(channel, marker)) break;
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.insert(marker);
          ++done_calls;
        }
      });
    }
    // Kill while calls are in flight: once some calls have completed.
    while (done_calls.load() < 40 * (round + 1)) std::this_thread::yield();
    gateway->Kill();
    stop = true;
    for (auto& c : clients) c.join();
    ASSERT_TRUE(gateway->Restart().ok()) << "restart " << round;
  }
  // Every acknowledged call has its event.
  RunResult checkpoint = gateway->Ctg("auditor", {"audit", "checkpoint"});
  ASSERT_EQ(checkpoint.exit_code, 0);
  RunResult events =
      gateway->Ctg("auditor", {"audit", "events", "--format", "jsonl"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  size_t found = 0;
  for (const std::string& marker : acknowledged) {
    found += events.out.find(absl::StrCat("request_id: \\\"", marker,
                                          "\\\"")) != std::string::npos;
  }
  EXPECT_EQ(found, acknowledged.size());
  EXPECT_GE(acknowledged.size(), static_cast<size_t>(40 * kRounds));
  // And the trail, with the calls cut mid-flight, still verifies.
  std::string dir = gateway->dir();
  std::ofstream(dir + "/events.jsonl") << events.out;
  std::ofstream(dir + "/checkpoint.txt") << checkpoint.out;
  RunResult verify = RunProgram({CtgBinary(), "audit", "verify", "--events",
                                 dir + "/events.jsonl", "--key",
                                 DevPki::Get().dir() + "/audit-signing.pub",
                                 "--checkpoint", dir + "/checkpoint.txt"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.out, HasSubstr("OK: "));
}

}  // namespace
}  // namespace ctg::testing
