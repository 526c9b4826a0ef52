#include "store/postgres/pg_connection.h"

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "absl/strings/str_cat.h"
#include "store/postgres/pg_status.h"

namespace ctg::store::postgres {

PgConnection::PgConnection(std::unique_ptr<pqxx::connection> conn)
    : conn_(std::move(conn)) {}

PgConnection::~PgConnection() = default;

int PgConnection::backend_pid() const { return conn_->backendpid(); }

bool PgConnection::is_open() const { return conn_->is_open(); }

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Open(
    const std::string& url, const std::string& field,
    const PgOptions& options) {
  if (absl::Status s = CheckPgUrl(url, field); !s.ok()) return s;
  std::unique_ptr<pqxx::connection> conn;
  std::string role;
  const std::string what = absl::StrCat(field, " ", RedactPgUrl(url));
  absl::Status s = PgCall(what, [&] {
    conn = std::make_unique<pqxx::connection>(PgConnectionString(url, options));
    pqxx::nontransaction tx(*conn);
    tx.exec(absl::StrCat(
        "SET statement_timeout = ",
        absl::ToInt64Milliseconds(options.statement_timeout),
        "; SET idle_in_transaction_session_timeout = ",
        absl::ToInt64Milliseconds(options.idle_in_transaction_timeout),
        "; SET TimeZone = 'UTC'"));
    role = tx.exec("SELECT current_user")[0][0].as<std::string>();
  });
  if (!s.ok()) return s;
  std::unique_ptr<PgConnection> out(new PgConnection(std::move(conn)));
  out->role_ = std::move(role);
  return out;
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnector::Connect() {
  {
    MutexLock lock(&mu_);
    absl::Time now = clock_();
    if (now < next_attempt_) {
      return absl::Status(
          last_.code(),
          absl::StrCat(last_.message(), " (next attempt in ",
                       absl::ToInt64Milliseconds(next_attempt_ - now), " ms)"));
    }
  }
  absl::StatusOr<std::unique_ptr<PgConnection>> conn =
      PgConnection::Open(url_, field_, options_);
  MutexLock lock(&mu_);
  if (conn.ok()) {
    last_ = absl::OkStatus();
    delay_ = absl::ZeroDuration();
    next_attempt_ = absl::InfinitePast();
  } else {
    last_ = conn.status();
    delay_ = delay_ == absl::ZeroDuration()
                 ? options_.reconnect_min
                 : std::min(delay_ * 2, options_.reconnect_max);
    next_attempt_ = clock_() + delay_;
  }
  return conn;
}

void PgConnector::ReportLost(const absl::Status& cause) {
  MutexLock lock(&mu_);
  last_ = cause;
}

absl::Status PgConnector::health() const {
  MutexLock lock(&mu_);
  return last_;
}

}  // namespace ctg::store::postgres
