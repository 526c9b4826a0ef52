// The SQLite backend through the store interfaces only (store/backend.h,
// session.h): what a service sees.
#include "store/sqlite/sqlite_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/schema.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store::sqlite {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

ConventionRow Convention(const std::string& id) {
  return {.id = id,
          .commune = "33069",
          .commune_name = "Pessac",
          .perimeter = {"33069"},
          .valid_from = "2024-01-01",
          .valid_until = "2026-12-31",
          .caf_name = "Caf de la Gironde"};
}

std::vector<std::string> Ids(Backend& backend) {
  std::vector<std::string> ids;
  EXPECT_THAT(backend.Read([&](ReadSession& session) -> absl::Status {
    auto rows = session.conventions().List("", "", 100);
    if (!rows.ok()) return rows.status();
    for (const ConventionRow& row : *rows) ids.push_back(row.id);
    return absl::OkStatus();
  }),
              IsOk());
  return ids;
}

class SqliteBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = OpenBackend({.path = path_});
    ASSERT_THAT(backend, IsOk());
    backend_ = std::move(*backend);
  }

  ctg::testing::TempDir dir_;
  std::string path_ = dir_.path() + "/ctg.db";
  std::unique_ptr<Backend> backend_;
};

TEST_F(SqliteBackendTest, AFailedSavepointUndoesOnlyItsOwnWrites) {
  std::vector<std::string> hooks;
  ASSERT_THAT(backend_->Write([&](WriteSession& tx) -> absl::Status {
    tx.OnCommit([&] { hooks.push_back("commit"); });
    if (absl::Status s = tx.conventions().Insert(Convention("CTG-33069-1"));
        !s.ok())
      return s;
    absl::Status inner = tx.Savepoint([&]() -> absl::Status {
      if (absl::Status s = tx.conventions().Insert(Convention("CTG-33069-2"));
          !s.ok())
        return s;
      return absl::InvalidArgumentError("refused");
    });
    EXPECT_THAT(inner, StatusIs(absl::StatusCode::kInvalidArgument));
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(Ids(*backend_), ElementsAre("CTG-33069-1"));
  EXPECT_THAT(hooks, ElementsAre("commit"));
}

TEST_F(SqliteBackendTest, AFailedWriteKeepsNothingAndRunsItsRollbackHooks) {
  bool rolled_back = false;
  absl::Status status = backend_->Write([&](WriteSession& tx) -> absl::Status {
    tx.OnRollback([&] { rolled_back = true; });
    if (absl::Status s = tx.conventions().Insert(Convention("CTG-33069-1"));
        !s.ok())
      return s;
    // Reads of the session see its own writes.
    auto row = tx.conventions().Get("CTG-33069-1");
    if (!row.ok()) return row.status();
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(rolled_back);
  EXPECT_TRUE(Ids(*backend_).empty());
}

TEST_F(SqliteBackendTest, ACopyOpensReadOnlyWithTheSameDataAndSchema) {
  ASSERT_THAT(backend_->Write([](WriteSession& tx) {
    return tx.conventions().Insert(Convention("CTG-33069-1"));
  }),
              IsOk());
  std::string copy = dir_.path() + "/copy.db";
  int fd = open(copy.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_THAT(backend_->CopyTo(copy), IsOk());

  auto read_only = OpenReadOnlyBackend(copy);
  ASSERT_THAT(read_only, IsOk());
  EXPECT_THAT(Ids(**read_only), ElementsAre("CTG-33069-1"));
  auto schema = (*read_only)->SchemaVersion();
  ASSERT_THAT(schema, IsOk());
  EXPECT_EQ(*schema, GatewaySchemaVersion());
  EXPECT_EQ((*read_only)->name(), copy);
  EXPECT_THAT(
      (*read_only)->Write([](WriteSession&) { return absl::OkStatus(); }),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("read-only")));
}

TEST_F(SqliteBackendTest, WritesFailUnavailableOnceClosed) {
  backend_->Close();
  EXPECT_THAT(backend_->Write([](WriteSession&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(path_)));
}

}  // namespace
}  // namespace ctg::store::sqlite
