#include "store/sqlite/database.h"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/audit_table.h"
#include "store/sqlite/schema.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store::sqlite {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

constexpr Migration kTestMigrations[] = {
    {1, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)"},
    {2, "ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 0"},
};

class DatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> OpenDb(
      absl::Span<const Migration> m = kTestMigrations) {
    auto db = Database::Open({.path = path_}, m);
    EXPECT_THAT(db, IsOk());
    return db.ok() ? std::move(*db) : nullptr;
  }
  int64_t Count(Database& db) {
    int64_t n = -1;
    EXPECT_THAT(db.Read([&](Connection& c) -> absl::Status {
      auto stmt = c.Prepare("SELECT count(*) FROM t");
      if (!stmt.ok()) return stmt.status();
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      n = stmt->ColumnInt(0);
      return absl::OkStatus();
    }),
                IsOk());
    return n;
  }
  absl::Status Insert(Database& db, const std::string& v) {
    return db.Write([&](Transaction& tx) -> absl::Status {
      auto stmt = tx.conn().Prepare("INSERT INTO t (v) VALUES (?1)");
      if (!stmt.ok()) return stmt.status();
      stmt->Bind(1, v);
      return stmt->Run();
    });
  }

  ctg::testing::TempDir dir_;
  std::string path_ = dir_.path() + "/test.db";
};

TEST_F(DatabaseTest, OpensInWalModeWithFullSync) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_THAT(db->Write([](Transaction& tx) -> absl::Status {
    auto mode = tx.conn().Prepare("PRAGMA journal_mode");
    auto row = mode->Step();
    EXPECT_EQ(mode->ColumnText(0), "wal");
    auto sync = tx.conn().Prepare("PRAGMA synchronous");
    row = sync->Step();
    EXPECT_EQ(sync->ColumnInt(0), 2);  // FULL
    return absl::OkStatus();
  }),
              IsOk());
}

TEST_F(DatabaseTest, AppliesMigrationsOnceAndRefusesDowngrade) {
  {
    auto db = OpenDb();
    ASSERT_THAT(Insert(*db, "a"), IsOk());
  }
  {
    auto db = OpenDb();
    EXPECT_EQ(Count(*db), 1);
  }  // reopened, data kept
  auto old =
      Database::Open({.path = path_}, absl::MakeSpan(kTestMigrations, 1));
  EXPECT_THAT(old, StatusIs(absl::StatusCode::kFailedPrecondition,
                            HasSubstr("newer than this gateway's 1")));
}

TEST_F(DatabaseTest, FailedWriteRollsBackAloneWithinItsGroup) {
  auto db = OpenDb();
  ASSERT_THAT(Insert(*db, "taken"), IsOk());
  constexpr int kThreads = 16;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      // Every fourth writer violates the UNIQUE constraint after inserting
      // a row of its own: that row must vanish with it.
      absl::Status s = db->Write([&](Transaction& tx) -> absl::Status {
        auto stmt = tx.conn().Prepare("INSERT INTO t (v) VALUES (?1)");
        stmt->Bind(1, absl::StrCat("row", i));
        if (auto r = stmt->Run(); !r.ok()) return r;
        if (i % 4 != 0) return absl::OkStatus();
        auto dup = tx.conn().Prepare("INSERT INTO t (v) VALUES ('taken')");
        return dup->Run();
      });
      if (!s.ok()) {
        EXPECT_THAT(s,
                    StatusIs(absl::StatusCode::kAborted, HasSubstr("UNIQUE")));
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, kThreads / 4);
  EXPECT_EQ(Count(*db), 1 + kThreads - kThreads / 4);
}

