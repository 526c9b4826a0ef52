#include "store/postgres/pg_session.h"

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

absl::Status PgWriteGroup::SendRows(uint64_t up_to) {
  if (up_to <= sent_) return absl::OkStatus();
  const size_t count = up_to - sent_;
  absl::Status sent =
      InsertPgAuditRows(base_, absl::MakeConstSpan(held_.data(), count));
  if (!sent.ok()) {
    // Inside a savepoint, the function that holds it fails alone (its
    // savepoint undoes what was sent); outside, the group cannot go on.
    NoteError(sent);
    return open_ > 0 ? sent : Abandon(sent);
  }
  held_.erase(held_.begin(), held_.begin() + static_cast<ptrdiff_t>(count));
  sent_ = up_to;
  return absl::OkStatus();
}

absl::Status PgWriteGroup::SendDeferred() {
  if (!abandoned_.ok()) return abandoned_;
  // Consecutive savepoints go in one round trip; the rows appended before
  // a savepoint was asked for are sent before it.
  std::string sql;
  int batched = 0;
  auto open_batch = [&]() -> absl::Status {
    if (batched == 0) return absl::OkStatus();
    absl::Status opened = PgCall("SAVEPOINT", [&] { base_.exec(sql); });
    if (!opened.ok()) return Abandon(opened);
    open_ += batched;
    batched = 0;
    sql.clear();
    return absl::OkStatus();
  };
  for (const PendingSavepoint& p : pending_) {
    if (p.rows_before > sent_) {
      CTG_RETURN_IF_ERROR(open_batch());
      CTG_RETURN_IF_ERROR(SendRows(p.rows_before));
    }
    absl::StrAppend(&sql, "SAVEPOINT ", p.name, ";");
    ++batched;
  }
  CTG_RETURN_IF_ERROR(open_batch());
  pending_.clear();
  return SendRows(appended());
}

absl::Status PgWriteGroup::Flush() {
  CTG_RETURN_IF_ERROR(SendDeferred());
  return abandoned_;
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
  if (opened) {
    --open_;
  } else {
    pending_.pop_back();
  }
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
