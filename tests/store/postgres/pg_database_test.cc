#include "store/postgres/pg_database.h"

#include <atomic>
#include <chrono>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_migrate.h"
#include "store/postgres/pg_schema.h"
#include "store/write_outcome.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace ::ctg::store::postgres::testing;

// The value of `sql` (one row, one column) as the superuser sees it.
std::string AdminQuery(const std::string& db, const std::string& sql) {
  std::string out;
  absl::Status s = PgCall("query", [&] {
    pqxx::connection conn(WithDatabase(Cluster().admin_url, db));
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec(sql);
    out = r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
  });
  EXPECT_THAT(s, IsOk());
  return out;
}

TEST(PgDatabaseTest, OpensAFreshDatabaseMigratesAndClaimsIt) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  EXPECT_EQ(pg->role(), "ctg_gateway");
  EXPECT_EQ(AdminQuery(db, "SELECT version FROM ctg_schema"),
            std::to_string(PgSchemaVersion()));
  EXPECT_EQ(AdminQuery(db, "SELECT value FROM ctg_meta WHERE key = 'caf'"),
            "caf33.example/33");
  EXPECT_THAT(pg->health(), IsOk());
}

TEST(PgDatabaseTest, ReopensWithoutTheOwnerOnceMigrated) {
  std::string db = NewDatabase();
  { CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db))); }
  PgOptions o = GatewayOptions(db);
  o.migrate_url.clear();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(o));
  EXPECT_THAT(
      pg->Read([](PgReadSession& s) { return s.Exec("SELECT 1").status(); }),
      IsOk());
}

TEST(PgDatabaseTest, GatewayRoleAloneCannotCreateTheSchemaAndSaysWhatToSet) {
  std::string db = NewDatabase();
  PgOptions o = GatewayOptions(db);
  o.migrate_url.clear();
  EXPECT_THAT(PgDatabase::Open(o).status(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("ctg_gateway"),
                             HasSubstr("database.migrate_url"))));
  EXPECT_EQ(AdminQuery(db, "SELECT to_regclass('ctg_schema')::text"), "");
}

TEST(PgDatabaseTest, BadCredentialsAreOneLineWithoutThePassword) {
  std::string db = NewDatabase();
  PgOptions o = GatewayOptions(db);
  std::string good = o.url;
  size_t colon = good.find(':', std::string("postgresql://").size());
  size_t at = good.find('@');
  o.url = good.substr(0, colon + 1) + "wrongpass" + good.substr(at);
  absl::Status s = PgDatabase::Open(o).status();
  EXPECT_THAT(
      s, StatusIs(absl::StatusCode::kPermissionDenied,
                  AllOf(HasSubstr("database.url"),
                        HasSubstr("password authentication failed"),
                        Not(HasSubstr("wrongpass")), Not(HasSubstr("\n")))));
  EXPECT_EQ(AdminQuery(db, "SELECT to_regclass('ctg_schema')::text"), "");
}

TEST(PgDatabaseTest, UnreachableServerAndMissingDatabase) {
  PgOptions o = GatewayOptions("ctg");
  o.url = "postgresql://ctg_gateway:x@%2Fnonexistent%2Fdir:5432/ctg";
  EXPECT_THAT(PgDatabase::Open(o).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("database.url"),
                             HasSubstr("/nonexistent/dir"))));
  o = GatewayOptions("no_such_database");
  EXPECT_THAT(
      PgDatabase::Open(o).status(),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("no_such_database")));
  o.url = "sqlite:ctg.db";
  EXPECT_THAT(
      PgDatabase::Open(o).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("database.url")));
}

TEST(PgDatabaseTest, RefusesANewerSchemaWritingNothing) {
  std::string db = NewDatabase();
  { CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db))); }
  ASSERT_THAT(AdminExec(db, "UPDATE ctg_schema SET version = 99"), IsOk());
  PgOptions o = GatewayOptions(db);
  o.caf =
      "caf40.example/40";  // would be refused too: the schema is named first
  EXPECT_THAT(PgDatabase::Open(o).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("version 99"), HasSubstr("newer"))));
  EXPECT_EQ(AdminQuery(db, "SELECT version FROM ctg_schema"), "99");
}

