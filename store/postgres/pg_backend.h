// The PostgreSQL backend behind store::Backend (store/backend.h): sessions
// of a PgDatabase (pg_database.h) handing out the PostgreSQL stores.
//
// Beyond what every backend guarantees, writes of several gateway processes
// on one database are serialised too (each write group first locks the
// audit sequencer), and the audit trail's density is enforced by the
// schema. CopyTo is not offered: PostgreSQL is backed up with its own tools
// (pg_basebackup, pg_dump).
//
// Thread-safe, as PgDatabase.
#ifndef CTG_STORE_POSTGRES_PG_BACKEND_H_
#define CTG_STORE_POSTGRES_PG_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/backend.h"
#include "store/postgres/pg_database.h"
#include "store/postgres/pg_options.h"

namespace ctg::store::postgres {

class PgBackend final : public Backend {
 public:
  // Opens the database as PgDatabase::Open does (same errors).
  static absl::StatusOr<std::unique_ptr<PgBackend>> Open(
      const PgOptions& options);

  absl::Status Write(
      absl::FunctionRef<absl::Status(WriteSession&)> work) override;
  absl::Status Read(
      absl::FunctionRef<absl::Status(ReadSession&)> work) override;
  void Close() override { db_->Close(); }
  absl::StatusOr<int> SchemaVersion() override;
  // Errors: kFailedPrecondition (use pg_basebackup or pg_dump).
  absl::Status CopyTo(const std::string& dest) override;
  const std::string& name() const override { return name_; }
  // kUnavailable: the server could not be reached, ended the session, or
  // the outcome of a commit is unknown (pg_status.h).
  bool IsUnreachable(const absl::Status& status) const override {
    return status.code() == absl::StatusCode::kUnavailable;
  }

  PgDatabase& database() { return *db_; }

 private:
  PgBackend(std::unique_ptr<PgDatabase> db, std::string name)
      : db_(std::move(db)), name_(std::move(name)) {}
  std::unique_ptr<PgDatabase> db_;
  const std::string name_;
};

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_BACKEND_H_
