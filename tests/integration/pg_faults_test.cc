// Faults of the PostgreSQL backend, with real gateways over mTLS on the
// throw-away cluster of tools/pg-test-cluster.sh (ctest entries
// integration_pg_faults and integration_pg_kill; skipped without
// CTG_TEST_PG_DIR):
//   - PostgreSQL restarted under load: calls fail closed (UNAVAILABLE,
//     nothing half-written) and health says NOT_SERVING meanwhile; the
//     gateway recovers by itself; every acknowledged call is in the
//     database with its event; the trail verifies.
//   - `ctg-gateway --check` on a PostgreSQL configuration: a good trail
//     passes, a tampered one is refused naming the event.
//   - The session lost during a call's COMMIT: the client is told the call
//     may have been done (never that nothing was done).
//   - Replicas SIGKILLed and restarted under concurrent submissions,
//     decisions and downloads sent to all of them: the others keep serving;
//     nothing acknowledged is lost; the trail verifies; each quota equals
//     the release ledger.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"
#include "tests/testing/http_get.h"
#include "tests/testing/subprocess.h"

namespace ctg::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

constexpr char kSubmit[] = "/ctg.v1.DataRequests/SubmitRequest";
constexpr char kStartStudy[] = "/ctg.v1.DataRequests/StartStudy";
constexpr char kDecide[] = "/ctg.v1.DataRequests/DecideRequest";
constexpr char kGetExtract[] = "/ctg.v1.Extracts/GetExtract";
constexpr char kGetRequest[] = "/ctg.v1.DataRequests/GetRequest";

const char* PgDir() {
  const char* dir = getenv("CTG_TEST_PG_DIR");
  return dir != nullptr && *dir != '\0' ? dir : nullptr;
}

std::map<std::string, std::string> ClusterEnv() {
  std::map<std::string, std::string> env;
  std::ifstream in(std::string(PgDir()) + "/env");
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

// tools/pg-test-cluster.sh `command` on the test's cluster.
void Cluster(const std::string& command) {
  RunResult r =
      RunProgram({"/bin/bash", SourceDir() + "/tools/pg-test-cluster.sh",
                  command, PgDir()});
  ASSERT_EQ(r.exit_code, 0) << command << ": " << r.err;
}

// The superuser's URL for the database `gw` runs on (its config's url).
std::string AdminUrlOf(const TestGateway& gw) {
  std::ifstream in(gw.config_path());
  std::string line, db;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "url = \"")) {
      db = line.substr(line.rfind('/') + 1);
      db = db.substr(0, db.find('"'));
    }
  }
  std::string admin = ClusterEnv()["CTG_TEST_PG_ADMIN_URL"];
  return admin.substr(0, admin.rfind('/') + 1) + db;
}

// What a server failed at, as opposed to a refusal of the client's call.
bool IsServerFailure(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::INTERNAL ||
         code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::DATA_LOSS ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

// The calls the gateways acknowledged (OK), by method and target, and
// those that failed.
class Ledger {
 public:
  void Acked(const std::string& method, const std::string& target) {
    std::lock_guard<std::mutex> lock(mu_);
    acked_.emplace_back(method, target);
  }
  void Failed(const grpc::Status& s) {
    std::lock_guard<std::mutex> lock(mu_);
    ++failed_[s.error_code()];
  }
  std::vector<std::pair<std::string, std::string>> acked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }
  int64_t acked_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_.size();
  }
  int64_t failed_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t n = 0;
    for (const auto& [code, count] : failed_) n += count;
    return n;
  }
  std::map<grpc::StatusCode, int64_t> failures() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> acked_;
  std::map<grpc::StatusCode, int64_t> failed_;
};

