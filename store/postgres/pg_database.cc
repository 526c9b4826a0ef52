#include "store/postgres/pg_database.h"

#include <algorithm>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/postgres/pg_migrate.h"
#include "store/postgres/pg_schema.h"
#include "store/postgres/pg_status.h"

namespace ctg::store::postgres {

struct PgDatabase::Job {
  absl::FunctionRef<absl::Status(PgTransaction&)> work;
  absl::Status result;
  bool done = false;
  CondVar finished;  // notified, under queue_mu_, once `done` is set
};

PgDatabase::PgDatabase(const PgOptions& options)
    : options_(options), connector_(options.url, "database.url", options) {}

absl::StatusOr<std::unique_ptr<PgDatabase>> PgDatabase::Open(
    const PgOptions& options) {
  CTG_RETURN_IF_ERROR(CheckPgOptions(options));
  std::unique_ptr<PgDatabase> db(new PgDatabase(options));
  CTG_ASSIGN_OR_RETURN(db->writer_conn_, db->connector_.Connect());
  PgConnection& conn = *db->writer_conn_;
  db->role_ = conn.role();
  // Read-only checks first: a refused database is left untouched.
  CTG_RETURN_IF_ERROR(CheckPgDatabase(conn, options.caf));
  CTG_ASSIGN_OR_RETURN(int version, ReadPgSchemaVersion(conn));
  if (version < PgSchemaVersion()) {
    std::unique_ptr<PgConnection> owner;
    if (!options.migrate_url.empty()) {
      CTG_ASSIGN_OR_RETURN(
          owner, PgConnection::Open(options.migrate_url, "database.migrate_url",
                                    options));
    }
    CTG_RETURN_IF_ERROR(MigratePg(owner ? *owner : conn, db->role_));
  }
  CTG_RETURN_IF_ERROR(ClaimPgDatabase(conn, options.caf));
  db->writer_ = std::thread([raw = db.get()] { raw->WriterLoop(); });
  return db;
}

absl::StatusOr<std::unique_ptr<PgDatabase>> PgDatabase::OpenReadOnly(
    const PgOptions& options) {
  CTG_RETURN_IF_ERROR(CheckPgOptions(options));
  std::unique_ptr<PgDatabase> db(new PgDatabase(options));
  db->read_only_ = true;
  CTG_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                       db->connector_.Connect());
  db->role_ = conn->role();
  CTG_RETURN_IF_ERROR(CheckPgDatabase(*conn, options.caf));
  CTG_ASSIGN_OR_RETURN(int version, ReadPgSchemaVersion(*conn));
  if (version == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database.url ", RedactPgUrl(options.url),
        ": the database holds no gateway schema (no trail to check)"));
  }
  MutexLock lock(&db->readers_mu_);
  db->idle_readers_.push_back({std::move(conn), 0});
  return db;
}

PgDatabase::~PgDatabase() { Close(); }

void PgDatabase::ReportLost(const absl::Status& cause) {
  connector_.ReportLost(cause);
  losses_.fetch_add(1);
}

void PgDatabase::Close() {
  {
    MutexLock lock(&queue_mu_);
    closing_ = true;
    work_queued_.NotifyAll();
  }
  if (writer_.joinable()) writer_.join();
}

absl::Status PgDatabase::health() const { return connector_.health(); }

absl::Status PgDatabase::Write(
    absl::FunctionRef<absl::Status(PgTransaction&)> work) {
  if (read_only_) {
    return absl::FailedPreconditionError(
        "the database was opened read-only (for a check)");
  }
  Job job{work, absl::OkStatus(), false, {}};
  MutexLock lock(&queue_mu_);
  if (closing_) return absl::UnavailableError("database is closed");
  queue_.push_back(&job);
  work_queued_.NotifyOne();
  job.finished.Await(&queue_mu_, [&job] { return job.done; });
  return job.result;
}