TEST(PgDatabaseTest, RefusesAnotherCafsTrailWritingNothing) {
  std::string db = NewDatabase();
  { CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db))); }
  PgOptions o = GatewayOptions(db);
  o.caf = "caf40.example/40";
  EXPECT_THAT(PgDatabase::Open(o).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("caf33.example/33"),
                             HasSubstr("caf40.example/40"))));
  EXPECT_EQ(AdminQuery(db, "SELECT count(*) FROM ctg_meta"), "1");
}

TEST(PgDatabaseTest, ReplicasStartingTogetherMigrateOnce) {
  std::string db = NewDatabase();
  std::vector<absl::Status> results(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back(
        [&, i] { results[i] = PgDatabase::Open(GatewayOptions(db)).status(); });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : results) EXPECT_THAT(s, IsOk());
  EXPECT_EQ(AdminQuery(db, "SELECT version FROM ctg_schema"),
            std::to_string(PgSchemaVersion()));
}

TEST(PgDatabaseTest, AFailedFunctionIsRolledBackAloneInItsGroup) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  std::atomic<int> committed{0}, rolled_back{0};
  std::vector<std::thread> threads;
  std::vector<absl::Status> results(40);
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&, i] {
      results[i] = pg->Write([&](PgTransaction& tx) -> absl::Status {
        tx.OnCommit([&] { ++committed; });
        tx.OnRollback([&] { ++rolled_back; });
        absl::Status s =
            tx.Exec("INSERT INTO ctg_meta (key, value) VALUES ($1, 'v')",
                    "k" + std::to_string(i))
                .status();
        if (!s.ok()) return s;
        // Every third fails after writing; its row must not survive.
        if (i % 3 == 0) return absl::InvalidArgumentError("refused");
        return absl::OkStatus();
      });
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 40; ++i) {
    if (i % 3 == 0) {
      EXPECT_THAT(results[i], StatusIs(absl::StatusCode::kInvalidArgument))
          << i;
    } else {
      EXPECT_THAT(results[i], IsOk()) << i;
    }
  }
  EXPECT_EQ(committed.load(), 26);
  EXPECT_EQ(rolled_back.load(), 14);
  EXPECT_EQ(AdminQuery(db, "SELECT count(*) FROM ctg_meta WHERE key LIKE 'k%'"),
            "26");
}

