// The gateway's SQLite database: one file, WAL mode, synchronous=FULL,
// versioned schema migrations, group commit for writes and a small pool of
// read connections.
//
// Writes go through one writer thread. Callers hand it a function to run;
// it runs the functions queued meanwhile one after another, each inside its
// own SAVEPOINT, then commits them all with one fsync (group commit). Write()
// returns only once that commit is durable, so anything a caller is told was
// done survives a crash. A function that fails is rolled back alone and does
// not disturb the others in its group; if that rollback itself fails, nothing
// of the group is committed (every function of the group gets the error).
//
// Reads run on a pool of read connections, each Read() in one read
// transaction: every statement of a Read() sees the same snapshot.
//
// The database file and its -wal and -shm files are private to the gateway's
// user (mode 0600): created so, and tightened to it when found wider.
//
// Thread-safe: Write() and Read() may be called from any number of threads.
#ifndef CTG_STORE_SQLITE_DATABASE_H_
#define CTG_STORE_SQLITE_DATABASE_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "base/mutex.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {

// One schema step. Migrations are applied in order; the database records how
// many were applied in PRAGMA user_version.
struct Migration {
  int version;      // 1, 2, 3... without gaps
  const char* sql;  // one or more statements
};

struct DatabaseOptions {
  std::string path;
  int read_connections = 4;
  // Most write functions grouped into one commit.
  int max_group = 512;
};

// The transaction a write function runs in. Only valid during the call.
class Transaction {
 public:
  explicit Transaction(Connection& conn) : conn_(conn) {}
  Connection& conn() { return conn_; }

  // `hook` runs on the writer thread after the group's commit is durable,
  // in registration order across the group.
  void OnCommit(std::function<void()> hook) {
    commit_hooks_.push_back(std::move(hook));
  }
  // `hook` runs if this function's changes are rolled back (its own failure
  // or the group's failed commit), in reverse registration order.
  void OnRollback(std::function<void()> hook) {
    rollback_hooks_.push_back(std::move(hook));
  }

  // Runs `work` in a nested savepoint: on error its changes (only) are
  // rolled back and the error returned. If they cannot be rolled back, the
  // whole transaction is abandoned (see Database::Write).
  absl::Status Savepoint(absl::FunctionRef<absl::Status()> work);

 private:
  friend class Database;
  Connection& conn_;
  std::vector<std::function<void()>> commit_hooks_;
  std::vector<std::function<void()>> rollback_hooks_;
  int depth_ = 0;
  // Set when a savepoint could not be rolled back: its changes are still in
  // the transaction, which must then not be committed.
  absl::Status abandoned_;
};

class Database {
 public:
  // Opens or creates the database at options.path (mode 0600, see the class
  // comment), sets WAL and synchronous=FULL, and applies the migrations not
  // yet applied.
  // Errors: kUnavailable naming the path when it cannot be opened;
  // kFailedPrecondition when the file's schema is newer than `migrations`
  // (a downgrade) or a migration fails.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const DatabaseOptions& options, absl::Span<const Migration> migrations);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `work` in a write transaction (see the class comment) and returns
  // its status once the outcome is durable. Errors: whatever `work` returns
  // (its changes rolled back), or the commit's error (kInternal,
  // kResourceExhausted for a full disk), or kInternal when a function of the
  // group could not be rolled back (nothing of the group committed), or
  // kUnavailable after Close().
  absl::Status Write(absl::FunctionRef<absl::Status(Transaction&)> work);

  // Runs `work` on a read connection inside one read transaction: all its
  // statements see the same snapshot of committed data, whatever is written
  // meanwhile. `work` must not open transactions of its own. Errors:
  // whatever `work` returns, or the store's error starting or ending the
  // read transaction.
  absl::Status Read(absl::FunctionRef<absl::Status(Connection&)> work);

  // Stops the writer after the queued writes; later writes fail.
  void Close();

  const std::string& path() const { return path_; }

 private:
  struct Job;
  Database(std::string path, int max_group)
      : path_(std::move(path)), max_group_(max_group) {}
  void WriterLoop();
  void RunGroup(std::vector<Job*>& group);
  // Rolls back the whole group: every job not failed yet gets `cause`. If
  // the rollback itself fails, every job gets `cause` with the rollback's
  // error, and the writer connection is reset (ResetWriter).
  void AbandonGroup(std::vector<Job*>& group, std::vector<Transaction>& txs,
                    absl::Status cause);
  // After a failed ROLLBACK: reopens the writer connection if it is still
  // inside a transaction. Returns what it did, for the error message.
  std::string ResetWriter();

  const std::string path_;
  const int max_group_;
  int max_idle_readers_ = 0;                 // set once in Open()
  std::unique_ptr<Connection> writer_conn_;  // used only by writer_

  Mutex queue_mu_;
  std::deque<Job*> queue_ ABSL_GUARDED_BY(queue_mu_);
  // The writer's condition: a write was queued, or Close() was called.
  // Each Write() waits on its own job's condition (no wake-up of every
  // waiting caller at each change).
  CondVar work_queued_;
  bool closing_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::thread writer_;

  Mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_
      ABSL_GUARDED_BY(readers_mu_);
};

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_DATABASE_H_
