// Issue #8, crash consistency: concurrent submissions, decisions and
// extracts while the gateway is killed with SIGKILL 20 times at random
// points and restarted. Afterwards the audit trail verifies; every call a
// client saw acknowledged has its state and its event; no transition or
// release exists without its event; downloads match the release ledger.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

struct Acknowledged {
  std::mutex mu;
  std::set<std::string> submitted;
  std::set<std::string> approved;
  std::map<std::string, int> downloads;
  std::atomic<int> count{0};
};

ctg::v1::Scope SmallScope() {
  ctg::v1::Scope scope;
  scope.add_indicators("allocataires");
  for (const char* t : {"33069", "330690101", "330690102", "330690103"})
    scope.add_territories(t);
  scope.add_periods("2023");
  return scope;
}

std::vector<ctg::v1::DataRequest> ListByState(TestGateway& gw,
                                              ctg::v1::RequestState state) {
  auto stub = ctg::v1::DataRequests::NewStub(gw.Channel("reviewer"));
  ctg::v1::ListRequestsRequest request;
  request.set_state(state);
  request.set_page_size(20);
  ctg::v1::ListRequestsResponse response;
  if (!stub->ListRequests(Deadline(5).get(), request, &response).ok())
    return {};
  return {response.requests().begin(), response.requests().end()};
}

// The workers keep the pipeline balanced (each waits while the next stage
// has enough to do), so that every kill interrupts submissions, decisions
// and downloads alike, however slow the build (sanitizers) makes one stage.
constexpr size_t kBacklog = 3;

void Submitter(TestGateway& gw, Acknowledged& ack,
               const std::atomic<bool>& stop) {
  auto stub = ctg::v1::DataRequests::NewStub(gw.Channel("requester-33069"));
  while (!stop) {
    if (ListByState(gw, ctg::v1::SUBMITTED).size() >= kBacklog) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    ctg::v1::DataRequest out;
    if (stub->SubmitRequest(Deadline(5).get(), SubmitMessage(SmallScope()),
                            &out)
            .ok()) {
      std::lock_guard<std::mutex> lock(ack.mu);
      ack.submitted.insert(out.id());
      ++ack.count;
    }
  }
}

void Reviewer(TestGateway& gw, Acknowledged& ack,
              const std::atomic<bool>& stop) {
  auto stub = ctg::v1::DataRequests::NewStub(gw.Channel("reviewer"));
  auto not_downloaded = [&gw] {
    size_t n = 0;
    for (const auto& r : ListByState(gw, ctg::v1::APPROVED))
      n += r.approval().downloads_used() == 0;
    return n;
  };
  while (!stop) {
    if (not_downloaded() >= kBacklog) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    for (const auto& r : ListByState(gw, ctg::v1::SUBMITTED)) {
      ctg::v1::StartStudyRequest start;
      start.set_id(r.id());
      ctg::v1::DataRequest out;
      if (!stub->StartStudy(Deadline(5).get(), start, &out).ok()) break;
      ctg::v1::DecideRequestRequest decide;
      decide.set_id(r.id());
      decide.set_decision(ctg::v1::DecideRequestRequest::APPROVE);
      decide.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
      decide.mutable_opportunity()->set_reasoning("Conforme");
      decide.mutable_feasibility()->set_opinion(ctg::v1::FAVOURABLE);
      decide.mutable_feasibility()->set_reasoning("Faisable");
      decide.set_download_quota(3);
      if (!stub->DecideRequest(Deadline(5).get(), decide, &out).ok()) break;
      std::lock_guard<std::mutex> lock(ack.mu);
      ack.approved.insert(r.id());
      ++ack.count;
    }
    if (stop) break;
  }
}

void Downloader(TestGateway& gw, Acknowledged& ack,
                const std::atomic<bool>& stop) {
  auto stub = ctg::v1::Extracts::NewStub(gw.Channel("requester2-33069"));
  while (!stop) {
    for (const auto& r : ListByState(gw, ctg::v1::APPROVED)) {
      if (r.approval().downloads_used() >= r.approval().download_quota())
        continue;
      auto context = Deadline(10);
      ctg::v1::GetExtractRequest request;
      request.set_request_id(r.id());
      auto reader = stub->GetExtract(context.get(), request);
      ctg::v1::ExtractChunk chunk;
      bool trailer = false;
      while (reader->Read(&chunk)) trailer |= chunk.has_trailer();
      if (reader->Finish().ok() && trailer) {
        std::lock_guard<std::mutex> lock(ack.mu);
        ++ack.downloads[r.id()];
        ++ack.count;
      }
      if (stop) break;
    }
  }
}

