// The SQLite backend (store/backend.h): one database file, WAL mode,
// synchronous=FULL, group commit on one writer thread, a pool of read
// connections, the gateway's schema migrations (store/sqlite/database.h,
// schema.h).
//
// Thread-safe, as every Backend.
#ifndef CTG_STORE_SQLITE_SQLITE_BACKEND_H_
#define CTG_STORE_SQLITE_SQLITE_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/backend.h"

namespace ctg::store::sqlite {

struct BackendOptions {
  std::string path;  // the database file
  int read_connections = 4;
  int max_group = 512;  // most write sessions grouped into one commit
};

// Opens or creates the database at options.path (mode 0600) and applies the
// gateway's migrations not yet applied (store/sqlite/schema.h).
// Errors: kUnavailable naming the path when it cannot be opened;
// kFailedPrecondition when the file's schema is newer than this build's (a
// downgrade) or a migration fails.
absl::StatusOr<std::unique_ptr<Backend>> OpenBackend(
    const BackendOptions& options);

// Opens the database file at `path` read-only, as it is (no migration), for
// checks and copies of a file no gateway writes meanwhile (a backup, a
// restored copy). Its Write() fails with kFailedPrecondition; Read()
// sessions read the file directly. Errors: kUnavailable naming the path.
absl::StatusOr<std::unique_ptr<Backend>> OpenReadOnlyBackend(
    const std::string& path);

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_SQLITE_BACKEND_H_