// Every acknowledged call has its event (same method and target, code OK)
// in the database of `gw`: as many events as acknowledgements at least.
void ExpectAckedCallsRecorded(const TestGateway& gw, const Ledger& ledger) {
  pqxx::connection admin(AdminUrlOf(gw));
  pqxx::nontransaction tx(admin);
  std::map<std::pair<std::string, std::string>, int64_t> events;
  for (const auto& row :
       tx.exec("SELECT method, target_id, count(*) FROM audit_events "
               "WHERE code = 0 GROUP BY method, target_id")) {
    events[{row[0].as<std::string>(), row[1].as<std::string>()}] =
        row[2].as<int64_t>();
  }
  std::map<std::pair<std::string, std::string>, int64_t> acked;
  for (const auto& call : ledger.acked()) ++acked[call];
  int missing = 0;
  for (const auto& [call, count] : acked) {
    if (events[call] >= count) continue;
    if (++missing <= 5) {
      ADD_FAILURE() << call.first << " " << call.second << ": acknowledged "
                    << count << " times, " << events[call] << " events";
    }
  }
  EXPECT_EQ(missing, 0);
  // Nothing half-written: each stored request has its submission event and
  // each submission event its request.
  EXPECT_EQ(tx.exec1(absl::StrCat("SELECT count(*) FROM requests r WHERE NOT "
                                  "EXISTS (SELECT 1 FROM audit_events e WHERE "
                                  "e.code = 0 AND e.method = '",
                                  kSubmit, "' AND e.target_id = r.id)"))[0]
                .as<int64_t>(),
            0);
  EXPECT_EQ(tx.exec1(absl::StrCat("SELECT count(*) FROM audit_events e WHERE "
                                  "e.code = 0 AND e.method = '",
                                  kSubmit,
                                  "' AND NOT EXISTS (SELECT 1 FROM requests r "
                                  "WHERE r.id = e.target_id)"))[0]
                .as<int64_t>(),
            0);
  // Each request's releases and release events are as many.
  for (const auto& row : tx.exec(absl::StrCat(
           "SELECT q.id, (SELECT count(*) FROM releases r WHERE r.request_id "
           "= q.id), (SELECT count(*) FROM audit_events e WHERE e.code = 0 "
           "AND e.method = '",
           kGetExtract,
           "' AND e.target_id = q.id) FROM request_approvals a JOIN requests "
           "q ON q.id = a.request_id"))) {
    EXPECT_EQ(row[1].as<int64_t>(), row[2].as<int64_t>())
        << row[0].as<std::string>() << ": releases vs release events";
  }
}

// `ctg-gateway --check` on the configuration of `gw`.
RunResult CheckTrail(const TestGateway& gw) {
  return RunProgram({GatewayBinary(), "--config", gw.config_path(), "--check"});
}

class PgFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PgDir() == nullptr)
      GTEST_SKIP() << "needs PostgreSQL (CTG_TEST_PG_DIR)";
  }

  static ctg::v1::Scope SmallScope() {
    ctg::v1::Scope scope;
    scope.add_indicators("allocataires");
    scope.add_territories("33069");
    scope.add_periods("2023");
    return scope;
  }
};

// ---------------------------------------------------------------------------
// PostgreSQL restarted under load.

// Watches the gRPC health of `gw` (one Watch stream, opened while it
// serves) and records every status it is told.
class HealthWatcher {
 public:
  explicit HealthWatcher(const TestGateway& gw)
      : stub_(grpc::health::v1::Health::NewStub(gw.Channel("auditor"))) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(120));
    reader_ = stub_->Watch(&context_, {});
    thread_ = std::thread([this] {
      HealthCheckResponse r;
      while (reader_->Read(&r)) {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back(r.status());
        cv_.notify_all();
      }
    });
  }
  ~HealthWatcher() {
    context_.TryCancel();
    thread_.join();
  }
  // Waits (at most 60 s: a bound, not a timing) until `status` has been
  // told after `after` earlier statuses; returns how many were told then.
  size_t AwaitStatus(HealthCheckResponse::ServingStatus status, size_t after) {
    std::unique_lock<std::mutex> lock(mu_);
    size_t found = 0;
    cv_.wait_for(lock, std::chrono::seconds(60), [&] {
      for (size_t i = after; i < seen_.size(); ++i) {
        if (seen_[i] == status) {
          found = i + 1;
          return true;
        }
      }
      return false;
    });
    return found;
  }

 private:
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HealthCheckResponse::ServingStatus> seen_;
};

