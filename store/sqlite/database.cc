#include "store/sqlite/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::store::sqlite {

struct Database::Job {
  absl::FunctionRef<absl::Status(Transaction&)> work;
  absl::Status result;
  bool done = false;
  CondVar finished;  // notified, under queue_mu_, once `done` is set
};

absl::Status Transaction::Savepoint(absl::FunctionRef<absl::Status()> work) {
  std::string name = absl::StrCat("sp", ++depth_);
  absl::Status status = conn_.Run(absl::StrCat("SAVEPOINT ", name));
  if (status.ok()) {
    status = work();
    // Roll back this savepoint's changes only, keep the outer ones. If that
    // fails, the changes are still there: releasing the savepoint would
    // merge them into the transaction, so it is abandoned instead.
    absl::Status rolled_back =
        status.ok() ? absl::OkStatus()
                    : conn_.Run(absl::StrCat("ROLLBACK TO ", name));
    if (rolled_back.ok()) {
      // A savepoint that cannot be released leaves the transaction in a
      // state nobody checked: abandoned too, rather than committed.
      absl::Status released = conn_.Run(absl::StrCat("RELEASE ", name));
      if (!released.ok() && abandoned_.ok()) {
        abandoned_ = absl::InternalError(absl::StrCat(
            "a savepoint could not be released (", released.message(),
            "): nothing of its transaction was committed"));
      }
    } else if (abandoned_.ok()) {
      abandoned_ = absl::InternalError(absl::StrCat(
          "a failed write could not be rolled back (", rolled_back.message(),
          "): nothing of its transaction was committed; first error: ",
          status.message()));
    }
  }
  --depth_;
  return status;
}

namespace {

absl::Status Configure(Connection& conn) {
  CTG_RETURN_IF_ERROR(conn.Exec("PRAGMA busy_timeout = 10000"));
  CTG_RETURN_IF_ERROR(conn.Exec("PRAGMA foreign_keys = ON"));
  return conn.Exec("PRAGMA synchronous = FULL");
}

absl::Status EnableWal(Connection& conn) {
  CTG_ASSIGN_OR_RETURN(Statement wal,
                       conn.Prepare("PRAGMA journal_mode = WAL"));
  CTG_ASSIGN_OR_RETURN(bool row, wal.Step());
  if (!row || wal.ColumnText(0) != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", conn.path(), ": cannot switch to WAL journal mode"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> UserVersion(Connection& conn) {
  CTG_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare("PRAGMA user_version"));
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? static_cast<int>(stmt.ColumnInt(0)) : 0;
}

absl::Status Migrate(Connection& conn, absl::Span<const Migration> migrations) {
  // Numbered 1, 2, 3... in order: a database at schema N has exactly the
  // first N applied.
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return absl::InternalError(
          absl::StrCat("migration number ", migrations[i].version,
                       " at position ", i + 1, ": expected ", i + 1));
    }
  }
  CTG_ASSIGN_OR_RETURN(int current, UserVersion(conn));
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", conn.path(), " has schema version ", current,
        ", newer than this gateway's ", latest, ": use a newer gateway"));
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    CTG_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    absl::Status s = conn.Exec(m.sql);
    if (s.ok())
      s = conn.Exec(absl::StrCat("PRAGMA user_version = ", m.version));
    if (s.ok()) s = conn.Exec("COMMIT");
    if (!s.ok()) {
      // The gateway does not start; a failed rollback is said with the cause
      // (SQLite also rolls back when the connection closes).
      absl::Status rolled_back = conn.Exec("ROLLBACK");
      return absl::FailedPreconditionError(absl::StrCat(
          "database ", conn.path(), ": migration ", m.version,
          " failed: ", s.message(),
          rolled_back.ok() ? ""
                           : absl::StrCat("; and the rollback failed: ",
                                          rolled_back.message())));
    }
  }
  return absl::OkStatus();
}

// Creates `path` with mode 0600 if it does not exist, and narrows it and its
// -wal and -shm files to 0600 if they exist with wider modes. SQLite gives
// the -wal and -shm files it creates the mode of the database file.
absl::Status MakePrivate(const std::string& path) {
  if (path.empty() || path[0] == ':') return absl::OkStatus();  // in-memory
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(
        "database ", path, ": cannot open: ", std::strerror(errno)));
  }
  close(fd);
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st;
    if (stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    if (chmod(file.c_str(), st.st_mode & 0700) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database ", file,
          " is readable by other users and cannot be made private (",
          std::strerror(errno), "): chmod 600 ", file));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const DatabaseOptions& options, absl::Span<const Migration> migrations) {
  std::unique_ptr<Database> db(new Database(options.path, options.max_group));
  db->max_idle_readers_ = options.read_connections;
  CTG_RETURN_IF_ERROR(MakePrivate(options.path));
  CTG_ASSIGN_OR_RETURN(db->writer_conn_, Connection::Open(options.path, false));
  Connection& writer = *db->writer_conn_;
  CTG_RETURN_IF_ERROR(EnableWal(writer));
  CTG_RETURN_IF_ERROR(Configure(writer));
  CTG_RETURN_IF_ERROR(Migrate(writer, migrations));
  for (int i = 0; i < options.read_connections; ++i) {
    CTG_ASSIGN_OR_RETURN(auto reader, Connection::Open(options.path, true));
    CTG_RETURN_IF_ERROR(reader->Exec("PRAGMA busy_timeout = 10000"));
    MutexLock lock(&db->readers_mu_);
    db->idle_readers_.push_back(std::move(reader));
  }
  db->writer_ = std::thread([raw = db.get()] { raw->WriterLoop(); });
  return db;
}

