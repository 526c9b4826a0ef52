#include "store/sqlite/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/database.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store::sqlite {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

constexpr Migration kMigrations[] = {
    {1, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"},
    {2, "CREATE INDEX t_v ON t(v)"},
};

absl::Status Insert(Database& db, int64_t first, int64_t count) {
  return db.Write([&](Transaction& tx) -> absl::Status {
    for (int64_t i = first; i < first + count; ++i) {
      auto stmt = tx.conn().Prepare("INSERT INTO t (id, v) VALUES (?1, ?2)");
      if (!stmt.ok()) return stmt.status();
      stmt->Bind(1, i).Bind(2, absl::StrCat("row ", i));
      if (absl::Status s = stmt->Run(); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

// Rows of `path`, and whether ids are exactly 1..count (a consistent prefix).
std::pair<int64_t, bool> Rows(const std::string& path) {
  auto conn = Connection::Open(path, true);
  if (!conn.ok()) return {-1, false};
  auto stmt = (*conn)->Prepare("SELECT count(*), coalesce(max(id), 0) FROM t");
  if (!stmt.ok() || !stmt->Step().ok()) return {-1, false};
  return {stmt->ColumnInt(0), stmt->ColumnInt(0) == stmt->ColumnInt(1)};
}

std::string EmptyFile(const std::string& path) {
  int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd >= 0) close(fd);
  return path;
}

class BackupTest : public ::testing::Test {
 protected:
  ctg::testing::TempDir dir_;
  std::string source_ = dir_.path() + "/live.db";
};

TEST_F(BackupTest, CopiesALiveWalDatabaseIntoOneSelfContainedFile) {
  auto db = Database::Open({.path = source_}, kMigrations);
  ASSERT_THAT(db, IsOk());
  ASSERT_THAT(Insert(**db, 1, 100), IsOk());
  std::string copy = EmptyFile(dir_.path() + "/copy.db");
  ASSERT_THAT(CopyDatabase(source_, copy), IsOk());
  EXPECT_EQ(Rows(copy), std::make_pair(int64_t{100}, true));
  auto schema = SchemaVersionOf(copy);
  ASSERT_THAT(schema, IsOk());
  EXPECT_EQ(*schema, 2);
  // One file: rollback-journal mode, no -wal beside it, mode kept at 0600.
  auto conn = Connection::Open(copy, true);
  ASSERT_THAT(conn, IsOk());
  auto mode = (*conn)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok() && mode->Step().value_or(false));
  EXPECT_EQ(mode->ColumnText(0), "delete");
  struct stat st;
  EXPECT_NE(stat((copy + "-wal").c_str(), &st), 0);
  ASSERT_EQ(stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(BackupTest, CopyWhileWritingIsAConsistentSnapshot) {
  auto db = Database::Open({.path = source_}, kMigrations);
  ASSERT_THAT(db, IsOk());
  ASSERT_THAT(Insert(**db, 1, 50), IsOk());
  std::atomic<bool> stop = false;
  std::atomic<int64_t> next = 51;
  std::thread writer([&] {
    while (!stop.load()) {
      int64_t first = next.fetch_add(50);
      if (!Insert(**db, first, 50).ok()) break;
    }
  });
  for (int i = 0; i < 5; ++i) {
    std::string copy = EmptyFile(absl::StrCat(dir_.path(), "/copy", i, ".db"));
    ASSERT_THAT(CopyDatabase(source_, copy), IsOk());
    auto [rows, dense] = Rows(copy);
    EXPECT_GE(rows, 50);
    EXPECT_EQ(rows % 50, 0) << "a transaction was copied in part";
    EXPECT_TRUE(dense);
  }
  stop = true;
  writer.join();
}

TEST_F(BackupTest, MissingSourceNamesIt) {
  std::string copy = EmptyFile(dir_.path() + "/copy.db");
  EXPECT_THAT(CopyDatabase(dir_.path() + "/absent.db", copy),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("absent.db")));
}

TEST(MigrationsTest, NumbersMustRunFromOneWithoutGaps) {
  ctg::testing::TempDir dir;
  constexpr Migration kGap[] = {{1, "CREATE TABLE a (x)"},
                                {3, "CREATE TABLE b (x)"}};
  EXPECT_THAT(
      Database::Open({.path = dir.path() + "/gap.db"}, kGap),
      StatusIs(absl::StatusCode::kInternal, HasSubstr("migration number 3")));
}

}  // namespace
}  // namespace ctg::store::sqlite
