// The gateway's schema in PostgreSQL's dialect: the same numbered,
// forward-only migrations as SQLite's (store/sqlite/schema.h), the same tables
// and columns, the same refusals by triggers, plus what several replicas need:
//
// - ctg_schema: the version (SQLite's PRAGMA user_version);
// - ctg_meta: facts about the database, append-only ("caf": the Caf whose
//   trail it holds);
// - ctg_versions: a version per cached topic, for invalidation across
//   replicas (pg_changes.h);
// - audit_sequencer: one row, the next audit sequence number. A write group
//   locks it first (ctg_lock_sequencer()), so writes of all replicas commit
//   one at a time in sequence order; a trigger makes every audit event take
//   exactly the next number, so the trail stays dense whatever a client does;
// - audit_checkpoints.root: the root each signed size commits to, so that
//   one size has one root, ever (the primary key and append-only triggers).
//
// Grants: the migrating role (the owner) grants the gateway's role SELECT
// and INSERT on every table, UPDATE only on the mutable ones (requests'
// state, conventions, the release memory) and DELETE only on the
// statistical base (re-imports), never UPDATE or DELETE on the audit trail,
// the histories or the release ledger.
//
// Thread-safe (constant data).
#ifndef CTG_STORE_POSTGRES_PG_SCHEMA_H_
#define CTG_STORE_POSTGRES_PG_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/types/span.h"

namespace ctg::store::postgres {

struct PgMigration {
  int version;      // 1, 2, 3... without gaps, as store/schema.cc
  const char* sql;  // one or more statements
};

absl::Span<const PgMigration> PgMigrations();

// The schema this build writes: the last migration's number (equal to
// store::GatewaySchemaVersion(), checked by a test).
int PgSchemaVersion();

// The GRANT statements giving `role` (a quoted identifier is made of it)
// exactly the gateway's rights.
std::vector<std::string> PgGatewayGrants(const std::string& role);

// The advisory lock key serialising migrations of replicas starting at once.
constexpr long long kPgMigrationLock = 0x6374676d69677261;  // "ctgmigra"

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_SCHEMA_H_
