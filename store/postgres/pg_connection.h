// One PostgreSQL session (libpqxx) set up for the gateway, and the connector
// that opens sessions with back-off after failures.
//
// Every session gets statement_timeout, idle_in_transaction_session_timeout
// and TimeZone=UTC from PgOptions, so no statement (lock waits included)
// runs unbounded and a hung replica cannot hold a lock for ever.
//
// PgConnection is not thread-safe (one thread at a time). PgConnector is
// thread-safe.
#ifndef CTG_STORE_POSTGRES_PG_CONNECTION_H_
#define CTG_STORE_POSTGRES_PG_CONNECTION_H_

#include <functional>
#include <memory>
#include <pqxx/connection>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/mutex.h"
#include "store/postgres/pg_options.h"

namespace ctg::store::postgres {

class PgConnection {
 public:
  // Connects to `url` (`field` names its configuration key in errors).
  // Errors, one line naming the field and the server's reason, the password
  // redacted: kPermissionDenied for bad credentials, kNotFound when the
  // database does not exist, kUnavailable when the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<PgConnection>> Open(
      const std::string& url, const std::string& field,
      const PgOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  pqxx::connection& raw() { return *conn_; }
  // The role the session runs as.
  const std::string& role() const { return role_; }
  // The server's backend process id (for tests that end sessions).
  int backend_pid() const;
  // False once the connection was found broken.
  bool is_open() const;

 private:
  explicit PgConnection(std::unique_ptr<pqxx::connection> conn);
  std::unique_ptr<pqxx::connection> conn_;
  std::string role_;
};

// Opens sessions of one URL. After a failure it does not try again before a
// back-off delay (reconnect_min, doubled up to reconnect_max) has passed:
// meanwhile Connect() fails at once with the last error, so callers are
// answered UNAVAILABLE promptly instead of queueing behind timeouts.
class PgConnector {
 public:
  PgConnector(std::string url, std::string field, PgOptions options,
              std::function<absl::Time()> clock = absl::Now)
      : url_(std::move(url)),
        field_(std::move(field)),
        options_(std::move(options)),
        clock_(std::move(clock)) {}

  // Errors: those of PgConnection::Open, or, within the back-off delay, the
  // last one with "(next attempt in N ms)".
  absl::StatusOr<std::unique_ptr<PgConnection>> Connect()
      ABSL_LOCKS_EXCLUDED(mu_);

  // Records that a session of this URL was lost: the next Connect() tries at
  // once (the first retry is immediate), later failures back off.
  void ReportLost(const absl::Status& cause) ABSL_LOCKS_EXCLUDED(mu_);

  // OK while the last attempt (or session use) succeeded; else its error.
  absl::Status health() const ABSL_LOCKS_EXCLUDED(mu_);

  const PgOptions& options() const { return options_; }

 private:
  const std::string url_;
  const std::string field_;
  const PgOptions options_;
  const std::function<absl::Time()> clock_;

  mutable Mutex mu_;
  absl::Status last_ ABSL_GUARDED_BY(mu_);
  absl::Duration delay_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  absl::Time next_attempt_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_CONNECTION_H_
