// `ctg-gateway --config FILE migrate SQLITE_FILE`: moves a gateway's SQLite
// database into the PostgreSQL database of the configuration's
// `[database] url` (README, "PostgreSQL backend"), for a Caf that goes from
// one gateway to several replicas.
//
//  1. the SQLite trail is checked first, as `--check` does (a damaged trail
//     is not copied);
//  2. store::postgres::CopySqliteToPg copies every table in one transaction
//     into the empty PostgreSQL database and compares them row by row;
//  3. the PostgreSQL trail is checked as the gateway checks it at start-up:
//     every leaf hash, every checkpoint's signature and root.
//
// Thread-safe (no shared state); run it with the gateways stopped.
#ifndef CTG_GATEWAY_PG_MIGRATE_COMMAND_H_
#define CTG_GATEWAY_PG_MIGRATE_COMMAND_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "audit/note_key.h"
#include "gateway/config.h"
#include "store/postgres/pg_database.h"
#include "store/postgres/pg_options.h"

namespace ctg::gateway {

// The PostgreSQL options of `config` (its [database] section; the Caf is
// "<trust_domain>/<caf_id>").
store::postgres::PgOptions PgOptionsOf(const Config& config);

// Checks the audit trail stored in `db` (audit/stored_trail.h) with the
// checkpoint keys `keys`. Returns a one-line summary. Errors: kDataLoss
// naming the first bad event or checkpoint; the database's.
absl::StatusOr<std::string> CheckPgAuditTrail(
    store::postgres::PgDatabase& db,
    absl::Span<const audit::NoteVerifier> keys);

// The whole command; returns its one-line report. Errors: kInvalidArgument
// when the configuration has no [database] url; those of the three steps
// above, each naming its cause (kFailedPrecondition for a PostgreSQL
// database that already holds data, in which case nothing was written).
absl::StatusOr<std::string> MigrateToPostgres(const Config& config,
                                              const std::string& sqlite_path);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_PG_MIGRATE_COMMAND_H_
