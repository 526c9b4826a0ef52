#include "store/postgres/pg_releases.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_database.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using namespace ::ctg::store::postgres::testing;

constexpr char kRequest[] = "REQ-000001";
constexpr char kCommune[] = "33069";
constexpr int kQuota = 5;

LedgerRow Release(int download, const std::string& who) {
  return {.request_id = kRequest,
          .download = download,
          .extract_id = "EXT-" + who,
          .commune = kCommune,
          .sha256 = who,
          .base_version = "2023@abc",
          .recipient = "spiffe://ctg.caf33.fr/commune/33069/requester/" + who};
}

// One download as the extracts service does it: the table is computed
// against the commune's release memory outside the write (here: the memory
// grows by `who`), then the write re-checks the quota and stores the memory
// only if no other release to the commune committed meanwhile (else
// recompute and retry). Returns OK, or the quota refusal.
absl::Status Download(PgDatabase& db, const std::string& who) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    MemoryRow memory;
    CTG_RETURN_IF_ERROR(db.Read([&](PgReadSession& s) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(memory, PgGetReleaseMemory(s, kCommune));
      return absl::OkStatus();
    }));
    const std::string after = memory.text + who + ";";
    absl::Status s = db.Write([&](PgTransaction& tx) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(int used, PgCountReleases(tx, kRequest));
      if (used >= kQuota)
        return absl::FailedPreconditionError("download quota reached");
      CTG_RETURN_IF_ERROR(
          PgPutReleaseMemory(tx, kCommune, after, memory.version));
      return PgInsertRelease(tx, Release(used + 1, who));
    });
    if (s.code() != absl::StatusCode::kAborted) return s;
  }
  return absl::DeadlineExceededError("too many retries");
}

// Concurrent downloads of one commune's extracts on two replicas: each
// release is computed against every release committed before it (no two
// pass the secret statistique alone and disclose together), and the quota
// is never exceeded.
TEST(PgReleasesTest, ConcurrentDownloadsAcrossReplicasAreSerialisedPerCommune) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto a, PgDatabase::Open(GatewayOptions(db)));
  CTG_ASSERT_OK_AND_ASSIGN(auto b, PgDatabase::Open(GatewayOptions(db)));
  constexpr int kWorkers = 12;
  std::vector<absl::Status> results(kWorkers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      results[i] = Download(i % 2 == 0 ? *a : *b,
                            absl::StrCat(i % 2 == 0 ? "a" : "b", i));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> released;
  int refused = 0;
  for (int i = 0; i < kWorkers; ++i) {
    if (results[i].ok()) {
      released.insert(absl::StrCat(i % 2 == 0 ? "a" : "b", i));
    } else {
      EXPECT_THAT(results[i], StatusIs(absl::StatusCode::kFailedPrecondition,
                                       HasSubstr("quota")));
      ++refused;
    }
  }
  EXPECT_EQ(released.size(), static_cast<size_t>(kQuota));
  EXPECT_EQ(refused, kWorkers - kQuota);
  std::vector<LedgerRow> ledger;
  MemoryRow memory;
  ASSERT_THAT(a->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(ledger, PgListReleases(s, kRequest));
    CTG_ASSIGN_OR_RETURN(memory, PgGetReleaseMemory(s, kCommune));
    return absl::OkStatus();
  }),
              IsOk());
  // The ledger holds downloads 1..quota, one per released worker; the
  // memory went through one version per release and, built each time on
  // the previous one, names every release exactly once.
  ASSERT_EQ(ledger.size(), static_cast<size_t>(kQuota));
  std::set<std::string> in_ledger;
  for (int i = 0; i < kQuota; ++i) {
    EXPECT_EQ(ledger[i].download, i + 1);
    in_ledger.insert(ledger[i].sha256);
  }
  EXPECT_EQ(in_ledger, released);
  EXPECT_EQ(memory.version, kQuota);
  std::vector<std::string> in_memory =
      absl::StrSplit(memory.text, ';', absl::SkipEmpty());
  EXPECT_EQ(std::set<std::string>(in_memory.begin(), in_memory.end()),
            released);
  EXPECT_EQ(in_memory.size(), static_cast<size_t>(kQuota));
  // Each ledger entry's order matches the memory's: the n-th release was
  // computed against the n-1 before it.
  for (int i = 0; i < kQuota; ++i) EXPECT_EQ(ledger[i].sha256, in_memory[i]);
}

// True once some session of `db` waits for a lock (polled: the server is
// asked, nothing is timed).
bool SomeSessionWaitsForALock(const std::string& db) {
  for (int i = 0; i < 2000; ++i) {
    bool waiting = false;
    absl::Status s = PgCall("pg_stat_activity", [&] {
      pqxx::connection conn(WithDatabase(Cluster().admin_url, "postgres"));
      pqxx::nontransaction tx(conn);
      waiting =
          tx.exec_params(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 "
                "AND wait_event_type = 'Lock'",
                db)[0][0]
              .as<int>() > 0;
    });
    if (s.ok() && waiting) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The interleaving the secret statistique must never allow, forced: a
// release on replica B computed against the same memory as one in flight
// on replica A waits for A's commit, then is refused (recompute), instead
// of overwriting A's memory.
TEST(PgReleasesTest, AReleaseInFlightOnOneReplicaMakesTheOtherRecompute) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto a, PgDatabase::Open(GatewayOptions(db)));
  CTG_ASSERT_OK_AND_ASSIGN(auto b, PgDatabase::Open(GatewayOptions(db)));
  std::promise<void> a_inside, a_may_commit;
  std::shared_future<void> may_commit = a_may_commit.get_future().share();
  absl::Status a_result, b_result;
  std::thread first([&] {
    a_result = a->Write([&](PgTransaction& tx) -> absl::Status {
      CTG_RETURN_IF_ERROR(PgPutReleaseMemory(tx, kCommune, "a;", 0));
      a_inside.set_value();
      may_commit.wait();
      return absl::OkStatus();
    });
  });
  a_inside.get_future().wait();
  std::thread second([&] {
    b_result = b->Write([&](PgTransaction& tx) {
      return PgPutReleaseMemory(tx, kCommune, "b;", 0);
    });
  });
  EXPECT_TRUE(SomeSessionWaitsForALock(db));
  a_may_commit.set_value();
  first.join();
  second.join();
  EXPECT_THAT(a_result, IsOk());
  EXPECT_THAT(b_result, StatusIs(absl::StatusCode::kAborted,
                                 HasSubstr("committed meanwhile")));
  MemoryRow memory;
  ASSERT_THAT(b->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(memory, PgGetReleaseMemory(s, kCommune));
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(memory.text, "a;");
  EXPECT_EQ(memory.version, 1);
}

TEST(PgReleasesTest, LedgerRefusesADownloadNumberTwiceAndCountsPeriods) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  ASSERT_THAT(pg->Write([](PgTransaction& tx) {
    return PgInsertRelease(tx, Release(1, "x"));
  }),
              IsOk());
  EXPECT_THAT(pg->Write([](PgTransaction& tx) {
    return PgInsertRelease(tx, Release(1, "y"));
  }),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(
      pg->Write([](PgTransaction& tx) {
        return PgPutReleaseMemory(tx, kCommune, "t", /*expected_version=*/3);
      }),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("committed meanwhile")));
  PeriodReleases period;
  ASSERT_THAT(pg->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(period, PgCountReleasesOfPeriod(s, "2023"));
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(period.releases, 1);
  EXPECT_EQ(period.communes, 1);
}

}  // namespace
}  // namespace ctg::store::postgres
