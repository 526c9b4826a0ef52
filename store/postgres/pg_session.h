// What a unit of work sees of PostgreSQL: statements with parameters inside
// the transaction PgDatabase opened for it. A PgSession is only valid
// during the Write() or Read() call that handed it out, on that thread.
//
// Statements take parameters $1, $2... bound from C++ values (std::string
// is text; Bytes is bytea; integers; std::optional for NULL). Errors are
// those of store/postgres/pg_status.h.
#ifndef CTG_STORE_POSTGRES_PG_SESSION_H_
#define CTG_STORE_POSTGRES_PG_SESSION_H_

#include <functional>
#include <memory>
#include <optional>
#include <pqxx/binarystring>
#include <pqxx/result>
#include <pqxx/transaction_base>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/audit_trail_store.h"
#include "store/postgres/pg_status.h"

namespace ctg::store::postgres {

// A bytea parameter.
inline pqxx::binarystring Bytes(const std::string& bytes) {
  return pqxx::binarystring(bytes);
}
// A bytea column's bytes.
std::string BytesOf(const pqxx::field& field);

class PgSession {
 public:
  virtual ~PgSession() = default;

  // Runs `sql` with `args` as $1, $2... Errors: see pg_status.h.
  template <typename... Args>
  absl::StatusOr<pqxx::result> Exec(const std::string& sql,
                                    const Args&... args) {
    if (absl::Status ready = BeforeStatement(); !ready.ok()) return ready;
    pqxx::result out;
    absl::Status s = PgCall(sql.substr(0, sql.find_first_of("(\n")),
                            [&] { out = current().exec_params(sql, args...); });
    if (!s.ok()) {
      OnError(s);
      return s;
    }
    return out;
  }

 protected:
  virtual pqxx::transaction_base& current() = 0;
  virtual void OnError(const absl::Status&) {}
  // Runs before each statement: a write transaction first sends what it
  // deferred (PgWriteGroup).
  virtual absl::Status BeforeStatement() { return absl::OkStatus(); }
};

// What the functions of one write group (PgDatabase::Write) share: the
// transaction, the audit sequence numbers, and what is deferred so that a
// function costs no round trip of its own unless it runs a statement:
//
//  - savepoints: each function (and each nested Savepoint) is isolated by
//    one, but it is opened only before the function's first statement (a
//    function that runs none has nothing to undo);
//  - audit events: appended rows are validated at once (the checks the
//    schema would make on that row: sequence, leaf hash, text), kept, and
//    sent together in one multi-row INSERT before the next statement or
//    with the COMMIT, whichever comes first. Every statement therefore
//    sees the events appended before it.
//
// What is deferred goes in one round trip (a simple query: the rows'
// INSERT, the savepoints, ...), and the group's last rows go with its
// COMMIT, so a group costs its BEGIN (with the sequencer's lock), one round
// trip per function that runs statements, and its COMMIT.
//
// Failure isolation stays per function: a row is sent after the
// savepoints asked for before it was appended, so a failing function's
// rows are undone (or never sent) with its other changes. A row that the
// table would refuse is refused when appended; sending the rows can then
// fail only for reasons common to the group (connection lost, timeout,
// disk full), and abandons the whole group, as a failed commit does.
class PgWriteGroup {
 public:
  // `next_seq`: the sequencer's value, read when the group locked it.
  PgWriteGroup(pqxx::transaction_base& base, uint64_t next_seq)
      : base_(base), next_seq_(next_seq), first_seq_(next_seq) {}
  PgWriteGroup(const PgWriteGroup&) = delete;
  PgWriteGroup& operator=(const PgWriteGroup&) = delete;

  // Sends what is still deferred and commits, in one round trip. Errors
  // abandon the group; kUnavailable (outcome unknown) when the connection
  // was lost meanwhile.
  absl::Status Commit();

  // Set when the group cannot go on (what was deferred could not be sent,
  // a savepoint could not be undone); `lost()` when the connection was
  // lost meanwhile.
  const absl::Status& abandoned() const { return abandoned_; }
  const absl::Status& lost() const { return lost_; }
  void NoteError(const absl::Status& s) {
    if (IsConnectionLost(s)) lost_ = s;
  }