Database::~Database() { Close(); }

void Database::Close() {
  {
    MutexLock lock(&queue_mu_);
    if (closing_) {
      if (!writer_.joinable()) return;
    }
    closing_ = true;
    work_queued_.NotifyAll();
  }
  if (writer_.joinable()) writer_.join();
}

absl::Status Database::Write(
    absl::FunctionRef<absl::Status(Transaction&)> work) {
  Job job{work, absl::OkStatus(), false, {}};
  MutexLock lock(&queue_mu_);
  if (closing_) {
    return absl::UnavailableError(
        absl::StrCat("database ", path_, " is closed"));
  }
  queue_.push_back(&job);
  work_queued_.NotifyOne();
  job.finished.Await(&queue_mu_, [&job] { return job.done; });
  return job.result;
}

void Database::WriterLoop() {
  std::vector<Job*> group;
  while (true) {
    {
      MutexLock lock(&queue_mu_);
      work_queued_.Await(&queue_mu_, [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return closing_ || !queue_.empty();
      });
      if (queue_.empty()) return;  // closing, and nothing left to write
      while (!queue_.empty() && static_cast<int>(group.size()) < max_group_) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunGroup(group);
    {
      MutexLock lock(&queue_mu_);
      for (Job* job : group) {
        job->done = true;
        job->finished.NotifyOne();
      }
    }
    group.clear();
  }
}

void Database::RunGroup(std::vector<Job*>& group) {
  Connection& conn = *writer_conn_;
  absl::Status begin = conn.Run("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (Job* job : group) job->result = begin;
    return;
  }
  std::vector<Transaction> txs;
  txs.reserve(group.size());
  for (Job* job : group) {
    Transaction& tx = txs.emplace_back(conn);
    job->result = tx.Savepoint([&] { return job->work(tx); });
    if (!job->result.ok()) {
      for (auto it = tx.rollback_hooks_.rbegin();
           it != tx.rollback_hooks_.rend(); ++it)
        (*it)();
      tx.commit_hooks_.clear();
      tx.rollback_hooks_.clear();
    }
    if (!tx.abandoned_.ok()) {
      // Changes that could not be rolled back are in the transaction: the
      // jobs not run yet are refused with the same error.
      for (size_t i = txs.size(); i < group.size(); ++i)
        group[i]->result = tx.abandoned_;
      AbandonGroup(group, txs, tx.abandoned_);
      return;
    }
  }
  absl::Status commit = conn.Run("COMMIT");
  if (!commit.ok()) {
    AbandonGroup(group, txs, commit);
    return;
  }
  for (Transaction& tx : txs) {
    for (auto& hook : tx.commit_hooks_) hook();
  }
}

void Database::AbandonGroup(std::vector<Job*>& group,
                            std::vector<Transaction>& txs, absl::Status cause) {
  absl::Status rolled_back = writer_conn_->Run("ROLLBACK");
  if (!rolled_back.ok()) {
    // Said to every job of the group, so that the caller (the audit log
    // reports its append failures to health) sees it.
    cause = absl::Status(
        cause.code(),
        absl::StrCat(cause.message(), "; and the rollback failed: ",
                     rolled_back.message(), ResetWriter()));
  }
  for (size_t i = txs.size(); i-- > 0;) {
    if (group[i]->result.ok() || !rolled_back.ok()) group[i]->result = cause;
    auto& hooks = txs[i].rollback_hooks_;
    for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) (*it)();
  }
}

std::string Database::ResetWriter() {
  // A writer left inside its transaction would refuse every later BEGIN
  // (and hold the write lock): SQLite rolls back a connection's open
  // transaction when it is closed, so close it and open a fresh one.
  if (sqlite3_get_autocommit(writer_conn_->raw()) != 0) return "";
  auto fresh = Connection::Open(path_, false);
  absl::Status configured = fresh.ok() ? Configure(**fresh) : fresh.status();
  if (!configured.ok()) {
    return absl::StrCat("; the writer connection could not be reopened (",
                        configured.message(), "), it is kept");
  }
  writer_conn_ = std::move(*fresh);
  return "; the writer connection was reopened";
}

absl::Status Database::Read(absl::FunctionRef<absl::Status(Connection&)> work) {
  std::unique_ptr<Connection> conn;
  {
    MutexLock lock(&readers_mu_);
    if (!idle_readers_.empty()) {
      conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  if (conn == nullptr) {
    // All pooled readers busy: open a short-lived extra one.
    CTG_ASSIGN_OR_RETURN(conn, Connection::Open(path_, true));
    CTG_RETURN_IF_ERROR(conn->Exec("PRAGMA busy_timeout = 10000"));
  }
  // One read transaction: SQLite takes its snapshot at the first read and
  // keeps it until the end, so that the statements of `work` agree.
  absl::Status status = conn->Run("BEGIN");
  bool reusable = status.ok();
  if (status.ok()) {
    status = work(*conn);
    absl::Status end = conn->Run("COMMIT");
    if (!end.ok()) {
      // A connection still in its transaction would serve an old snapshot.
      reusable = false;
      if (status.ok()) status = end;
    }
  }
  MutexLock lock(&readers_mu_);
  if (reusable && static_cast<int>(idle_readers_.size()) < max_idle_readers_) {
    idle_readers_.push_back(std::move(conn));
  }
  return status;
}

}  // namespace ctg::store::sqlite