void PgDatabase::AwaitStragglers(size_t expected) {
  if (options_.group_wait <= absl::ZeroDuration()) return;
  const size_t target =
      std::min(expected, static_cast<size_t>(options_.max_group));
  if (queue_.size() >= target) return;
  work_queued_.AwaitUntil(
      &queue_mu_,
      [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return closing_ || queue_.size() >= target;
      },
      absl::ToChronoTime(absl::Now() + options_.group_wait));
}

void PgDatabase::WriterLoop() {
  std::vector<Job*> group;
  size_t last_group = 0;
  while (true) {
    {
      MutexLock lock(&queue_mu_);
      work_queued_.Await(&queue_mu_, [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return closing_ || !queue_.empty();
      });
      if (queue_.empty()) return;
      AwaitStragglers(last_group);
      while (!queue_.empty() &&
             static_cast<int>(group.size()) < options_.max_group) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
      group_running_ = true;
    }
    last_group = group.size();
    RunGroup(group);
    groups_.fetch_add(1, std::memory_order_relaxed);
    grouped_writes_.fetch_add(group.size(), std::memory_order_relaxed);
    {
      MutexLock lock(&queue_mu_);
      for (Job* job : group) {
        job->done = true;
        job->finished.NotifyOne();
      }
      group_running_ = false;
      queue_mu_.NotifyAll();  // BackendPidsForTesting
    }
    group.clear();
  }
}

void PgDatabase::RunGroup(std::vector<Job*>& group) {
  auto fail_all = [&](const absl::Status& s) {
    for (Job* job : group) job->result = s;
  };
  if (writer_conn_ == nullptr || !writer_conn_->is_open() ||
      writer_generation_ != losses_.load()) {
    writer_conn_.reset();
    const uint64_t generation = losses_.load();
    absl::StatusOr<std::unique_ptr<PgConnection>> conn = connector_.Connect();
    if (!conn.ok()) return fail_all(conn.status());
    writer_conn_ = *std::move(conn);
    writer_generation_ = generation;
  }
  // The transaction is driven by hand (BEGIN ... COMMIT on a libpqxx
  // nontransaction) so that its first and last round trips carry work: the
  // BEGIN takes the sequencer's lock, the COMMIT the last audit rows.
  std::unique_ptr<pqxx::nontransaction> work;
  uint64_t next_seq = 0;
  // A session whose transaction could not be ended is not used again.
  auto roll_back = [&] {
    if (!PgCall("ROLLBACK", [&] { work->exec("ROLLBACK"); }).ok()) {
      work.reset();
      writer_conn_.reset();
    }
  };
  absl::Status begin = PgCall("BEGIN", [&] {
    work = std::make_unique<pqxx::nontransaction>(writer_conn_->raw());
    // First lock of every write group: the groups of all replicas commit
    // one after another, in audit sequence order. READ COMMITTED whatever
    // the server's default_transaction_isolation: each statement then sees
    // what the group before committed (under REPEATABLE READ or SERIALIZABLE
    // the snapshot would be taken before the lock is granted, and the lock
    // itself would fail "could not serialize access" whenever another
    // replica's group committed meanwhile).
    next_seq = work->exec(
                       "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT "
                       "ctg_lock_sequencer()")[0][0]
                   .as<uint64_t>();
  });
  if (!begin.ok()) {
    if (IsConnectionLost(begin)) {
      ReportLost(begin);
      work.reset();
      writer_conn_.reset();
    } else if (work != nullptr) {
      roll_back();
    }
    return fail_all(begin);
  }
  PgWriteGroup shared(*work, next_seq);
  std::vector<std::unique_ptr<PgTransaction>> txs;
  txs.reserve(group.size());
  absl::Status abandon;
  for (Job* job : group) {
    PgTransaction& tx =
        *txs.emplace_back(std::make_unique<PgTransaction>(shared));
    // On error its changes are undone and its audit numbers handed out
    // again; its in-memory effects are undone by its hooks.
    job->result = tx.Savepoint([&] { return job->work(tx); });
    if (!job->result.ok()) {
      for (auto it = tx.rollback_hooks_.rbegin();
           it != tx.rollback_hooks_.rend(); ++it)
        (*it)();
      tx.commit_hooks_.clear();
      tx.rollback_hooks_.clear();
    }
    if (!shared.lost().ok()) abandon = shared.lost();
    if (!shared.abandoned().ok() && abandon.ok()) abandon = shared.abandoned();
    if (!abandon.ok()) {
      for (size_t i = txs.size(); i < group.size(); ++i)
        group[i]->result = abandon;
      break;
    }
  }
  // The audit rows still held go with the COMMIT.
  if (abandon.ok()) abandon = shared.Commit();
  if (!abandon.ok()) {
    if (!IsConnectionLost(abandon)) roll_back();
    work.reset();
    if (IsConnectionLost(abandon)) {
      ReportLost(abandon);
      writer_conn_.reset();
    }
    for (size_t i = txs.size(); i-- > 0;) {
      if (group[i]->result.ok()) group[i]->result = abandon;
      auto& hooks = txs[i]->rollback_hooks_;
      for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) (*it)();
    }
    return;
  }
  work.reset();
  for (auto& tx : txs) {
    for (auto& hook : tx->commit_hooks_) hook();
  }
}

