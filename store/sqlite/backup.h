// Online copies of a SQLite database file with the SQLite backup API.
//
// The copy is one consistent snapshot (one read transaction on the source:
// writers keep going meanwhile in WAL mode), taken without the gateway's
// cooperation. Thread-safe: each call uses its own connections.
#ifndef CTG_STORE_SQLITE_BACKUP_H_
#define CTG_STORE_SQLITE_BACKUP_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctg::store::sqlite {

// Copies the database at `source` into `dest`, a file that must exist and be
// empty (the caller creates it with the mode it wants, e.g. mkstemp's 0600).
// The copy is left in rollback-journal mode (one self-contained file),
// passes SQLite's quick_check, and is fsync'ed before returning.
// Errors: kUnavailable naming `source` when it cannot be opened or read;
// kInternal naming `dest` when the copy cannot be written or fails its check
// (kResourceExhausted for a full disk).
absl::Status CopyDatabase(const std::string& source, const std::string& dest);

// PRAGMA user_version of the database at `path` (opened read-only): the
// number of the last migration applied. Errors: kUnavailable naming `path`.
absl::StatusOr<int> SchemaVersionOf(const std::string& path);

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_BACKUP_H_
