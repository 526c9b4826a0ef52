#include "store/sqlite/audit_table.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"

namespace ctg::store::sqlite {
namespace {

constexpr char kColumns[] =
    "e.seq, e.time_us, e.caller, e.organisation, e.method, e.target_kind, "
    "e.target_id, e.request_id, e.extract_sha256, e.code, e.canonical, "
    "e.leaf_hash, COALESCE(c.note, '')";

AuditRow ReadRow(const Statement& stmt) {
  AuditRow row;
  row.seq = static_cast<uint64_t>(stmt.ColumnInt(0));
  row.time_us = stmt.ColumnInt(1);
  row.caller = stmt.ColumnText(2);
  row.organisation = stmt.ColumnText(3);
  row.method = stmt.ColumnText(4);
  row.target_kind = stmt.ColumnText(5);
  row.target_id = stmt.ColumnText(6);
  row.request_id = stmt.ColumnText(7);
  row.extract_sha256 = stmt.ColumnText(8);
  row.code = static_cast<int32_t>(stmt.ColumnInt(9));
  row.canonical = stmt.ColumnBlob(10);
  row.leaf_hash = stmt.ColumnBlob(11);
  row.checkpoint = stmt.ColumnText(12);
  return row;
}

}  // namespace

absl::Status InsertAuditRow(Connection& conn, const AuditRow& row) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("INSERT INTO audit_events (seq, time_us, caller, "
                   "organisation, method, target_kind, target_id, request_id, "
                   "extract_sha256, code, canonical, leaf_hash) VALUES "
                   "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  stmt.Bind(1, static_cast<int64_t>(row.seq))
      .Bind(2, row.time_us)
      .Bind(3, row.caller)
      .Bind(4, row.organisation)
      .Bind(5, row.method)
      .Bind(6, row.target_kind)
      .Bind(7, row.target_id)
      .Bind(8, row.request_id)
      .Bind(9, row.extract_sha256)
      .Bind(10, static_cast<int64_t>(row.code))
      .BindBlob(11, row.canonical)
      .BindBlob(12, row.leaf_hash);
  return stmt.Run();
}

absl::Status ScanAuditRows(
    Connection& conn, const AuditFilter& filter,
    absl::FunctionRef<absl::Status(const AuditRow&)> visit) {
  // The WHERE clause is built from fixed fragments only; every value is a
  // bound parameter.
  std::vector<std::string> where = {"e.seq >= ?1"};
  if (filter.start_time_us) where.push_back("e.time_us >= ?2");
  if (filter.end_time_us) where.push_back("e.time_us < ?3");
  if (!filter.caller.empty())
    where.push_back("e.caller = ?4 AND e.organisation != ''");
  if (!filter.claimed_caller.empty())
    where.push_back("e.caller = ?9 AND e.organisation = ''");
  if (!filter.organisation.empty()) where.push_back("e.organisation = ?5");
  if (!filter.method.empty()) where.push_back("e.method = ?6");
  if (!filter.request_id.empty()) where.push_back("e.request_id = ?7");
  if (filter.outcome == AuditFilter::Outcome::kAllowed)
    where.push_back("e.code = 0");
  if (filter.outcome == AuditFilter::Outcome::kDenied)
    where.push_back("e.code != 0");
  if (filter.to_seq) where.push_back("e.seq <= ?10");
  std::string sql =
      absl::StrCat("SELECT ", kColumns,
                   " FROM audit_events e LEFT JOIN audit_checkpoints c ON "
                   "c.tree_size = e.seq"
                   " WHERE ",
                   absl::StrJoin(where, " AND "), " ORDER BY e.seq",
                   filter.limit > 0 ? " LIMIT ?8" : "");
  CTG_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql));
  stmt.Bind(1, static_cast<int64_t>(filter.from_seq));
  if (filter.start_time_us) stmt.Bind(2, *filter.start_time_us);
  if (filter.end_time_us) stmt.Bind(3, *filter.end_time_us);
  if (!filter.caller.empty()) stmt.Bind(4, filter.caller);
  if (!filter.organisation.empty()) stmt.Bind(5, filter.organisation);
  if (!filter.method.empty()) stmt.Bind(6, filter.method);
  if (!filter.request_id.empty()) stmt.Bind(7, filter.request_id);
  if (filter.limit > 0) stmt.Bind(8, static_cast<int64_t>(filter.limit));
  if (!filter.claimed_caller.empty()) stmt.Bind(9, filter.claimed_caller);
  if (filter.to_seq) stmt.Bind(10, static_cast<int64_t>(*filter.to_seq));
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return absl::OkStatus();
    CTG_RETURN_IF_ERROR(visit(ReadRow(stmt)));
  }
}

