// The gateway's PostgreSQL database, shared by any number of gateway
// replicas: the PostgreSQL counterpart of store::Database.
//
// Open() checks before it writes anything: the URLs, the credentials, the
// schema version (a newer one is refused), and the Caf whose trail the
// database holds (another Caf's is refused). Then it applies missing
// migrations (as migrate_url's role, under an advisory lock, so replicas
// starting together migrate once) and grants the gateway's role its rights.
//
// Writes: one writer thread per replica runs the functions queued meanwhile
// in one transaction, each in its own savepoint, and commits them together
// (group commit; under load it waits briefly for the callers of the last
// group to queue their next write: PgOptions::group_wait). The transaction
// first locks the audit sequencer row, so the write groups of all replicas
// commit one after another and audit sequence numbers are dense and in commit
// order across replicas. Write() returns once the commit is durable
// (synchronous_commit as configured on the server).
//
// Reads run on a small pool of sessions, each Read() in one REPEATABLE READ,
// READ ONLY transaction: one snapshot for all its statements.
//
// Failures: a lost session is dropped and opened again on next use, with
// back-off (PgConnector); while the server is unreachable Write() and Read()
// fail at once with kUnavailable and health() reports it. Once a session is
// found lost, every session opened before is renewed before its next use
// (after a server restart they are all dead: one failed call, not one per
// pooled session). Nothing is retried behind the caller's back: a call fails
// closed.
//
// Thread-safe: Write() and Read() may be called from any number of threads.
#ifndef CTG_STORE_POSTGRES_PG_DATABASE_H_
#define CTG_STORE_POSTGRES_PG_DATABASE_H_

#include <atomic>
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
#include "base/mutex.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_options.h"
#include "store/postgres/pg_session.h"

namespace ctg::store::postgres {

class PgDatabase {
 public:
  // Errors, each one line naming the cause, nothing written:
  // kInvalidArgument for a bad option (naming the key); kPermissionDenied
  // for bad credentials or a role lacking rights; kNotFound when the
  // database does not exist; kUnavailable when the server cannot be
  // reached; kFailedPrecondition for a database of a newer schema, one that
  // holds another Caf's trail, or a failed migration.
  static absl::StatusOr<std::unique_ptr<PgDatabase>> Open(
      const PgOptions& options);
  // Opens the database to read it only, as it is (`ctg-gateway --check`):
  // no migration, no claim, no writer (Write() fails with
  // kFailedPrecondition). Errors: those of Open(), and kFailedPrecondition
  // for a database without the gateway's schema.
  static absl::StatusOr<std::unique_ptr<PgDatabase>> OpenReadOnly(
      const PgOptions& options);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  // Runs `work` in the group's transaction (see the class comment) and
  // returns its status once the outcome is durable. Errors: whatever `work`
  // returns (its changes rolled back); the commit's (kUnavailable when the
  // connection was lost, saying whether the outcome is unknown;
  // kDeadlineExceeded when the sequencer or a row stayed locked past the
  // statement timeout); kUnavailable after Close().
  absl::Status Write(absl::FunctionRef<absl::Status(PgTransaction&)> work);

  // Runs `work` in one read-only snapshot. Errors: whatever `work` returns,
  // or kUnavailable when no session can be had.
  absl::Status Read(absl::FunctionRef<absl::Status(PgReadSession&)> work);

  // OK while the server answers; else the last connection error.
  absl::Status health() const;

  // Write groups committed or failed so far, and the Write() calls they
  // carried: their ratio is the mean group size (for benchmarks and
  // metrics).
  struct GroupStats {
    uint64_t groups = 0;
    uint64_t writes = 0;
  };
  GroupStats group_stats() const {
    return {groups_.load(std::memory_order_relaxed),
            grouped_writes_.load(std::memory_order_relaxed)};
  }

  // The role the gateway's sessions run as.
  const std::string& role() const { return role_; }

  // Stops the writer after the queued writes; later writes fail.
  void Close();

  // Tests only: the server process ids of the sessions open now.
  std::vector<int> BackendPidsForTesting()
      ABSL_LOCKS_EXCLUDED(readers_mu_, queue_mu_);

 private:
  struct Job;
  // A read session in the pool, with the loss count when it was opened.
  struct IdleReader {
    std::unique_ptr<PgConnection> conn;
    uint64_t generation = 0;
  };
  explicit PgDatabase(const PgOptions& options);
  void WriterLoop();
  // Under load, the callers of the group just committed come back at once
  // with their next write: waits up to options_.group_wait for the queue to
  // hold as many writes as that group had (`expected`), so the next commit
  // carries them all instead of the first few. With one caller at a time
  // (`expected` is 1) it never waits.
  void AwaitStragglers(size_t expected)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);
  void RunGroup(std::vector<Job*>& group);
  // A session was found lost: reported to the connector (health()), and
  // every session opened before it is renewed before its next use.
  void ReportLost(const absl::Status& cause);
  // A pooled read session opened since the last loss, or a new one.
  absl::StatusOr<IdleReader> TakeReader() ABSL_LOCKS_EXCLUDED(readers_mu_);

  const PgOptions options_;
  PgConnector connector_;
  std::string role_;

  Mutex queue_mu_;
  std::deque<Job*> queue_ ABSL_GUARDED_BY(queue_mu_);
  // The writer's condition: a write was queued, or Close() was called.
  // Each Write() waits on its own job's condition, so that neither a new
  // write nor a finished group wakes every waiting caller.
  CondVar work_queued_;
  bool closing_ ABSL_GUARDED_BY(queue_mu_) = false;
  // Used only by writer_ (and read by BackendPidsForTesting under queue_mu_
  // while no group runs).
  std::unique_ptr<PgConnection> writer_conn_;
  uint64_t writer_generation_ = 0;  // losses_ when writer_conn_ was opened
  bool group_running_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::thread writer_;

  Mutex readers_mu_;
  std::vector<IdleReader> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
  // Sessions found lost so far: a session opened when it was lower is
  // renewed before use.
  std::atomic<uint64_t> losses_{0};
  bool read_only_ = false;
  std::atomic<uint64_t> groups_{0};
  std::atomic<uint64_t> grouped_writes_{0};
};

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_DATABASE_H_