TEST_F(DatabaseTest, HooksRunOnCommitOrRollback) {
  auto db = OpenDb();
  std::vector<std::string> log;
  ASSERT_THAT(db->Write([&](Transaction& tx) {
    tx.OnCommit([&] { log.push_back("commit"); });
    tx.OnRollback([&] { log.push_back("rollback"); });
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(db->Write([&](Transaction& tx) {
    tx.OnCommit([&] { log.push_back("commit2"); });
    tx.OnRollback([&] { log.push_back("rollback2"); });
    return absl::InvalidArgumentError("no");
  }),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(log, ::testing::ElementsAre("commit", "rollback2"));
}

TEST_F(DatabaseTest, NestedSavepointRollsBackInnerOnly) {
  auto db = OpenDb();
  ASSERT_THAT(db->Write([&](Transaction& tx) -> absl::Status {
    auto outer = tx.conn().Prepare("INSERT INTO t (v) VALUES ('outer')");
    if (auto r = outer->Run(); !r.ok()) return r;
    absl::Status inner = tx.Savepoint([&]() -> absl::Status {
      auto stmt = tx.conn().Prepare("INSERT INTO t (v) VALUES ('inner')");
      if (auto r = stmt->Run(); !r.ok()) return r;
      return absl::FailedPreconditionError("inner refused");
    });
    EXPECT_THAT(inner, StatusIs(absl::StatusCode::kFailedPrecondition));
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(Count(*db), 1);
}

// A body that fails after its savepoint can no longer be rolled back (here it
// released the savepoint itself, so that ROLLBACK TO fails): its row must not
// be committed by the group's COMMIT.
TEST_F(DatabaseTest, FailedRollbackCommitsNothing) {
  auto db = OpenDb();
  absl::Status s = db->Write([&](Transaction& tx) -> absl::Status {
    auto stmt = tx.conn().Prepare("INSERT INTO t (v) VALUES ('half-done')");
    if (auto r = stmt->Run(); !r.ok()) return r;
    if (auto r = tx.conn().Exec("RELEASE sp1"); !r.ok()) return r;
    return absl::FailedPreconditionError("refused after writing");
  });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(Count(*db), 0);
  // The writer is usable afterwards.
  ASSERT_THAT(Insert(*db, "next"), IsOk());
  EXPECT_EQ(Count(*db), 1);
}

TEST_F(DatabaseTest, FailedNestedRollbackAbandonsTheWholeTransaction) {
  auto db = OpenDb();
  absl::Status s = db->Write([&](Transaction& tx) -> absl::Status {
    auto outer = tx.conn().Prepare("INSERT INTO t (v) VALUES ('outer')");
    if (auto r = outer->Run(); !r.ok()) return r;
    // The body ignores the inner failure, but the inner row could not be
    // rolled back: nothing may be committed.
    tx.Savepoint([&]() -> absl::Status {
        auto stmt = tx.conn().Prepare("INSERT INTO t (v) VALUES ('inner')");
        if (auto r = stmt->Run(); !r.ok()) return r;
        if (auto r = tx.conn().Exec("RELEASE sp2"); !r.ok()) return r;
        return absl::FailedPreconditionError("inner refused");
      }).IgnoreError();
    return absl::OkStatus();
  });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInternal,
                          HasSubstr("could not be rolled back")));
  EXPECT_EQ(Count(*db), 0);
}

// A function that ends the group's transaction itself breaks the contract;
// the failed rollback that follows is said in the error, not swallowed, and
// the writer keeps working.
TEST_F(DatabaseTest, FailedGroupRollbackIsReportedAndTheWriterRecovers) {
  auto db = OpenDb();
  absl::Status s = db->Write([&](Transaction& tx) -> absl::Status {
    return tx.Savepoint([&]() -> absl::Status {
      if (auto r = tx.conn().Exec("COMMIT"); !r.ok()) return r;
      return absl::FailedPreconditionError("refused after the commit");
    });
  });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInternal,
                          HasSubstr("the rollback failed")));
  ASSERT_THAT(Insert(*db, "next"), IsOk());
  EXPECT_EQ(Count(*db), 1);
}

// Every statement of one Read() sees the same snapshot, even when a write
// commits between two of them.
TEST_F(DatabaseTest, ReadIsOneSnapshot) {
  auto db = OpenDb();
  ASSERT_THAT(Insert(*db, "a"), IsOk());
  int64_t before = -1, after = -1;
  auto count = [](Connection& c, int64_t* n) -> absl::Status {
    auto stmt = c.Prepare("SELECT count(*) FROM t");
    if (!stmt.ok()) return stmt.status();
    if (auto row = stmt->Step(); !row.ok()) return row.status();
    *n = stmt->ColumnInt(0);
    return absl::OkStatus();
  };
  ASSERT_THAT(db->Read([&](Connection& c) -> absl::Status {
    if (auto s = count(c, &before); !s.ok()) return s;
    if (auto s = Insert(*db, "b"); !s.ok()) return s;  // committed meanwhile
    return count(c, &after);
  }),
              IsOk());
  EXPECT_EQ(before, 1);
  EXPECT_EQ(after, 1);
  EXPECT_EQ(Count(*db), 2);  // the next read sees it
}

TEST_F(DatabaseTest, FilesArePrivateToTheUser) {
  mode_t old_umask = umask(022);
  {
    auto db = OpenDb();
    ASSERT_THAT(Insert(*db, "a"), IsOk());
    for (const std::string& file : {path_, path_ + "-wal", path_ + "-shm"}) {
      struct stat st;
      ASSERT_EQ(stat(file.c_str(), &st), 0) << file;
      EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
    }
  }
  // A file found wider (e.g. restored from a backup) is narrowed at open.
  ASSERT_EQ(chmod(path_.c_str(), 0644), 0);
  auto db = OpenDb();
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  umask(old_umask);
}

TEST_F(DatabaseTest, WritesAfterCloseAreRefused) {
  auto db = OpenDb();
  db->Close();
  EXPECT_THAT(Insert(*db, "late"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("closed")));
}

TEST_F(DatabaseTest, UnopenablePathNamesTheFile) {
  auto db = Database::Open({.path = dir_.path() + "/missing/dir/x.db"},
                           kTestMigrations);
  EXPECT_THAT(db, StatusIs(absl::StatusCode::kUnavailable,
                           HasSubstr("missing/dir/x.db")));
}

TEST_F(DatabaseTest, AuditRowsAreAppendOnly) {
  auto db = Database::Open({.path = path_}, GatewayMigrations());
  ASSERT_THAT(db, IsOk());
  AuditRow row{.seq = 1,
               .time_us = 5,
               .method = "/m",
               .canonical = "x",
               .leaf_hash = "h"};
  ASSERT_THAT((*db)->Write([&](Transaction& tx) {
    return InsertAuditRow(tx.conn(), row);
  }),
              IsOk());
  EXPECT_THAT((*db)->Write([](Transaction& tx) {
    return tx.conn().Exec("UPDATE audit_events SET code = 7");
  }),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));
  EXPECT_THAT((*db)->Write([](Transaction& tx) {
    return tx.conn().Exec("DELETE FROM audit_events");
  }),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));
  EXPECT_THAT((*db)->Write([&](Transaction& tx) {
    return InsertAuditRow(tx.conn(), row);
  }),
              StatusIs(absl::StatusCode::kAborted));
  std::vector<uint64_t> seen;
  ASSERT_THAT((*db)->Read([&](Connection& c) {
    return ScanAuditRows(c, {}, [&](const AuditRow& r) {
      seen.push_back(r.seq);
      EXPECT_EQ(r.canonical, "x");
      return absl::OkStatus();
    });
  }),
              IsOk());
  EXPECT_THAT(seen, ::testing::ElementsAre(1));
}

}  // namespace
}  // namespace ctg::store::sqlite
