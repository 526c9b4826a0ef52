#include "store/postgres/pg_changes.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_database.h"
#include "store/postgres/pg_stores.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using namespace ::ctg::store::postgres::testing;

// What a replica's listener received, waited for without sleeping.
class Received {
 public:
  void Add(const std::string& topic, int64_t version) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(topic + "@" + std::to_string(version));
    cv_.notify_all();
  }
  // True once `event` arrived `times` times (within a generous bound, not
  // a timing).
  bool WaitFor(const std::string& event, int times = 1) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] {
      return std::count(events_.begin(), events_.end(), event) >= times;
    });
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

absl::StatusOr<int64_t> Bump(PgDatabase& db, const std::string& topic,
                             bool fail = false) {
  int64_t version = 0;
  absl::Status s = db.Write([&](PgTransaction& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(version, BumpPgVersion(tx, topic));
    return fail ? absl::AbortedError("the change failed") : absl::OkStatus();
  });
  if (!s.ok()) return s;
  return version;
}

TEST(PgChangesTest, AChangeOnOneReplicaReachesTheOtherBeforeItsNextDecision) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto a, PgDatabase::Open(GatewayOptions(db)));
  CTG_ASSERT_OK_AND_ASSIGN(auto b, PgDatabase::Open(GatewayOptions(db)));
  Received on_b;
  CTG_ASSERT_OK_AND_ASSIGN(
      auto listener,
      PgChangeListener::Start(
          GatewayOptions(db),
          [&](const std::string& t, int64_t v) { on_b.Add(t, v); }));
  ASSERT_TRUE(on_b.WaitFor("@0"));  // listening: reload everything
  // A change rolled back notifies nothing and moves no version.
  EXPECT_FALSE(Bump(*a, "statbase", /*fail=*/true).ok());
  CTG_ASSERT_OK_AND_ASSIGN(int64_t v, Bump(*a, "statbase"));
  EXPECT_EQ(v, 1);
  EXPECT_TRUE(on_b.WaitFor("statbase@1"));
  // The version check: B's next decision reads the committed version.
  int64_t seen = 0;
  ASSERT_THAT(b->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(seen, ReadPgVersion(s, "statbase"));
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(seen, 1);
  CTG_ASSERT_OK_AND_ASSIGN(v, Bump(*a, "conventions"));
  EXPECT_TRUE(on_b.WaitFor("conventions@1"));
  EXPECT_THAT(on_b.events(),
              ::testing::ElementsAre("@0", "statbase@1", "conventions@1"));
}

TEST(PgChangesTest, ALostListenerReconnectsAndAsksForAFullReload) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto a, PgDatabase::Open(GatewayOptions(db)));
  Received got;
  CTG_ASSERT_OK_AND_ASSIGN(
      auto listener,
      PgChangeListener::Start(
          GatewayOptions(db),
          [&](const std::string& t, int64_t v) { got.Add(t, v); }));
  ASSERT_TRUE(got.WaitFor("@0"));
  ASSERT_THAT(TerminateSessions(db), IsOk());
  // The listener notices by itself, reconnects, and asks again for a full
  // reload (it may have missed changes meanwhile); then changes flow again.
  EXPECT_TRUE(got.WaitFor("@0", 2));
  // The writer's session was ended too: its next group fails, the one
  // after reconnects.
  EXPECT_FALSE(Bump(*a, "lost").ok());
  CTG_ASSERT_OK_AND_ASSIGN(int64_t v, Bump(*a, "statbase"));
  EXPECT_TRUE(got.WaitFor("statbase@" + std::to_string(v)));
}

// What the gateway's replicas listen for: replacing a period of the
// statistical base announces the topic "statbase" at commit.
TEST(PgChangesTest, AReimportOfAPeriodAnnouncesTheStatisticalBase) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto a, PgDatabase::Open(GatewayOptions(db)));
  Received got;
  CTG_ASSERT_OK_AND_ASSIGN(
      auto listener,
      PgChangeListener::Start(
          GatewayOptions(db),
          [&](const std::string& t, int64_t v) { got.Add(t, v); }));
  ASSERT_TRUE(got.WaitFor("@0"));
  for (const char* version : {"2023@1111", "2023@2222"}) {
    ASSERT_THAT(a->Write([&](PgTransaction& tx) -> absl::Status {
      PgStatisticsStore statistics(tx);
      return statistics
          .ReplacePeriod({.period = "2023",
                          .base_version = version,
                          .digest = "sha256:00",
                          .rows = 1,
                          .import_time_us = 1,
                          .imported_by = "admin"})
          .status();
    }),
                IsOk());
  }
  EXPECT_TRUE(got.WaitFor(std::string(kStatbaseTopic) + "@2"));
  EXPECT_THAT(got.events(),
              ::testing::ElementsAre("@0", "statbase@1", "statbase@2"));
}

}  // namespace
}  // namespace ctg::store::postgres
