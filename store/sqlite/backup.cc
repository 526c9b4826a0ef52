#include "store/sqlite/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {
namespace {

absl::Status Fsync(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    absl::Status error = absl::InternalError(absl::StrCat(
        "backup ", path, ": cannot fsync: ", std::strerror(errno)));
    if (fd >= 0) close(fd);
    return error;
  }
  close(fd);
  return absl::OkStatus();
}

// Copies every page of `from` into `to` in one step: one read transaction on
// the source, so the copy is one consistent snapshot.
absl::Status CopyPages(Connection& from, Connection& to) {
  sqlite3_backup* backup =
      sqlite3_backup_init(to.raw(), "main", from.raw(), "main");
  if (backup == nullptr) {
    return to.Error(sqlite3_errcode(to.raw()), "cannot start the backup");
  }
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc == SQLITE_DONE) return absl::OkStatus();
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ||
      (rc & 0xff) == SQLITE_IOERR) {
    return absl::UnavailableError(
        absl::StrCat("database ", from.path(),
                     ": cannot read it for the backup: ", sqlite3_errstr(rc)));
  }
  return to.Error(rc, "backup copy");
}

}  // namespace

absl::Status CopyDatabase(const std::string& source, const std::string& dest) {
  {
    CTG_ASSIGN_OR_RETURN(auto from,
                         Connection::Open(source, /*read_only=*/true));
    CTG_RETURN_IF_ERROR(from->Exec("PRAGMA busy_timeout = 10000"));
    CTG_ASSIGN_OR_RETURN(auto to, Connection::Open(dest, /*read_only=*/false));
    CTG_RETURN_IF_ERROR(CopyPages(*from, *to));
    // The pages carry the source's WAL flag: make the copy one file.
    CTG_ASSIGN_OR_RETURN(Statement mode,
                         to->Prepare("PRAGMA journal_mode = DELETE"));
    CTG_ASSIGN_OR_RETURN(bool row, mode.Step());
    if (!row || mode.ColumnText(0) != "delete") {
      return absl::InternalError(
          absl::StrCat("backup ", dest, ": cannot leave WAL journal mode"));
    }
    CTG_ASSIGN_OR_RETURN(Statement check, to->Prepare("PRAGMA quick_check"));
    CTG_ASSIGN_OR_RETURN(row, check.Step());
    if (!row || check.ColumnText(0) != "ok") {
      return absl::InternalError(
          absl::StrCat("backup ", dest, ": the copy fails SQLite's check: ",
                       row ? check.ColumnText(0) : "no answer"));
    }
  }
  return Fsync(dest);
}

absl::StatusOr<int> SchemaVersionOf(const std::string& path) {
  CTG_ASSIGN_OR_RETURN(auto conn, Connection::Open(path, /*read_only=*/true));
  CTG_ASSIGN_OR_RETURN(Statement stmt, conn->Prepare("PRAGMA user_version"));
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row)
    return absl::UnavailableError(
        absl::StrCat("database ", path, ": no user_version"));
  return static_cast<int>(stmt.ColumnInt(0));
}

}  // namespace ctg::store::sqlite
