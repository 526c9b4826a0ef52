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
};

// The transaction of a write function (PgDatabase::Write).
class PgTransaction final : public PgSession {
 public:
  PgTransaction(pqxx::transaction_base& base, uint64_t* next_seq)
      : base_(base), next_seq_(next_seq) {}
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
  // rolled back and the error returned. If they cannot be rolled back, the
  // whole group is abandoned.
  absl::Status Savepoint(absl::FunctionRef<absl::Status()> work);

  // The sequence number the next audit event of this transaction must take
  // (the group holds the sequencer, so no other replica takes it), read
  // from the database.
  absl::StatusOr<uint64_t> NextAuditSeq();

  // Same without a round trip: hands out the next number from the value
  // the group read when it locked the sequencer. Numbers handed out to a
  // function whose changes are rolled back are handed out again.
  uint64_t TakeAuditSeq() { return (*next_seq_)++; }

 private:
  friend class PgDatabase;
  pqxx::transaction_base& current() override { return base_; }
  void OnError(const absl::Status& s) override;

  pqxx::transaction_base& base_;
  uint64_t* const next_seq_;  // the group's
  int depth_ = 0;             // savepoints open
  std::vector<std::function<void()>> commit_hooks_;
  std::vector<std::function<void()>> rollback_hooks_;
  absl::Status abandoned_;  // set when a savepoint could not be undone
  absl::Status lost_;       // the connection was lost meanwhile
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
