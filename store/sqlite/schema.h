// The gateway's schema, as an ordered list of migrations. Append new
// migrations at the end; never edit one that has shipped.
//
// Upgrades are forward-only: migration N takes a database from schema N-1 to
// N, Database::Open applies those not yet applied (each in its own
// transaction) and records the schema in PRAGMA user_version; a database
// of a newer schema than GatewaySchemaVersion() is refused.
#ifndef CTG_STORE_SQLITE_SCHEMA_H_
#define CTG_STORE_SQLITE_SCHEMA_H_

#include "absl/types/span.h"
#include "store/sqlite/database.h"

namespace ctg::store::sqlite {

absl::Span<const Migration> GatewayMigrations();

// The schema this build writes: the last migration's number.
int GatewaySchemaVersion();

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_SCHEMA_H_
