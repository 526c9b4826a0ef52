#include "store/sqlite/sqlite_backend.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "base/status_macros.h"
#include "store/sqlite/backup.h"
#include "store/sqlite/database.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_stores.h"

namespace ctg::store::sqlite {
namespace {

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  absl::Status Write(
      absl::FunctionRef<absl::Status(WriteSession&)> work) override {
    return db_->Write([&](Transaction& tx) {
      SqliteWriteSession session(tx);
      return work(session);
    });
  }
  absl::Status Read(
      absl::FunctionRef<absl::Status(ReadSession&)> work) override {
    return db_->Read([&](Connection& conn) {
      SqliteReadSession session(conn);
      return work(session);
    });
  }
  void Close() override { db_->Close(); }
  absl::StatusOr<int> SchemaVersion() override {
    return SchemaVersionOf(db_->path());
  }
  absl::Status CopyTo(const std::string& dest) override {
    return CopyDatabase(db_->path(), dest);
  }
  const std::string& name() const override { return db_->path(); }

 private:
  std::unique_ptr<Database> db_;
};

// One read-only connection, used by one session at a time.
class ReadOnlyBackend final : public Backend {
 public:
  explicit ReadOnlyBackend(std::unique_ptr<Connection> conn)
      : conn_(std::move(conn)) {}

  absl::Status Write(absl::FunctionRef<absl::Status(WriteSession&)>) override {
    return absl::FailedPreconditionError(
        absl::StrCat("database ", conn_->path(), " is open read-only"));
  }
  absl::Status Read(
      absl::FunctionRef<absl::Status(ReadSession&)> work) override {
    MutexLock lock(&mu_);
    SqliteReadSession session(*conn_);
    return work(session);
  }
  void Close() override {}
  absl::StatusOr<int> SchemaVersion() override {
    return SchemaVersionOf(conn_->path());
  }
  absl::Status CopyTo(const std::string& dest) override {
    return CopyDatabase(conn_->path(), dest);
  }
  const std::string& name() const override { return conn_->path(); }

 private:
  Mutex mu_;  // held by the session using conn_ (its path() is immutable)
  const std::unique_ptr<Connection> conn_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> OpenBackend(
    const BackendOptions& options) {
  CTG_ASSIGN_OR_RETURN(
      std::unique_ptr<Database> db,
      Database::Open({.path = options.path,
                      .read_connections = options.read_connections,
                      .max_group = options.max_group},
                     GatewayMigrations()));
  return std::make_unique<SqliteBackend>(std::move(db));
}

absl::StatusOr<std::unique_ptr<Backend>> OpenReadOnlyBackend(
    const std::string& path) {
  CTG_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
                       Connection::Open(path, true));
  return std::make_unique<ReadOnlyBackend>(std::move(conn));
}

}  // namespace ctg::store::sqlite
