#include "store/postgres/pg_session.h"

#include <pqxx/except>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/utf8.h"
#include "store/postgres/pg_audit.h"

namespace ctg::store::postgres {

std::string BytesOf(const pqxx::field& field) {
  if (field.is_null()) return std::string();
  return pqxx::binarystring(field).str();
}

namespace {

// What PostgreSQL refuses in a text column: NUL, and bytes that are not
// UTF-8 (the gateway's databases are UTF8).
absl::Status CheckText(const char* column, const std::string& text) {
  if (text.find('\0') != std::string::npos || !utf8::IsValid(text)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit event: its ", column, " holds a NUL byte or is not UTF-8"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PgWriteGroup::Abandon(absl::Status why) {
  NoteError(why);
  if (abandoned_.ok()) abandoned_ = why;
  return why;
}

// The checks of the schema (audit_events: density trigger, leaf hash
// length, text columns), made here so that a row that would fail does so
// alone, before it is held with others.
absl::Status PgWriteGroup::AppendAuditRow(const AuditRow& row) {
  if (!abandoned_.ok()) return abandoned_;
  const uint64_t expected = first_seq_ + appended();
  if (row.seq != expected) {
    return absl::AbortedError(
        absl::StrCat("audit events are numbered without gaps: ", row.seq,
                     " is not the next sequence ", expected));
  }
  if (row.leaf_hash.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit event ", row.seq, ": its leaf hash is ",
                     row.leaf_hash.size(), " bytes, not 32"));
  }
  CTG_RETURN_IF_ERROR(CheckText("caller", row.caller));
  CTG_RETURN_IF_ERROR(CheckText("organisation", row.organisation));
  CTG_RETURN_IF_ERROR(CheckText("method", row.method));
  CTG_RETURN_IF_ERROR(CheckText("target kind", row.target_kind));
  CTG_RETURN_IF_ERROR(CheckText("target id", row.target_id));
  CTG_RETURN_IF_ERROR(CheckText("request id", row.request_id));
  CTG_RETURN_IF_ERROR(CheckText("extract digest", row.extract_sha256));
  held_.push_back(row);
  return absl::OkStatus();
}

// One simple query, so one round trip: the rows appended before each
// pending savepoint was asked for, the savepoint, ..., then the rest.
std::string PgWriteGroup::DeferredSql() const {
  std::string sql;
  uint64_t next = sent_;
  auto rows_up_to = [&](uint64_t end) {
    if (end <= next) return;
    absl::StrAppend(
        &sql, PgAuditRowsInsertSql(base_, absl::MakeConstSpan(held_).subspan(
                                              next - sent_, end - next)));
    next = end;
  };
  for (const PendingSavepoint& p : pending_) {
    rows_up_to(p.rows_before);
    absl::StrAppend(&sql, "SAVEPOINT ", p.name, ";");
  }
  rows_up_to(appended());
  return sql;
}

absl::Status PgWriteGroup::Send(const std::string& what,
                                const std::string& sql) {
  absl::Status sent = PgCall(what, [&] { base_.exec(sql); });
  if (!sent.ok()) return Abandon(sent);
  pending_.clear();
  sent_ = appended();
  held_.clear();
  return absl::OkStatus();
}

absl::Status PgWriteGroup::SendDeferred() {
  if (!abandoned_.ok()) return abandoned_;
  if (pending_.empty() && held_.empty()) return absl::OkStatus();
  return Send("SAVEPOINT", DeferredSql());
}

absl::Status PgWriteGroup::Commit() {
  if (!abandoned_.ok()) return abandoned_;
  absl::Status committed =
      PgCall("COMMIT", [&] { base_.exec(DeferredSql() + "COMMIT"); });
  // A connection lost during this round trip leaves the outcome unknown,
  // whether libpq saw the socket close or the server's FATAL error first
  // (a fast shutdown ends sessions with 57P01, possibly once the COMMIT
  // is done).
  if (IsConnectionLost(committed)) committed = CommitOutcomeUnknown(committed);
  if (!committed.ok()) return Abandon(committed);
  pending_.clear();
  sent_ = appended();
  held_.clear();
  return absl::OkStatus();
}

// A savepoint is plain SQL on the group's transaction (libpqxx's
// subtransaction begins lazily and would not roll back statements run with
// exec_params), sent with the first statement that needs it. One that
// succeeded is not released: releasing would cost a round trip per call
// and free nothing the server keeps until the commit anyway (the
// subtransaction's id).
absl::Status PgWriteGroup::Savepoint(absl::FunctionRef<absl::Status()> work) {
  if (!abandoned_.ok()) return abandoned_;
  const std::string name = absl::StrCat("sp", ++savepoints_);
  const uint64_t rows_before = appended();
  const uint64_t seq_before = next_seq_;
  pending_.push_back({name, rows_before});
  absl::Status result = work();
  // Still pending: nothing of `work` reached the server. (Nested
  // savepoints leave the list as they found it; opening one opens all.)
  const bool opened = pending_.empty() || pending_.back().name != name;
  if (!opened) pending_.pop_back();
  if (result.ok()) return result;
  next_seq_ = seq_before;
  if (sent_ >= rows_before) {
    // Rows sent after the savepoint opened are undone with it.
    sent_ = rows_before;
    held_.clear();
  } else {
    held_.resize(rows_before - sent_);
  }
  if (!opened || !abandoned_.ok()) return result;
  absl::Status undone = PgCall("ROLLBACK TO SAVEPOINT", [&] {
    base_.exec("ROLLBACK TO SAVEPOINT " + name);
  });
  if (!undone.ok()) Abandon(undone).IgnoreError();
  return result;
}

absl::StatusOr<uint64_t> PgTransaction::NextAuditSeq() {
  absl::StatusOr<pqxx::result> r = Exec("SELECT next_seq FROM audit_sequencer");
  if (!r.ok()) return r.status();
  if (r->empty()) return absl::DataLossError("audit_sequencer has no row");
  return (*r)[0][0].as<uint64_t>();
}

}  // namespace ctg::store::postgres
