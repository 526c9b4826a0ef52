// Start-up checks and migrations of the PostgreSQL schema (pg_schema.h).
//
// Not thread-safe (each function uses the session it is given).
#ifndef CTG_STORE_POSTGRES_PG_MIGRATE_H_
#define CTG_STORE_POSTGRES_PG_MIGRATE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/pg_connection.h"

namespace ctg::store::postgres {

// The database's schema version: 0 when it has no gateway schema yet.
// Errors: the session's (pg_status.h).
absl::StatusOr<int> ReadPgSchemaVersion(PgConnection& conn);

// The Caf whose trail the database holds ("" when none recorded yet).
absl::StatusOr<std::string> ReadPgOwnerCaf(PgConnection& conn);

// Read-only checks before anything is written: the schema is not newer
// than this build's, and the database holds no other Caf's trail (`caf`
// empty: not checked). Errors: kFailedPrecondition naming the versions or
// both Cafs.
absl::Status CheckPgDatabase(PgConnection& conn, const std::string& caf);

// Applies the missing migrations in one transaction, under the migration
// advisory lock (replicas starting together migrate once), then grants
// `gateway_role` its rights (skipped when it is the migrating role).
// Errors: kFailedPrecondition "migration N failed: ..." or the newer-schema
// refusal; kPermissionDenied when the role may not create the schema (use
// an owner role as database.migrate_url). Nothing is changed on error.
absl::Status MigratePg(PgConnection& owner, const std::string& gateway_role);

// Records `caf` as the database's Caf if none is recorded; refuses another.
// Errors: kFailedPrecondition naming both Cafs.
absl::Status ClaimPgDatabase(PgConnection& conn, const std::string& caf);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_MIGRATE_H_
