// `ctg-gateway --config FILE --check [DB]`: checks a database's audit trail
// without serving and without writing to it (after a restore, or on a
// backup copy): the SQLite file DB, or the configured database (PostgreSQL
// when the configuration has a `[database] url`), as the gateway does at
// start-up (audit/stored_trail.h):
// dense rows, each event's canonical bytes holding its own sequence number,
// each stored leaf hash, the filter columns, and every stored checkpoint's
// signature (with the configured signing key's public half, or one of the
// keys it replaced: audit.previous_keys) and root.
#ifndef CTG_GATEWAY_OFFLINE_CHECK_H_
#define CTG_GATEWAY_OFFLINE_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "audit/note_key.h"
#include "gateway/config.h"

namespace ctg::gateway {

// The public keys whose signatures a stored checkpoint may carry: the
// configured signing key's public half first, then those of
// `audit.previous_keys`. Errors: kInvalidArgument / kNotFound naming the key
// file that cannot be read or parsed.
absl::StatusOr<std::vector<audit::NoteVerifier>> CheckpointKeys(
    const Config& config);

// A one-line summary when the trail is intact. Errors: kDataLoss naming the
// first bad event (by sequence; for events altered with their leaf hashes
// rewritten, the first one the checkpoints allow) or checkpoint; kUnavailable /
// kInvalidArgument when the file or key cannot be read.
absl::StatusOr<std::string> CheckAuditTrail(const Config& config,
                                            const std::string& db_path);

// The configured database's trail: PostgreSQL's when `config.postgres.url`
// is set (opened read-only: no migration, nothing recorded), else the SQLite
// file `config.database`. Errors as CheckAuditTrail, and those of opening
// PostgreSQL (store/postgres/pg_database.h), each one line.
absl::StatusOr<std::string> CheckConfiguredAuditTrail(const Config& config);

// Same as CheckAuditTrail, with the checkpoints' public keys given directly: a
// checkpoint signed by any of `keys` verifies (a trail signed by other keys
// than the configured ones, e.g. a test fixture).
absl::StatusOr<std::string> CheckAuditTrailWithKeys(
    absl::Span<const audit::NoteVerifier> keys, const std::string& db_path);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_OFFLINE_CHECK_H_