TEST(CrashConsistencyTest, TwentyKillsLoseNothingAndLeaveNothingHalfDone) {
  auto started = TestGateway::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  TestGateway& gw = **started;
  ASSERT_TRUE(LoadDemoData(gw, {"2023"}).ok());
  Acknowledged ack;
  std::mt19937 rng(20261129);
  constexpr int kKills = 20;
  for (int kill = 0; kill < kKills; ++kill) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    workers.emplace_back(Submitter, std::ref(gw), std::ref(ack),
                         std::cref(stop));
    workers.emplace_back(Reviewer, std::ref(gw), std::ref(ack),
                         std::cref(stop));
    workers.emplace_back(Downloader, std::ref(gw), std::ref(ack),
                         std::cref(stop));
    // Kill at a random point: after 2 to 8 more acknowledged calls.
    int target = ack.count + std::uniform_int_distribution<int>(2, 8)(rng);
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (ack.count < target && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    const bool progressed = ack.count >= target;
    gw.Kill();
    stop = true;
    for (auto& w : workers) w.join();
    ASSERT_TRUE(progressed) << "no progress for 120 s before kill " << kill;
    ASSERT_TRUE(gw.Restart().ok()) << "restart after kill " << kill;
  }
  int acked_downloads = 0;
  for (const auto& [id, n] : ack.downloads) acked_downloads += n;
  std::printf(
      "acknowledged before the kills: %zu submissions, %zu approvals, %d "
      "downloads\n",
      ack.submitted.size(), ack.approved.size(), acked_downloads);
  ASSERT_GT(ack.submitted.size(), 5u);
  ASSERT_GT(ack.approved.size(), 2u);
  ASSERT_GT(acked_downloads, 0);

  // 1. The audit trail verifies.
  RunResult checkpoint = gw.Ctg("auditor", {"audit", "checkpoint"});
  RunResult events =
      gw.Ctg("auditor", {"audit", "events", "--format", "jsonl"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  std::ofstream(gw.dir() + "/checkpoint.txt") << checkpoint.out;
  std::ofstream(gw.dir() + "/events.jsonl") << events.out;
  RunResult verify = RunProgram({CtgBinary(), "audit", "verify", "--events",
                                 gw.dir() + "/events.jsonl", "--key",
                                 DevPki::Get().dir() + "/audit-signing.pub",
                                 "--checkpoint", gw.dir() + "/checkpoint.txt"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;

  // 2. Successful events per request and method, as the auditor sees them.
  std::map<std::string, std::map<std::string, int>> ok_events;
  {
    auto stub = ctg::v1::Audit::NewStub(gw.Channel("auditor"));
    auto context = Deadline(60);
    ctg::v1::ListEventsRequest request;
    request.set_outcome(ctg::v1::ListEventsRequest::ALLOWED);
    auto reader = stub->ListEvents(context.get(), request);
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) ++ok_events[e.target_id()][e.method()];
    ASSERT_TRUE(reader->Finish().ok());
  }

  // 3. Every request: each transition has its event, downloads match the
  // ledger and the events, and what clients saw acknowledged is there.
  auto reviewer = ctg::v1::DataRequests::NewStub(gw.Channel("reviewer"));
  std::map<std::string, ctg::v1::DataRequest> all;
  ctg::v1::ListRequestsRequest list;
  list.set_page_size(500);
  do {
    ctg::v1::ListRequestsResponse page;
    ASSERT_TRUE(reviewer->ListRequests(Deadline().get(), list, &page).ok());
    for (const auto& r : page.requests()) all[r.id()] = r;
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  for (const auto& [id, r] : all) {
    SCOPED_TRACE(id);
    const auto& methods = ok_events[id];
    auto count = [&](const char* m) {
      auto it = methods.find(absl::StrCat("/ctg.v1.DataRequests/", m));
      return it == methods.end() ? 0 : it->second;
    };
    EXPECT_EQ(count("SubmitRequest"), 1);
    bool studied = r.state() != ctg::v1::SUBMITTED;
    EXPECT_EQ(count("StartStudy"), studied ? 1 : 0);
    EXPECT_EQ(count("DecideRequest"), r.state() == ctg::v1::APPROVED ? 1 : 0);
    auto extracts = methods.find("/ctg.v1.Extracts/GetExtract");
    int released = extracts == methods.end() ? 0 : extracts->second;
    EXPECT_EQ(r.approval().downloads_used(),
              released);  // quota = ledger = events
    EXPECT_EQ(r.approval().release_times_size(), released);
    EXPECT_LE(r.approval().downloads_used(),
              std::max(1, r.approval().download_quota()));
  }
  for (const std::string& id : ack.submitted) EXPECT_TRUE(all.count(id)) << id;
  for (const std::string& id : ack.approved) {
    ASSERT_TRUE(all.count(id)) << id;
    EXPECT_EQ(all[id].state(), ctg::v1::APPROVED) << id;
  }
  for (const auto& [id, n] : ack.downloads) {
    EXPECT_GE(all[id].approval().downloads_used(), n) << id;
  }
}

}  // namespace
}  // namespace ctg::testing
