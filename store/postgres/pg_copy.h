// Copies the gateway's SQLite database into an empty PostgreSQL database
// (`ctg-gateway migrate`), then checks the copy row by row.
//
// The copy runs in one PostgreSQL transaction (all or nothing), table by
// table in an order the foreign keys and triggers accept: requests are
// inserted in their initial state and reach their stored state by their
// transitions, replayed in order through the same triggers as at run time;
// audit events are inserted in sequence order through the sequencer's
// density trigger; each checkpoint's root column is taken from its signed
// note. Identity sequences are moved past the copied rows.
//
// The check reads both databases back and compares, table by table, the
// number of rows and an order-independent digest of their values (SHA-256
// of each row, summed): same events, same canonical bytes, same leaf hashes,
// same checkpoint notes, hence the same roots and signatures (verify them
// with the gateway's trail check, `ctg-gateway --check`).
//
// Not thread-safe; the SQLite file must not be written during the copy
// (stop the gateway, or copy a backup).
#ifndef CTG_STORE_POSTGRES_PG_COPY_H_
#define CTG_STORE_POSTGRES_PG_COPY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/postgres/pg_options.h"

namespace ctg::store::postgres {

struct CopiedTable {
  std::string name;
  int64_t rows = 0;
  std::string digest;  // hex, equal on both sides
};

struct CopyReport {
  std::vector<CopiedTable> tables;  // in copy order
  uint64_t events = 0;
  uint64_t checkpoints = 0;
};

// The tables copied, in copy order (every table of the schema but
// PostgreSQL's bookkeeping: ctg_schema, ctg_meta, ctg_versions,
// audit_sequencer).
const std::vector<std::string>& CopiedTables();

// Copies `sqlite_path` into the database of `options` (opened, migrated and
// claimed first as PgDatabase::Open does; the copy itself runs as
// migrate_url's role, or url's when it is empty, which must be allowed to
// move identity sequences). Errors: kNotFound when the SQLite file does not
// exist; kFailedPrecondition when its schema version is not this build's
// (open it once with this gateway to migrate it), when the PostgreSQL
// database already holds data (nothing is written), or when a table of one
// schema is missing from the other; kDataLoss when the read-back check
// differs (the copy was committed: drop the database before trying again);
// the connection's errors (pg_status.h).
absl::StatusOr<CopyReport> CopySqliteToPg(const std::string& sqlite_path,
                                          const PgOptions& options);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_COPY_H_