int MetricsPort(const TestGateway& gw) {
  std::ifstream in(gw.stderr_path());
  std::string line;
  const std::string key = "\"metrics_listen\":\"127.0.0.1:";
  while (std::getline(in, line)) {
    size_t at = line.find(key);
    if (at != std::string::npos && absl::StrContains(line, "\"start\""))
      return std::atoi(line.c_str() + at + key.size());
  }
  return 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(PgFaultsTest, RestartingPostgresUnderLoadFailsClosedAndRecovers) {
  auto started = TestGateway::Start("[metrics]\nlisten = \"127.0.0.1:0\"\n");
  ASSERT_TRUE(started.ok()) << started.status();
  TestGateway& gw = **started;
  ASSERT_TRUE(LoadDemoData(gw, {"2023"}).ok());
  const int metrics_port = MetricsPort(gw);
  ASSERT_GT(metrics_port, 0);
  HealthWatcher health(gw);
  ASSERT_GT(health.AwaitStatus(HealthCheckResponse::SERVING, 0), 0u);

  Ledger ledger;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> unexpected{0};
  std::mutex ids_mu;
  std::vector<std::string> ids;
  auto requests = ctg::v1::DataRequests::NewStub(gw.Channel("requester-33069"));
  auto reviewer = ctg::v1::DataRequests::NewStub(gw.Channel("reviewer"));
  auto outcome = [&](const grpc::Status& s) {
    if (s.ok()) return;
    ledger.Failed(s);
    // Pacing during the outage, so that refusals do not flood the log.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    // Fail closed: during the outage, UNAVAILABLE and nothing else.
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE) {
      if (++unexpected <= 5)
        ADD_FAILURE() << s.error_code() << " " << s.error_message();
    }
  };
  std::vector<std::thread> load;
  for (int t = 0; t < 2; ++t) {
    load.emplace_back([&] {
      while (!stop) {
        ctg::v1::DataRequest out;
        grpc::Status s = requests->SubmitRequest(
            Deadline().get(), SubmitMessage(SmallScope()), &out);
        outcome(s);
        if (!s.ok()) continue;
        ledger.Acked(kSubmit, out.id());
        std::lock_guard<std::mutex> lock(ids_mu);
        ids.push_back(out.id());
      }
    });
  }
  load.emplace_back([&] {
    while (!stop) {
      std::string id;
      {
        std::lock_guard<std::mutex> lock(ids_mu);
        if (!ids.empty()) id = ids[ids.size() / 2];
      }
      if (id.empty()) {
        std::this_thread::yield();
        continue;
      }
      ctg::v1::GetRequestRequest get;
      get.set_id(id);
      ctg::v1::DataRequest out;
      grpc::Status s = reviewer->GetRequest(Deadline().get(), get, &out);
      outcome(s);
      if (s.ok()) ledger.Acked(kGetRequest, id);
    }
  });

  auto await_acked = [&](int64_t more) {
    const int64_t target = ledger.acked_count() + more;
    for (int i = 0; i < 6000 && ledger.acked_count() < target; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return ledger.acked_count() >= target;
  };
  ASSERT_TRUE(await_acked(20));

  Cluster("stop-server");
  const size_t down = health.AwaitStatus(HealthCheckResponse::NOT_SERVING, 0);
  EXPECT_GT(down, 0u) << "health never said NOT_SERVING";
  auto healthz = HttpGet(metrics_port, "/healthz");
  ASSERT_TRUE(healthz.ok()) << healthz.status();
  EXPECT_EQ(healthz->status, 503);
  EXPECT_THAT(healthz->body, HasSubstr("database: "));
  // Health/Check cannot be recorded either: refused, not served unaudited.
  {
    auto stub = grpc::health::v1::Health::NewStub(gw.Channel("auditor"));
    HealthCheckResponse r;
    grpc::Status s = stub->Check(Deadline().get(), {}, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(s.error_message(), HasSubstr("database"));
  }
  const int64_t failed_during_outage = ledger.failed_count();

  Cluster("start-server");
  EXPECT_GT(health.AwaitStatus(HealthCheckResponse::SERVING, down), 0u)
      << "the gateway did not recover by itself";
  EXPECT_TRUE(await_acked(20)) << "no call succeeded after the restart";
  stop = true;
  for (auto& t : load) t.join();

  EXPECT_GT(failed_during_outage, 0);
  EXPECT_EQ(unexpected, 0);
  auto healthz_after = HttpGet(metrics_port, "/healthz");
  ASSERT_TRUE(healthz_after.ok());
  EXPECT_EQ(healthz_after->status, 200);
  auto metrics = HttpGet(metrics_port, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body,
              HasSubstr("ctg_health_failures_total{component=\"database\"}"));
  // Logged once when it went down, once when it came back.
  std::string log = ReadFile(gw.stderr_path());
  const std::string failure =
      "\"event\":\"health-failure\",\"component\":\"database\"";
  size_t first = log.find(failure);
  EXPECT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find(failure, first + 1), std::string::npos) << log;
  EXPECT_THAT(log, HasSubstr("\"event\":\"database-recovered\""));

  ExpectAckedCallsRecorded(gw, ledger);
  RunResult check = CheckTrail(gw);
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("intact"));
  std::printf(
      "postgres restart under load: %lld calls acknowledged, %lld failed "
      "(UNAVAILABLE), %s\n",
      static_cast<long long>(ledger.acked_count()),
      static_cast<long long>(ledger.failed_count()), check.out.c_str());
}

