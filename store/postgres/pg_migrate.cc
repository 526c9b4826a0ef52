#include "store/postgres/pg_migrate.h"

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "absl/strings/str_cat.h"
#include "store/postgres/pg_schema.h"
#include "store/postgres/pg_status.h"

namespace ctg::store::postgres {
namespace {

int VersionIn(pqxx::transaction_base& tx) {
  pqxx::result exists = tx.exec("SELECT to_regclass('ctg_schema') IS NOT NULL");
  if (!exists[0][0].as<bool>()) return 0;
  pqxx::result r = tx.exec("SELECT version FROM ctg_schema");
  return r.empty() ? 0 : r[0][0].as<int>();
}

absl::Status NewerSchema(int version) {
  return absl::FailedPreconditionError(
      absl::StrCat("database.url: the database's schema is version ", version,
                   ", newer than this gateway's (", PgSchemaVersion(),
                   "): run a gateway of that version or later (no downgrade)"));
}

absl::Status OtherCaf(const std::string& stored, const std::string& caf) {
  return absl::FailedPreconditionError(absl::StrCat(
      "database.url: the database holds the audit trail of ", stored,
      ", not of ", caf, " (trust_domain/caf_id): use this Caf's own database"));
}

}  // namespace

absl::StatusOr<int> ReadPgSchemaVersion(PgConnection& conn) {
  int version = 0;
  absl::Status s = PgCall("reading the schema version", [&] {
    pqxx::nontransaction tx(conn.raw());
    version = VersionIn(tx);
  });
  if (!s.ok()) return s;
  return version;
}

absl::StatusOr<std::string> ReadPgOwnerCaf(PgConnection& conn) {
  std::string caf;
  absl::Status s = PgCall("reading the database's Caf", [&] {
    pqxx::nontransaction tx(conn.raw());
    if (!tx.exec("SELECT to_regclass('ctg_meta') IS NOT NULL")[0][0].as<bool>())
      return;
    pqxx::result r = tx.exec("SELECT value FROM ctg_meta WHERE key = 'caf'");
    if (!r.empty()) caf = r[0][0].as<std::string>();
  });
  if (!s.ok()) return s;
  return caf;
}

absl::Status CheckPgDatabase(PgConnection& conn, const std::string& caf) {
  absl::StatusOr<int> version = ReadPgSchemaVersion(conn);
  if (!version.ok()) return version.status();
  if (*version > PgSchemaVersion()) return NewerSchema(*version);
  if (caf.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> stored = ReadPgOwnerCaf(conn);
  if (!stored.ok()) return stored.status();
  if (!stored->empty() && *stored != caf) return OtherCaf(*stored, caf);
  return absl::OkStatus();
}

absl::Status MigratePg(PgConnection& owner, const std::string& gateway_role) {
  int failed_at = 0;
  bool newer = false;
  int found = 0;
  absl::Status s = PgCall("migrating the schema", [&] {
    pqxx::work tx(owner.raw());
    tx.exec(
        absl::StrCat("SELECT pg_advisory_xact_lock(", kPgMigrationLock, ")"));
    found = VersionIn(tx);
    if (found > PgSchemaVersion()) {
      newer = true;
      return;  // the transaction rolls back
    }
    if (found == 0 &&
        !tx.exec("SELECT to_regclass('ctg_schema') IS NOT NULL")[0][0]
             .as<bool>()) {
      tx.exec(
          "CREATE TABLE ctg_schema (singleton boolean PRIMARY KEY DEFAULT true "
          "CHECK (singleton), version integer NOT NULL)");
      tx.exec("INSERT INTO ctg_schema VALUES (true, 0)");
    }
    for (const PgMigration& m : PgMigrations()) {
      if (m.version <= found) continue;
      failed_at = m.version;
      tx.exec(m.sql);
      tx.exec(absl::StrCat("UPDATE ctg_schema SET version = ", m.version));
    }
    failed_at = 0;
    if (gateway_role != owner.role()) {
      for (const std::string& grant : PgGatewayGrants(gateway_role))
        tx.exec(grant);
    }
    tx.commit();
  });
  if (newer) return NewerSchema(found);
  if (s.ok()) return s;
  if (s.code() == absl::StatusCode::kPermissionDenied) {
    return absl::PermissionDeniedError(absl::StrCat(
        "database: role ", owner.role(),
        " may not create or upgrade the schema (", s.message(),
        "): set database.migrate_url to the URL of the schema's owner"));
  }
  if (failed_at != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database: migration ", failed_at, " failed: ", s.message()));
  }
  return s;
}

absl::Status ClaimPgDatabase(PgConnection& conn, const std::string& caf) {
  if (caf.empty()) return absl::OkStatus();
  std::string stored;
  absl::Status s = PgCall("recording the database's Caf", [&] {
    pqxx::work tx(conn.raw());
    tx.exec_params(
        "INSERT INTO ctg_meta (key, value) VALUES ('caf', $1) ON CONFLICT DO "
        "NOTHING",
        caf);
    stored = tx.exec("SELECT value FROM ctg_meta WHERE key = 'caf'")[0][0]
                 .as<std::string>();
    if (stored == caf) tx.commit();
  });
  if (!s.ok()) return s;
  if (stored != caf) return OtherCaf(stored, caf);
  return absl::OkStatus();
}

}  // namespace ctg::store::postgres
