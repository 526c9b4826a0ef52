// Issue #8, load and soak (bounded, loopback only): many concurrent clients
// of every role call the gateway for a fixed time. No unexpected error,
// memory stable (resident set after the run within 25 MB of what it was
// after the warm-up) and no file-descriptor growth.
#include <dirent.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

constexpr auto kWarmUp = std::chrono::seconds(3);
constexpr auto kSoak = std::chrono::seconds(10);
constexpr int64_t kRssMarginKb = 25 * 1024;
constexpr int kFdMargin = 8;

// Under AddressSanitizer freed memory sits in a quarantine of up to 256 MB
// before reuse, so the resident set grows by design: memory stability is
// checked in the normal build only.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasureMemory = false;
#else
constexpr bool kMeasureMemory = true;
#endif

int64_t RssKb(int pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kb = 0;
      absl::SimpleAtoi(
          absl::StripAsciiWhitespace(line.substr(6, line.size() - 9)), &kb);
      return kb;
    }
  }
  return -1;
}

int OpenFds(int pid) {
  int n = 0;
  DIR* dir = opendir(absl::StrCat("/proc/", pid, "/fd").c_str());
  if (dir == nullptr) return -1;
  while (readdir(dir) != nullptr) ++n;
  closedir(dir);
  return n - 2;
}

struct Tally {
  std::atomic<int64_t> calls{0};
  std::mutex mu;
  std::vector<std::string> unexpected;
  void Check(const grpc::Status& s, const char* what) {
    ++calls;
    if (s.ok()) return;
    std::lock_guard<std::mutex> lock(mu);
    if (unexpected.size() < 10)
      unexpected.push_back(absl::StrCat(what, ": ", s.error_message()));
  }
};

// Calls `call` until `stop`, or until it has nothing more to do (nullopt).
void Loop(const std::atomic<bool>& stop, Tally& tally,
          const std::function<std::optional<grpc::Status>()>& call,
          const char* what) {
  while (!stop) {
    std::optional<grpc::Status> status = call();
    if (!status) return;
    tally.Check(*status, what);
  }
}

TEST(SoakTest, ManyClientsOfEveryRoleForAFixedTime) {
  auto started = TestGateway::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  TestGateway& gw = **started;
  ASSERT_TRUE(LoadDemoData(gw, {"2023"}).ok());
  ctg::v1::Scope scope;
  scope.add_indicators("allocataires");
  for (const std::string& t : BouscatTerritories()) scope.add_territories(t);
  scope.add_periods("2023");
  scope.add_breakdowns("family_type");
  auto approved = SubmitAndApprove(gw, scope, 100);
  ASSERT_TRUE(approved.ok()) << approved.status();

  Tally tally;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  auto requester =
      ctg::v1::DataRequests::NewStub(gw.Channel("requester-33069"));
  auto reviewer = ctg::v1::DataRequests::NewStub(gw.Channel("reviewer"));
  auto catalogue = ctg::v1::Catalogue::NewStub(gw.Channel("operator-33069"));
  auto audit = ctg::v1::Audit::NewStub(gw.Channel("auditor"));
  auto extracts = ctg::v1::Extracts::NewStub(gw.Channel("requester2-33069"));
  std::atomic<int> downloads{0};
  clients.emplace_back(
      Loop, std::cref(stop), std::ref(tally),
      [&]() -> std::optional<grpc::Status> {
        ctg::v1::DataRequest out;
        return requester->SubmitRequest(Deadline().get(), SubmitMessage(scope),
                                        &out);
      },
      "submit");
  clients.emplace_back(
      Loop, std::cref(stop), std::ref(tally),
      [&]() -> std::optional<grpc::Status> {
        ctg::v1::GetRequestRequest get;
        get.set_id(*approved);
        ctg::v1::DataRequest out;
        return reviewer->GetRequest(Deadline().get(), get, &out);
      },
      "get");
  clients.emplace_back(
      Loop, std::cref(stop), std::ref(tally),
      [&]() -> std::optional<grpc::Status> {
        ctg::v1::ListRequestsRequest list;
        list.set_page_size(10);
        ctg::v1::ListRequestsResponse out;
        return reviewer->ListRequests(Deadline().get(), list, &out);
      },
      "list");
  clients.emplace_back(
      Loop, std::cref(stop), std::ref(tally),
      [&]() -> std::optional<grpc::Status> {
        ctg::v1::ListTerritoriesResponse out;
        return catalogue->ListTerritories(Deadline().get(), {}, &out);
      },
      "territories");
  clients.emplace_back(
      Loop, std::cref(stop), std::ref(tally),
      [&]() -> std::optional<grpc::Status> {
        auto context = Deadline();
        ctg::v1::ListEventsRequest request;
        request.set_limit(20);
        auto reader = audit->ListEvents(context.get(), request);
        ctg::v1::AuditEvent e;
        while (reader->Read(&e)) {
        }
        return reader->Finish();
      },
      "events");
  clients.emplace_back(
      Loop, std::cref(stop), std::ref(tally),
      [&]() -> std::optional<grpc::Status> {
        if (downloads >= 90) return std::nullopt;  // stay within the quota
        auto context = Deadline();
        ctg::v1::GetExtractRequest request;
        request.set_request_id(*approved);
        auto reader = extracts->GetExtract(context.get(), request);
        ctg::v1::ExtractChunk chunk;
        while (reader->Read(&chunk)) {
        }
        ++downloads;
        return reader->Finish();
      },
      "extract");
  std::this_thread::sleep_for(kWarmUp);  // a fixed-duration load, not a wait
  int64_t rss_warm = RssKb(gw.pid());
  int fds_warm = OpenFds(gw.pid());
  int64_t calls_warm = tally.calls;
  std::this_thread::sleep_for(kSoak);
  int64_t rss_end = RssKb(gw.pid());
  int fds_end = OpenFds(gw.pid());
  stop = true;
  for (auto& c : clients) c.join();
  int64_t calls = tally.calls - calls_warm;
  std::printf(
      "soak: %lld calls in %lld s (%.0f calls/s), RSS %lld -> %lld kB, fds %d "
      "-> %d\n",
      static_cast<long long>(calls), static_cast<long long>(kSoak.count()),
      double(calls) / kSoak.count(), static_cast<long long>(rss_warm),
      static_cast<long long>(rss_end), fds_warm, fds_end);
  EXPECT_THAT(tally.unexpected, ::testing::IsEmpty());
  EXPECT_GT(calls, 1000);
  ASSERT_GT(rss_warm, 0);
  if (kMeasureMemory) {
    EXPECT_LE(rss_end, rss_warm + kRssMarginKb);
  }
  EXPECT_LE(fds_end, fds_warm + kFdMargin);
}

}  // namespace
}  // namespace ctg::testing