  uint64_t next_seq() const { return next_seq_; }
  void set_next_seq(uint64_t seq) { next_seq_ = seq; }

 private:
  friend class PgTransaction;
  struct PendingSavepoint {
    std::string name;
    uint64_t rows_before;  // audit rows appended before it was asked for
  };

  uint64_t appended() const { return sent_ + held_.size(); }
  absl::Status Abandon(absl::Status why);
  // Checks `row` and holds it until the next statement or the commit.
  absl::Status AppendAuditRow(const AuditRow& row);
  // Opens the pending savepoints and sends the rows held, each row after
  // the savepoints asked for before it was appended: one round trip.
  absl::Status SendDeferred();
  std::string DeferredSql() const;
  absl::Status Send(const std::string& what, const std::string& sql);
  absl::Status Savepoint(absl::FunctionRef<absl::Status()> work);

  pqxx::transaction_base& base_;
  uint64_t next_seq_;           // TakeAuditSeq's
  const uint64_t first_seq_;    // the first row's sequence number
  uint64_t sent_ = 0;           // rows of the group sent
  std::vector<AuditRow> held_;  // rows appended after those
  std::vector<PendingSavepoint> pending_;
  int savepoints_ = 0;  // asked for so far (their names: sp1, sp2...)
  absl::Status abandoned_;
  absl::Status lost_;
};

// The transaction of one write function (PgDatabase::Write), within its
// group.
class PgTransaction final : public PgSession {
 public:
  explicit PgTransaction(PgWriteGroup& group) : group_(group) {}
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  // `hook` runs on the writer thread after the group's commit is durable.
  void OnCommit(std::function<void()> hook) {
    commit_hooks_.push_back(std::move(hook));
  }
  // `hook` runs if this function's changes are rolled back, in reverse order.
  void OnRollback(std::function<void()> hook) {
    rollback_hooks_.push_back(std::move(hook));
  }

  // Runs `work` in a nested savepoint: on error its changes (only) are
  // rolled back, the audit numbers it took are handed out again, and the
  // error returned. If they cannot be rolled back, the whole group is
  // abandoned.
  absl::Status Savepoint(absl::FunctionRef<absl::Status()> work) {
    return group_.Savepoint(work);
  }

  // Appends one audit event (see PgWriteGroup). Errors: kAborted when
  // row.seq is not the trail's next sequence number; kInvalidArgument for
  // a leaf hash that is not 32 bytes or text PostgreSQL cannot store.
  absl::Status AppendAuditRow(const AuditRow& row) {
    return group_.AppendAuditRow(row);
  }

  // The sequence number the next audit event of this transaction must take
  // (the group holds the sequencer, so no other replica takes it), read
  // from the database.
  absl::StatusOr<uint64_t> NextAuditSeq();

  // Same without a round trip: hands out the next number from the value
  // the group read when it locked the sequencer. Numbers handed out to a
  // function whose changes are rolled back are handed out again.
  uint64_t TakeAuditSeq() { return group_.next_seq_++; }

 private:
  friend class PgDatabase;
  pqxx::transaction_base& current() override { return group_.base_; }
  void OnError(const absl::Status& s) override { group_.NoteError(s); }
  absl::Status BeforeStatement() override { return group_.SendDeferred(); }

  PgWriteGroup& group_;
  std::vector<std::function<void()>> commit_hooks_;
  std::vector<std::function<void()>> rollback_hooks_;
};

// The read transaction of PgDatabase::Read: one snapshot (REPEATABLE READ,
// READ ONLY) for all its statements.
class PgReadSession final : public PgSession {
 public:
  explicit PgReadSession(pqxx::transaction_base& base) : base_(base) {}
  const absl::Status& lost() const { return lost_; }

 private:
  pqxx::transaction_base& current() override { return base_; }
  void OnError(const absl::Status& s) override {
    if (IsConnectionLost(s)) lost_ = s;
  }
  pqxx::transaction_base& base_;
  absl::Status lost_;
};

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_SESSION_H_