absl::Status ScanTrail(Connection& conn,
                       absl::FunctionRef<absl::Status(const AuditRow&)> visit) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT seq, time_us, caller, organisation, method, target_kind, "
          "target_id, "
          "code, canonical, leaf_hash FROM audit_events ORDER BY seq"));
  AuditRow row;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return absl::OkStatus();
    row.seq = static_cast<uint64_t>(stmt.ColumnInt(0));
    row.time_us = stmt.ColumnInt(1);
    row.caller = stmt.ColumnText(2);
    row.organisation = stmt.ColumnText(3);
    row.method = stmt.ColumnText(4);
    row.target_kind = stmt.ColumnText(5);
    row.target_id = stmt.ColumnText(6);
    row.code = static_cast<int32_t>(stmt.ColumnInt(7));
    row.canonical = stmt.ColumnBlob(8);
    row.leaf_hash = stmt.ColumnBlob(9);
    CTG_RETURN_IF_ERROR(visit(row));
  }
}

absl::Status ScanAllLeaves(
    Connection& conn,
    absl::FunctionRef<absl::Status(uint64_t, const std::string&,
                                   const std::string&)>
        visit) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT seq, canonical, leaf_hash FROM audit_events ORDER BY seq"));
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return absl::OkStatus();
    CTG_RETURN_IF_ERROR(visit(static_cast<uint64_t>(stmt.ColumnInt(0)),
                              stmt.ColumnBlob(1), stmt.ColumnBlob(2)));
  }
}

absl::StatusOr<std::vector<std::string>> ReadLeafHashes(Connection& conn,
                                                        uint64_t first_seq,
                                                        uint64_t count) {
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("SELECT leaf_hash FROM audit_events WHERE "
                                    "seq >= ?1 AND seq < ?2 ORDER BY seq"));
  stmt.Bind(1, static_cast<int64_t>(first_seq));
  stmt.Bind(2, static_cast<int64_t>(first_seq + count));
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(count));
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(stmt.ColumnBlob(0));
  }
}

absl::StatusOr<uint64_t> FindReleaseSeq(Connection& conn,
                                        const std::string& extract_sha256) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT seq FROM audit_events WHERE extract_sha256 = ?1 "
                   "AND code = 0 ORDER BY seq LIMIT 1"));
  stmt.Bind(1, extract_sha256);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return absl::NotFoundError(
        absl::StrCat("no release of an extract with SHA-256 ", extract_sha256));
  }
  return static_cast<uint64_t>(stmt.ColumnInt(0));
}

absl::StatusOr<AuditRow> GetAuditRow(Connection& conn, uint64_t seq) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat("SELECT ", kColumns,
                                " FROM audit_events e LEFT JOIN "
                                "audit_checkpoints c ON c.tree_size = e.seq"
                                " WHERE e.seq = ?1")));
  stmt.Bind(1, static_cast<int64_t>(seq));
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("no audit event ", seq));
  return ReadRow(stmt);
}

absl::Status InsertCheckpoint(Connection& conn, uint64_t tree_size,
                              int64_t time_us, const std::string& note) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "INSERT OR IGNORE INTO audit_checkpoints (tree_size, time_us, "
          "note) VALUES (?1, ?2, ?3)"));
  stmt.Bind(1, static_cast<int64_t>(tree_size)).Bind(2, time_us).Bind(3, note);
  return stmt.Run();
}

absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint(
    Connection& conn) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT tree_size, note FROM audit_checkpoints "
                   "ORDER BY tree_size DESC LIMIT 1"));
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<StoredCheckpoint>();
  return std::optional<StoredCheckpoint>(StoredCheckpoint{
      static_cast<uint64_t>(stmt.ColumnInt(0)), stmt.ColumnText(1)});
}

absl::StatusOr<std::optional<StoredCheckpoint>> CheckpointOfSize(
    Connection& conn, uint64_t tree_size) {
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("SELECT tree_size, note FROM "
                                    "audit_checkpoints WHERE tree_size = ?1"));
  stmt.Bind(1, static_cast<int64_t>(tree_size));
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<StoredCheckpoint>();
  return std::optional<StoredCheckpoint>(StoredCheckpoint{
      static_cast<uint64_t>(stmt.ColumnInt(0)), stmt.ColumnText(1)});
}

absl::StatusOr<std::vector<StoredCheckpoint>> AllCheckpoints(Connection& conn) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size"));
  std::vector<StoredCheckpoint> out;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(
        {static_cast<uint64_t>(stmt.ColumnInt(0)), stmt.ColumnText(1)});
  }
}

}  // namespace ctg::store::sqlite
