// A thin RAII layer over SQLite: a Connection with a per-connection cache of
// prepared statements, and Statement handles borrowed from that cache.
//
// A Connection is NOT thread-safe: one thread at a time (Database hands
// connections out under a lock). Statements borrowed from a Connection must
// not outlive it and are reset when destroyed.
#ifndef CTG_STORE_SQLITE_SQLITE_H_
#define CTG_STORE_SQLITE_SQLITE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ctg::store::sqlite {

class Statement;

class Connection {
 public:
  // Opens (creating if `read_only` is false) the database file at `path`.
  // Errors: kUnavailable naming the path when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows.
  // Errors: kInternal with SQLite's message (kAborted for a constraint or
  // trigger refusal, kFailedPrecondition when the database is read-only).
  absl::Status Exec(absl::string_view sql);

  // Runs one statement through the statement cache (for statements run
  // again and again: BEGIN, COMMIT, SAVEPOINT...). Errors: as Exec.
  absl::Status Run(absl::string_view sql);

  // A prepared statement for `sql`, cached by its text. Errors: as Exec.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  int64_t LastInsertRowId() const;
  int Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() const { return db_; }

  // Converts the last SQLite error (code `rc`) into a Status.
  absl::Status Error(int rc, absl::string_view what) const;

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

// A borrowed, reset-on-destruction prepared statement. Bind indices are
// 1-based (SQLite's convention); column indices are 0-based.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, absl::string_view text);
  Statement& BindBlob(int index, absl::string_view bytes);
  Statement& BindNull(int index);

  // Advances: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, ignoring rows (INSERT, UPDATE...).
  absl::Status Run();

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Connection;
  Statement(const Connection* conn, sqlite3_stmt* stmt)
      : conn_(conn), stmt_(stmt) {}

  const Connection* conn_;
  sqlite3_stmt* stmt_;
  int bind_error_ = 0;
};

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_SQLITE_H_
