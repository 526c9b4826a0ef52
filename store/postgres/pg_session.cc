#include "store/postgres/pg_session.h"

#include "absl/strings/str_cat.h"

namespace ctg::store::postgres {

std::string BytesOf(const pqxx::field& field) {
  if (field.is_null()) return std::string();
  return pqxx::binarystring(field).str();
}

void PgTransaction::OnError(const absl::Status& s) {
  if (IsConnectionLost(s)) lost_ = s;
}

// Savepoints are plain SQL on the group's transaction (libpqxx's
// subtransaction begins lazily and would not roll back statements run with
// exec_params). A savepoint that succeeded is not released: releasing
// would cost a round trip per call and free nothing the server keeps until
// the commit anyway (the subtransaction's id); a later savepoint of the
// same name hides it, and ROLLBACK TO names the latest.
absl::Status PgTransaction::Savepoint(absl::FunctionRef<absl::Status()> work) {
  if (!abandoned_.ok()) return abandoned_;
  const std::string name = absl::StrCat("sp", ++depth_);
  absl::Status opened =
      PgCall("SAVEPOINT", [&] { base_.exec("SAVEPOINT " + name); });
  if (!opened.ok()) {
    --depth_;
    OnError(opened);
    abandoned_ = opened;
    return opened;
  }
  absl::Status result = work();
  --depth_;
  if (result.ok()) return result;
  absl::Status undone = PgCall("ROLLBACK TO SAVEPOINT", [&] {
    base_.exec("ROLLBACK TO SAVEPOINT " + name);
  });
  if (!undone.ok()) {
    OnError(undone);
    abandoned_ = undone;
  }
  return result;
}

absl::StatusOr<uint64_t> PgTransaction::NextAuditSeq() {
  absl::StatusOr<pqxx::result> r = Exec("SELECT next_seq FROM audit_sequencer");
  if (!r.ok()) return r.status();
  if (r->empty()) return absl::DataLossError("audit_sequencer has no row");
  return (*r)[0][0].as<uint64_t>();
}

}  // namespace ctg::store::postgres