// Under load the writer waits for the last group's callers to come back
// (PgOptions::group_wait): with the longest wait allowed, writers looping
// together are grouped, none is lost or held after Close().
TEST(PgDatabaseTest, WritersComingBackTogetherAreGroupedAndNoneIsLost) {
  std::string db = NewDatabase();
  PgOptions options = GatewayOptions(db);
  options.group_wait = absl::Milliseconds(100);
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(options));
  const PgDatabase::GroupStats before = pg->group_stats();
  constexpr int kThreads = 8, kRounds = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        absl::Status s = pg->Write([&](PgTransaction& tx) {
          return tx
              .Exec("INSERT INTO ctg_meta (key, value) VALUES ($1, 'v')",
                    absl::StrCat("g", t, "-", r))
              .status();
        });
        if (s.ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  pg->Close();
  EXPECT_EQ(ok.load(), kThreads * kRounds);
  EXPECT_EQ(AdminQuery(db, "SELECT count(*) FROM ctg_meta WHERE key LIKE 'g%'"),
            "80");
  const PgDatabase::GroupStats after = pg->group_stats();
  EXPECT_EQ(after.writes - before.writes, uint64_t{kThreads * kRounds});
  // How much fewer commits the wait gives is timing: bench/store measures it.
  EXPECT_LT(after.groups - before.groups, uint64_t{kThreads * kRounds});
  EXPECT_THAT(pg->Write([](PgTransaction&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST(PgDatabaseTest, ReadsSeeOneSnapshot) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  std::string first, second;
  ASSERT_THAT(pg->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(pqxx::result a,
                         s.Exec("SELECT count(*) FROM ctg_meta"));
    first = a[0][0].as<std::string>();
    // Committed meanwhile by another session: not seen by this read.
    CTG_RETURN_IF_ERROR(
        AdminExec(db, "INSERT INTO ctg_meta VALUES ('x', 'y')"));
    CTG_ASSIGN_OR_RETURN(pqxx::result b,
                         s.Exec("SELECT count(*) FROM ctg_meta"));
    second = b[0][0].as<std::string>();
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(first, second);
  EXPECT_THAT(pg->Write([](PgTransaction& tx) {
    return tx.Exec("UPDATE ctg_schema SET version = 1").status();
  }),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

// After a server restart every session is dead: the first one found lost
// fails its call, and the others (the writer's, the pooled readers) are
// renewed before their next use instead of failing one call each.
TEST(PgDatabaseTest, ASessionEndedByTheServerFailsOneCallTheOthersAreRenewed) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  auto read = [&] {
    return pg->Read(
        [](PgReadSession& s) { return s.Exec("SELECT 1").status(); });
  };
  auto write = [&] {
    return pg->Write(
        [](PgTransaction& tx) { return tx.NextAuditSeq().status(); });
  };
  ASSERT_THAT(read(), IsOk());
  ASSERT_THAT(write(), IsOk());
  ASSERT_THAT(TerminateSessions(db), IsOk());
  EXPECT_THAT(read(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(pg->health(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(write(), IsOk());
  EXPECT_THAT(read(), IsOk());
  EXPECT_THAT(pg->health(), IsOk());
}

// The server ends the writer's session while it runs the group's COMMIT
// (a deferred trigger terminates its own backend, as a fast shutdown or a
// failover would): the write fails kUnavailable and says that whether it
// committed is unknown (store::IsOutcomeUnknown), for every function of the
// group. A session lost before the COMMIT fails its write with a plain
// kUnavailable instead: nothing was done.
TEST(PgDatabaseTest, ASessionLostDuringCommitLeavesTheOutcomeUnknown) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  ASSERT_THAT(AdminExec(db, R"sql(
      CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.key = 'die' THEN PERFORM pg_terminate_backend(pg_backend_pid());
        END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON ctg_meta
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        EXECUTE FUNCTION die_at_commit();)sql"),
              IsOk());
  absl::Status lost_in_commit = pg->Write([](PgTransaction& tx) {
    return tx.Exec("INSERT INTO ctg_meta (key, value) VALUES ('die', 'v')")
        .status();
  });
  EXPECT_THAT(lost_in_commit,
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("whether it committed is unknown")));
  EXPECT_TRUE(store::IsOutcomeUnknown(lost_in_commit));
  EXPECT_TRUE(IsConnectionLost(lost_in_commit));

  // Lost before the COMMIT: known outcome, nothing kept.
  absl::Status lost_before = pg->Write([](PgTransaction& tx) {
    return tx.Exec("SELECT pg_terminate_backend(pg_backend_pid())").status();
  });
  EXPECT_THAT(lost_before, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(store::IsOutcomeUnknown(lost_before));

  // The next write reconnects and works.
  EXPECT_THAT(pg->Write([](PgTransaction& tx) {
    return tx.Exec("INSERT INTO ctg_meta (key, value) VALUES ('k', 'v')")
        .status();
  }),
              IsOk());
  EXPECT_EQ(AdminQuery(db,
                       "SELECT string_agg(key, ',' ORDER BY key) FROM "
                       "ctg_meta WHERE key IN ('die', 'k')"),
            "k");
}

// A write group waiting for the audit sequencer while another replica's
// group commits gets it and goes on, even on a server whose default
// isolation is REPEATABLE READ: the group runs READ COMMITTED, so neither
// the lock nor its statements fail "could not serialize access" (ABORTED),
// and write groups never meet serialization failures to retry.
TEST(PgDatabaseTest, AGroupWaitingForTheSequencerIsNotASerializationFailure) {
  std::string db = NewDatabase();
  ASSERT_THAT(AdminExec(db, absl::StrCat("ALTER DATABASE ", db,
                                         " SET default_transaction_isolation = "
                                         "'repeatable read'")),
              IsOk());
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  // The other replica: holds the sequencer and changes its row.
  pqxx::connection other(WithDatabase(Cluster().admin_url, db));
  pqxx::work other_group(other);
  other_group.exec("UPDATE audit_sequencer SET next_seq = next_seq");
  absl::Status waited;
  std::thread writer([&] {
    waited = pg->Write([](PgTransaction& tx) -> absl::Status {
      return tx.NextAuditSeq().status();
    });
  });
  // Once the writer waits for the lock, the other group commits.
  while (
      AdminQuery(db,
                 "SELECT count(*) FROM pg_stat_activity WHERE "
                 "wait_event_type = 'Lock' AND datname = current_database()") ==
      "0") {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  other_group.commit();
  writer.join();
  EXPECT_THAT(waited, IsOk());
}

TEST(PgDatabaseTest, OpenReadOnlyReadsAsItIsAndWritesNothing) {
  std::string db = NewDatabase();
  EXPECT_THAT(PgDatabase::OpenReadOnly(GatewayOptions(db)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no gateway schema")));
  { CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db))); }
  CTG_ASSERT_OK_AND_ASSIGN(auto pg,
                           PgDatabase::OpenReadOnly(GatewayOptions(db)));
  EXPECT_THAT(pg->Read([](PgReadSession& s) {
    return s.Exec("SELECT count(*) FROM audit_events").status();
  }),
              IsOk());
  EXPECT_THAT(pg->Write([](PgTransaction&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(PgDatabaseTest, ALockHeldTooLongFailsTheWriteInsteadOfHangingIt) {
  std::string db = NewDatabase();
  PgOptions o = GatewayOptions(db);
  o.statement_timeout = absl::Milliseconds(300);
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(o));
  // Another "replica" holds the audit sequencer and does not let go.
  pqxx::connection holder(WithDatabase(Cluster().owner_url, db));
  pqxx::work hold(holder);
  hold.exec("SELECT ctg_lock_sequencer()");
  EXPECT_THAT(pg->Write([](PgTransaction&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       HasSubstr("statement timeout")));
  hold.abort();
  EXPECT_THAT(pg->Write([](PgTransaction&) { return absl::OkStatus(); }),
              IsOk());
}

TEST(PgConnectorTest, BacksOffAfterAFailureWithoutTryingMeanwhile) {
  absl::Time now = absl::FromUnixSeconds(1000);
  PgOptions o;
  o.reconnect_min = absl::Milliseconds(100);
  o.reconnect_max = absl::Milliseconds(300);
  PgConnector connector("postgresql://x@%2Fnonexistent%2Fdir:1/ctg",
                        "database.url", o, [&] { return now; });
  EXPECT_THAT(
      connector.Connect().status(),
      StatusIs(absl::StatusCode::kUnavailable, Not(HasSubstr("next attempt"))));
  EXPECT_THAT(connector.Connect().status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("next attempt in 100 ms")));
  now += absl::Milliseconds(100);
  EXPECT_THAT(
      connector.Connect().status(),
      StatusIs(absl::StatusCode::kUnavailable, Not(HasSubstr("next attempt"))));
  EXPECT_THAT(connector.Connect().status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("next attempt in 200 ms")));
  now += absl::Milliseconds(200);
  connector.Connect().status().IgnoreError();
  EXPECT_THAT(connector.Connect().status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("next attempt in 300 ms")));
}

}  // namespace
}  // namespace ctg::store::postgres