absl::StatusOr<PgDatabase::IdleReader> PgDatabase::TakeReader() {
  {
    MutexLock lock(&readers_mu_);
    while (!idle_readers_.empty()) {
      IdleReader reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      // Older than the last loss: dropped (closing it needs no round trip).
      if (reader.generation == losses_.load() && reader.conn->is_open())
        return reader;
    }
  }
  IdleReader fresh;
  fresh.generation = losses_.load();
  CTG_ASSIGN_OR_RETURN(fresh.conn, connector_.Connect());
  return fresh;
}

absl::Status PgDatabase::Read(
    absl::FunctionRef<absl::Status(PgReadSession&)> work) {
  CTG_ASSIGN_OR_RETURN(IdleReader reader, TakeReader());
  std::unique_ptr<PgConnection>& conn = reader.conn;
  absl::Status status;
  absl::Status lost;
  std::unique_ptr<pqxx::transaction<pqxx::isolation_level::repeatable_read,
                                    pqxx::readwrite_policy::read_only>>
      tx;
  status = PgCall("BEGIN READ ONLY", [&] {
    tx = std::make_unique<
        pqxx::transaction<pqxx::isolation_level::repeatable_read,
                          pqxx::readwrite_policy::read_only>>(conn->raw());
  });
  if (status.ok()) {
    PgReadSession session(*tx);
    status = work(session);
    lost = session.lost();
    absl::Status end = PgCall("COMMIT", [&] { tx->commit(); });
    if (status.ok()) status = end;
    if (lost.ok() && IsConnectionLost(end)) lost = end;
  } else if (IsConnectionLost(status)) {
    lost = status;
  }
  tx.reset();
  if (!lost.ok()) {
    ReportLost(lost);
    return status;
  }
  MutexLock lock(&readers_mu_);
  if (static_cast<int>(idle_readers_.size()) < options_.pool_size) {
    idle_readers_.push_back(std::move(reader));
  }
  return status;
}

std::vector<int> PgDatabase::BackendPidsForTesting() {
  std::vector<int> pids;
  {
    MutexLock lock(&queue_mu_);
    queue_mu_.Await(
        [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !group_running_; });
    if (writer_conn_ != nullptr) pids.push_back(writer_conn_->backend_pid());
  }
  MutexLock lock(&readers_mu_);
  for (auto& r : idle_readers_) pids.push_back(r.conn->backend_pid());
  return pids;
}

}  // namespace ctg::store::postgres
