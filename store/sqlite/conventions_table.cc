#include "store/sqlite/conventions_table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/echo.h"
#include "base/status_macros.h"

namespace ctg::store::sqlite {
namespace {

constexpr char kColumns[] =
    "id, commune, commune_name, perimeter, valid_from, valid_until, caf_name, "
    "suspended, suspension_reason, termination_notice_date, "
    "termination_effective_date, create_time_us";

absl::StatusOr<std::vector<PriorAgreementRow>> PriorAgreements(
    Connection& conn, const std::string& id) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT title, date, description FROM "
                   "convention_prior_agreements WHERE convention_id = ?1 "
                   "ORDER BY position"));
  stmt.Bind(1, id);
  std::vector<PriorAgreementRow> out;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2)});
  }
}

ConventionRow ReadRow(const Statement& s) {
  ConventionRow r;
  r.id = s.ColumnText(0);
  r.commune = s.ColumnText(1);
  r.commune_name = s.ColumnText(2);
  r.perimeter = absl::StrSplit(s.ColumnText(3), ' ', absl::SkipEmpty());
  r.valid_from = s.ColumnText(4);
  r.valid_until = s.ColumnText(5);
  r.caf_name = s.ColumnText(6);
  r.suspended = s.ColumnInt(7) != 0;
  r.suspension_reason = s.ColumnText(8);
  r.termination_notice_date = s.ColumnText(9);
  r.termination_effective_date = s.ColumnText(10);
  r.create_time_us = s.ColumnInt(11);
  return r;
}

}  // namespace

absl::Status InsertConvention(Connection& conn, const ConventionRow& row) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat(
          "INSERT INTO conventions (", kColumns,
          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")));
  stmt.Bind(1, row.id)
      .Bind(2, row.commune)
      .Bind(3, row.commune_name)
      .Bind(4, absl::StrJoin(row.perimeter, " "))
      .Bind(5, row.valid_from)
      .Bind(6, row.valid_until)
      .Bind(7, row.caf_name)
      .Bind(8, int64_t{row.suspended})
      .Bind(9, row.suspension_reason)
      .Bind(10, row.termination_notice_date)
      .Bind(11, row.termination_effective_date)
      .Bind(12, row.create_time_us);
  CTG_RETURN_IF_ERROR(stmt.Run());
  for (size_t i = 0; i < row.prior_agreements.size(); ++i) {
    const PriorAgreementRow& a = row.prior_agreements[i];
    CTG_ASSIGN_OR_RETURN(
        Statement insert,
        conn.Prepare(
            "INSERT INTO convention_prior_agreements (convention_id, position, "
            "title, date, description) VALUES (?1, ?2, ?3, ?4, ?5)"));
    insert.Bind(1, row.id)
        .Bind(2, static_cast<int64_t>(i))
        .Bind(3, a.title)
        .Bind(4, a.date)
        .Bind(5, a.description);
    CTG_RETURN_IF_ERROR(insert.Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<ConventionRow> GetConvention(Connection& conn,
                                            const std::string& id) {
  CTG_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                           "SELECT ", kColumns,
                                           " FROM conventions WHERE id = ?1")));
  stmt.Bind(1, id);
  CTG_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found)
    return absl::NotFoundError(
        absl::StrCat("convention ", BoundedEcho(id), " not found"));
  ConventionRow row = ReadRow(stmt);
  CTG_ASSIGN_OR_RETURN(row.prior_agreements, PriorAgreements(conn, id));
  return row;
}

absl::StatusOr<std::vector<ConventionRow>> ListConventions(
    Connection& conn, const std::string& commune, const std::string& after_id,
    int limit) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat(
          "SELECT ", kColumns,
          " FROM conventions WHERE id > ?1 AND (?2 = '' OR commune = ?2) "
          "ORDER BY id LIMIT ?3")));
  stmt.Bind(1, after_id).Bind(2, commune).Bind(3, static_cast<int64_t>(limit));
  std::vector<ConventionRow> rows;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) break;
    rows.push_back(ReadRow(stmt));
  }
  for (ConventionRow& row : rows) {
    CTG_ASSIGN_OR_RETURN(row.prior_agreements, PriorAgreements(conn, row.id));
  }
  return rows;
}

absl::Status UpdateConventionState(Connection& conn, const ConventionRow& row) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "UPDATE conventions SET suspended = ?2, suspension_reason = ?3, "
          "termination_notice_date = ?4, termination_effective_date = ?5 "
          "WHERE id = ?1"));
  stmt.Bind(1, row.id)
      .Bind(2, int64_t{row.suspended})
      .Bind(3, row.suspension_reason)
      .Bind(4, row.termination_notice_date)
      .Bind(5, row.termination_effective_date);
  CTG_RETURN_IF_ERROR(stmt.Run());
  if (conn.Changes() != 1)
    return absl::NotFoundError(
        absl::StrCat("convention ", BoundedEcho(row.id), " not found"));
  return absl::OkStatus();
}

absl::StatusOr<int> CountConventions(Connection& conn,
                                     const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT count(*) FROM conventions WHERE commune = ?1"));
  stmt.Bind(1, commune);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? static_cast<int>(stmt.ColumnInt(0)) : 0;
}

absl::Status AppendConventionEvent(Connection& conn,
                                   const std::string& convention_id,
                                   const ConventionEventRow& event) {
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("INSERT INTO convention_history "
                                    "(convention_id, action, actor, time_us, "
                                    "reason) VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt.Bind(1, convention_id)
      .Bind(2, event.action)
      .Bind(3, event.actor)
      .Bind(4, event.time_us)
      .Bind(5, event.reason);
  return stmt.Run();
}

absl::StatusOr<std::vector<ConventionEventRow>> ConventionHistory(
    Connection& conn, const std::string& id) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT action, actor, time_us, reason FROM convention_history "
          "WHERE convention_id = ?1 ORDER BY rowid"));
  stmt.Bind(1, id);
  std::vector<ConventionEventRow> out;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnInt(2),
                   stmt.ColumnText(3)});
  }
}

}  // namespace ctg::store::sqlite