// ---------------------------------------------------------------------------
// ctg-gateway --check on PostgreSQL.

TEST_F(PgFaultsTest, CheckVerifiesThePostgresTrailAndFindsTampering) {
  auto started = TestGateway::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  TestGateway& gw = **started;
  auto requests = ctg::v1::Catalogue::NewStub(gw.Channel("operator-33069"));
  for (int i = 0; i < 5; ++i) {
    ctg::v1::ListTerritoriesResponse out;
    ASSERT_TRUE(requests->ListTerritories(Deadline().get(), {}, &out).ok());
  }
  ASSERT_EQ(gw.Stop(), 0);  // its final checkpoint is signed and stored
  RunResult good = CheckTrail(gw);
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, HasSubstr("intact: 5 events, 1 signed checkpoints"));
  // The owner's append-only triggers are bypassed as a superuser would.
  {
    pqxx::connection admin(AdminUrlOf(gw));
    pqxx::nontransaction tx(admin);
    tx.exec(
        "SET session_replication_role = replica; UPDATE audit_events SET "
        "target_id = 'forged' WHERE seq = 3");
  }
  RunResult bad = CheckTrail(gw);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("event 3"));
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
}

// ---------------------------------------------------------------------------
// A session lost during COMMIT.

// The database ends the gateway's session while it commits a submission (a
// deferred trigger terminates its backend at COMMIT, as a fast shutdown or
// a failover can): whether the call was done is unknown, and the client is
// told so, never that nothing was done. The gateway then serves again by
// itself.
TEST_F(PgFaultsTest, ALostCommitIsReportedAsAnUnknownOutcome) {
  auto started = TestGateway::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  TestGateway& gw = **started;
  ASSERT_TRUE(LoadDemoData(gw, {"2023"}).ok());
  auto admin_exec = [&](const std::string& sql) {
    pqxx::connection admin(AdminUrlOf(gw));
    pqxx::nontransaction tx(admin);
    tx.exec(sql);
  };
  admin_exec(R"sql(
      CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_terminate_backend(pg_backend_pid());
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON requests
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        EXECUTE FUNCTION die_at_commit();)sql");
  auto requests = ctg::v1::DataRequests::NewStub(gw.Channel("requester-33069"));
  ctg::v1::DataRequest out;
  grpc::Status lost = requests->SubmitRequest(
      Deadline().get(), SubmitMessage(SmallScope()), &out);
  EXPECT_EQ(lost.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(lost.error_message(), HasSubstr("the call may have been done"));
  EXPECT_THAT(lost.error_message(), HasSubstr("unknown"));
  EXPECT_THAT(lost.error_message(),
              ::testing::Not(HasSubstr("nothing was done")));

  admin_exec("DROP TRIGGER die_at_commit ON requests");
  // Refused (UNAVAILABLE) until the gateway's probe finds the database
  // again (about a second); then served.
  grpc::Status again;
  for (int i = 0; i < 300; ++i) {
    again = requests->SubmitRequest(Deadline().get(),
                                    SubmitMessage(SmallScope()), &out);
    if (again.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(again.ok()) << again.error_code() << " " << again.error_message();
  ASSERT_EQ(gw.Stop(), 0);
  RunResult check = CheckTrail(gw);
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

// ---------------------------------------------------------------------------
// Replicas killed under load.

// One replica, killed and restarted by the test while workers call it.
class Replica {
 public:
  explicit Replica(std::unique_ptr<TestGateway> gw) : gw_(std::move(gw)) {}

  // A channel as `client`, and the replica's epoch (odd: down). Null while
  // it is down.
  std::pair<std::shared_ptr<grpc::Channel>, int> Channel(
      const std::string& client) {
    std::lock_guard<std::mutex> lock(mu_);
    if (epoch_ % 2 == 1) return {nullptr, epoch_};
    auto& channel = channels_[client];
    if (channel == nullptr) channel = gw_->Channel(client);
    return {channel, epoch_};
  }
  int epoch() {
    std::lock_guard<std::mutex> lock(mu_);
    return epoch_;
  }
  void Kill() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++epoch_;
      channels_.clear();
    }
    gw_->Kill();
  }
  absl::Status Restart() {
    absl::Status s = gw_->Restart();
    std::lock_guard<std::mutex> lock(mu_);
    if (s.ok()) ++epoch_;
    return s;
  }
  TestGateway& gateway() { return *gw_; }

 private:
  std::unique_ptr<TestGateway> gw_;
  std::mutex mu_;
  int epoch_ = 0;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

TEST_F(PgFaultsTest, KillingReplicasUnderLoadLosesNoAcknowledgedCall) {
  constexpr int kReplicas = 3;
  constexpr int kKills = 21;
  constexpr int kQuota = 25;
  const auto begin = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<Replica>> replicas;
  {
    auto first = TestGateway::Start();
    ASSERT_TRUE(first.ok()) << first.status();
    ASSERT_TRUE(LoadDemoData(**first, {"2023"}).ok());
    replicas.push_back(std::make_unique<Replica>(*std::move(first)));
  }
  std::vector<std::string> downloadable;
  for (int i = 0; i < 3; ++i) {
    auto id = SubmitAndApprove(replicas[0]->gateway(), SmallScope(), kQuota);
    ASSERT_TRUE(id.ok()) << id.status();
    downloadable.push_back(*id);
  }
  for (int i = 1; i < kReplicas; ++i) {
    auto other = TestGateway::StartReplicaOf(replicas[0]->gateway());
    ASSERT_TRUE(other.ok()) << other.status();
    replicas.push_back(std::make_unique<Replica>(*std::move(other)));
  }

  Ledger ledger;
  const auto load_begin = std::chrono::steady_clock::now();
  std::atomic<bool> stop{false};
  std::atomic<int64_t> skipped{0};
  std::mutex problems_mu;
  std::vector<std::string> problems;  // server failures of replicas left up
  std::atomic<int> next{0};
  // Runs `call` on the next replica up; records what a live replica (not
  // killed during the call) failed at. Returns the status, or nullopt when
  // no replica was up.
  auto on_some_replica = [&](const std::string& client,
                             const std::function<grpc::Status(
                                 const std::shared_ptr<grpc::Channel>&)>& call)
      -> std::optional<grpc::Status> {
    for (int tries = 0; tries < kReplicas; ++tries) {
      Replica& r = *replicas[next++ % kReplicas];
      auto [channel, epoch] = r.Channel(client);
      if (channel == nullptr) {
        ++skipped;
        continue;
      }
      grpc::Status s = call(channel);
      if (!s.ok()) {
        ledger.Failed(s);
        if (IsServerFailure(s.error_code()) && r.epoch() == epoch) {
          std::lock_guard<std::mutex> lock(problems_mu);
          problems.push_back(
              absl::StrCat(s.error_code(), " ", s.error_message()));
        }
      }
      return s;
    }
    return std::nullopt;
  };

  std::mutex queue_mu;
  std::deque<std::string> submitted;  // to decide
  std::vector<std::thread> workers;
  for (int t = 0; t < 2; ++t) {
    workers.emplace_back([&] {
      while (!stop) {
        ctg::v1::DataRequest out;
        auto s = on_some_replica("requester-33069", [&](const auto& ch) {
          return ctg::v1::DataRequests::NewStub(ch)->SubmitRequest(
              Deadline().get(), SubmitMessage(SmallScope()), &out);
        });
        if (!s || !s->ok()) continue;
        ledger.Acked(kSubmit, out.id());
        std::lock_guard<std::mutex> lock(queue_mu);
        submitted.push_back(out.id());
      }
    });
  }
  workers.emplace_back([&] {
    int n = 0;
    while (!stop) {
      std::string id;
      {
        std::lock_guard<std::mutex> lock(queue_mu);
        if (!submitted.empty()) {
          id = submitted.front();
          submitted.pop_front();
        }
      }
      if (id.empty()) {
        std::this_thread::yield();
        continue;
      }
      ctg::v1::StartStudyRequest start;
      start.set_id(id);
      ctg::v1::DataRequest out;
      auto s = on_some_replica("reviewer", [&](const auto& ch) {
        return ctg::v1::DataRequests::NewStub(ch)->StartStudy(Deadline().get(),
                                                              start, &out);
      });
      if (!s || !s->ok()) continue;
      ledger.Acked(kStartStudy, id);
      // Approvals and rejections in turn.
      const bool approve = ++n % 2 == 0;
      ctg::v1::DecideRequestRequest decide;
      decide.set_id(id);
      decide.set_decision(approve ? ctg::v1::DecideRequestRequest::APPROVE
                                  : ctg::v1::DecideRequestRequest::REJECT);
      decide.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
      decide.mutable_opportunity()->set_reasoning("Conforme");
      decide.mutable_feasibility()->set_opinion(
          approve ? ctg::v1::FAVOURABLE : ctg::v1::UNFAVOURABLE);
      decide.mutable_feasibility()->set_reasoning("Examinée");
      if (approve) {
        decide.set_download_quota(1);
      } else {
        decide.set_reasons("Infaisable sous le secret statistique");
      }
      s = on_some_replica("reviewer", [&](const auto& ch) {
        return ctg::v1::DataRequests::NewStub(ch)->DecideRequest(
            Deadline().get(), decide, &out);
      });
      if (s && s->ok()) ledger.Acked(kDecide, id);
    }
  });
  for (int t = 0; t < 2; ++t) {
    workers.emplace_back([&, t] {
      for (int i = t; !stop; ++i) {
        const std::string& id = downloadable[i % downloadable.size()];
        ctg::v1::GetExtractRequest request;
        request.set_request_id(id);
        auto s = on_some_replica("requester2-33069", [&](const auto& ch) {
          auto context = Deadline();
          auto reader = ctg::v1::Extracts::NewStub(ch)->GetExtract(
              context.get(), request);
          ctg::v1::ExtractChunk chunk;
          while (reader->Read(&chunk)) {
          }
          return reader->Finish();
        });
        if (s && s->ok()) ledger.Acked(kGetExtract, id);
      }
    });
  }

  // The kills: one replica at a time, in turn, each after a stretch of load
  // (the pacing does not decide any outcome).
  int kills = 0;
  for (int k = 0; k < kKills; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    Replica& victim = *replicas[k % kReplicas];
    victim.Kill();
    ++kills;
    absl::Status restarted = victim.Restart();
    ASSERT_TRUE(restarted.ok()) << restarted;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  stop = true;
  for (auto& w : workers) w.join();
  const auto load_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - load_begin)
                           .count();

  {
    std::lock_guard<std::mutex> lock(problems_mu);
    EXPECT_THAT(problems, ::testing::IsEmpty())
        << "replicas left up failed calls";
  }
  ExpectAckedCallsRecorded(replicas[0]->gateway(), ledger);
  // Quotas: each request's downloads as the gateway counts them equal its
  // releases in the ledger, never more than the quota.
  {
    pqxx::connection admin(AdminUrlOf(replicas[0]->gateway()));
    pqxx::nontransaction tx(admin);
    auto reviewer = ctg::v1::DataRequests::NewStub(
        replicas[1]->gateway().Channel("reviewer"));
    for (const std::string& id : downloadable) {
      const int64_t released =
          tx.exec_params1("SELECT count(*) FROM releases WHERE request_id = $1",
                          id)[0]
              .as<int64_t>();
      ctg::v1::GetRequestRequest get;
      get.set_id(id);
      ctg::v1::DataRequest out;
      ASSERT_TRUE(reviewer->GetRequest(Deadline().get(), get, &out).ok());
      EXPECT_EQ(out.approval().downloads_used(), released) << id;
      EXPECT_LE(released, kQuota) << id;
    }
  }
  for (auto& r : replicas) ASSERT_EQ(r->gateway().Stop(), 0);
  RunResult check = CheckTrail(replicas[0]->gateway());
  EXPECT_EQ(check.exit_code, 0) << check.err;
  std::map<grpc::StatusCode, int64_t> failures = ledger.failures();
  std::string by_code;
  for (const auto& [code, n] : failures)
    absl::StrAppend(&by_code, " ", code, ":", n);
  const auto total_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - begin)
                            .count();
  std::printf(
      "kill test: %d replicas, %d SIGKILLs in %.1f s of load, %lld calls "
      "acknowledged, %lld failed (by gRPC code:%s), %lld not sent (replica "
      "down); whole test %.1f s\n%s",
      kReplicas, kills, load_ms / 1000.0,
      static_cast<long long>(ledger.acked_count()),
      static_cast<long long>(ledger.failed_count()), by_code.c_str(),
      static_cast<long long>(skipped.load()), total_ms / 1000.0,
      check.out.c_str());
}

}  // namespace
}  // namespace ctg::testing
