// How the gateway reaches PostgreSQL: the `[database]` keys of the gateway's
// configuration (README, "PostgreSQL backend"), checked before any
// connection is made.
//
// `url` is a libpq connection URI (postgresql://user:password@host:port/db
// ?sslmode=verify-full&sslrootcert=...): TLS and every other libpq setting
// pass through it unchanged. A Unix socket directory goes in the host part
// percent-encoded (postgresql://user@%2Frun%2Fpostgresql/ctg).
//
// Thread-safe (plain data and pure functions).
#ifndef CTG_STORE_POSTGRES_PG_OPTIONS_H_
#define CTG_STORE_POSTGRES_PG_OPTIONS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ctg::store::postgres {

struct PgOptions {
  // The gateway's role: reads and appends, never UPDATE or DELETE on the
  // append-only tables (the migrations grant it exactly that).
  std::string url;
  // The role that owns the schema, used only at start to apply migrations
  // and grants. Empty: `url` itself (a single-role set-up, where the
  // append-only triggers are the only guard, since an owner may drop them).
  std::string migrate_url;
  // Connections kept for reads; the writer has one more of its own.
  int pool_size = 4;
  // Every statement is cancelled after this long (PostgreSQL
  // statement_timeout), waits for locks included.
  absl::Duration statement_timeout = absl::Seconds(10);
  // A session idle inside a transaction this long is ended by the server,
  // so a replica that hangs holding the audit sequencer releases it.
  absl::Duration idle_in_transaction_timeout = absl::Seconds(30);
  // libpq connect_timeout.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Reconnection back-off after a failure: first delay, doubled up to max.
  absl::Duration reconnect_min = absl::Milliseconds(100);
  absl::Duration reconnect_max = absl::Seconds(5);
  // Most write functions grouped into one commit.
  int max_group = 512;
  // The longest the writer waits, before a commit, for the callers of the
  // previous group to queue their next write (only when fewer are queued
  // than that group had; never with one caller at a time). Zero: commit
  // whatever is queued at once.
  absl::Duration group_wait = absl::Microseconds(500);
  // The Caf this gateway serves ("<trust_domain>/<caf_id>"): recorded in the
  // database the first time, and a database holding another Caf's trail is
  // refused. Empty: not checked (tools and tests).
  std::string caf;
};

// Checks `url` (reported as configuration key `field`): a postgresql:// or
// postgres:// URI with a database name. Errors: kInvalidArgument naming the
// field and the problem, with any password replaced by "****".
absl::Status CheckPgUrl(absl::string_view url, absl::string_view field);

// Checks every field. Errors: kInvalidArgument naming the field
// ("database.url", "database.pool_size"...).
absl::Status CheckPgOptions(const PgOptions& options);

// `url` with the password, if any, replaced by "****": for messages.
std::string RedactPgUrl(absl::string_view url);

// `url` plus connect_timeout and application_name (unless the URL sets
// them), the connection string handed to libpq.
std::string PgConnectionString(absl::string_view url, const PgOptions& options);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_OPTIONS_H_
