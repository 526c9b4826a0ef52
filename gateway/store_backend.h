// The storage backend the gateway runs on: SQLite, in the file that the
// configuration's `database` names (store/sqlite/), or PostgreSQL when it
// has a `[database] url` (store/postgres/). The one place in
// gateway/ that knows which backend it is; everything else sees
// store::Backend (store/backend.h) and its sessions.
#ifndef CTG_GATEWAY_STORE_BACKEND_H_
#define CTG_GATEWAY_STORE_BACKEND_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/config.h"
#include "store/backend.h"

namespace ctg::gateway {

// Opens the store at `database`, creating it and bringing its schema up to
// GatewaySchemaVersion(). Errors: kUnavailable naming `database` when it
// cannot be opened; kFailedPrecondition for a newer schema (a downgrade) or
// a failed migration.
absl::StatusOr<std::unique_ptr<store::Backend>> OpenGatewayStore(
    const std::string& database);

// The configuration's backend: PostgreSQL when `config.postgres.url` is set
// (errors of store::postgres::PgDatabase::Open, each one line naming the
// cause, nothing written), else SQLite at `config.database` as above.
absl::StatusOr<std::unique_ptr<store::Backend>> OpenGatewayStore(
    const Config& config);

// Listens, while it lives, for re-imports of the statistical base committed
// by any gateway sharing the store.
class ReimportWatch {
 public:
  virtual ~ReimportWatch() = default;
};

// Calls `on_reimport` (on a thread of its own, one call at a time) after
// each re-import of a period committed on the configuration's PostgreSQL
// database by any replica, and whenever the watch (re)connects, since
// announcements may have been missed meanwhile. Null on SQLite: one process
// owns the file, and its own caches are keyed by what they depend on.
// Errors: those of opening a PostgreSQL session (kUnavailable...).
absl::StatusOr<std::unique_ptr<ReimportWatch>> WatchReimports(
    const Config& config, std::function<void()> on_reimport);

// Opens the store at `database` read-only and as it is (no migration): for
// `--check` and to check a backup copy. Errors: kUnavailable naming it.
absl::StatusOr<std::unique_ptr<store::Backend>> OpenStoreForCheck(
    const std::string& database);

// The schema this build writes.
int GatewaySchemaVersion();

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_STORE_BACKEND_H_
