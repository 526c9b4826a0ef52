// What the SQLite tables of the two directions of Article 7 share (R1): the
// commune's requests (requests_table.h: `requests`, `request_*`) and the
// Caf's requests to communes (caf_requests_table.h: `caf_requests`,
// `caf_request_*`) keep their transitions, questions and opinions in tables
// of the same columns, and their codes as single-space joined lists (the
// names and the codes' helpers: store/request_history_common.h). The
// functions here read and write those tables for either; the row types of
// the two store interfaces have the same fields, hence the templates.
//
// Internal to store/sqlite. Functions take the Connection of a transaction
// (writes) or of a read; not thread-safe beyond the Connection's own rules.
#ifndef CTG_STORE_SQLITE_REQUEST_HISTORY_TABLES_H_
#define CTG_STORE_SQLITE_REQUEST_HISTORY_TABLES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "store/request_history_common.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {

// OK when request `id` exists. Errors: RequestNotFoundError.
absl::Status CheckRequestExists(Connection& conn, const RequestTables& tables,
                                const std::string& id);
// One more than the highest request number so far (1 for the first).
absl::StatusOr<int64_t> NextRequestNumber(Connection& conn,
                                          const RequestTables& tables);

// Runs `stmt` (already bound) and calls `read` on each row.
template <typename Read>
absl::Status ForEachRow(Statement& stmt, Read read) {
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return absl::OkStatus();
    read(stmt);
  }
}

// The columns both declarations' tables start with, in this order: id,
// commune, convention_id, purpose, objective, requester, retention_months.
// Reads them from columns 0..6 of `s` into `r`. `Row`: store::RequestRow
// or store::CafRequestRow.
template <typename Row>
void ReadDeclaration(const Statement& s, Row& r) {
  r.id = s.ColumnText(0);
  r.commune = s.ColumnText(1);
  r.convention_id = s.ColumnText(2);
  r.purpose = s.ColumnText(3);
  r.objective = s.ColumnText(4);
  r.requester = s.ColumnText(5);
  r.retention_months = static_cast<int>(s.ColumnInt(6));
}

// Binds them, with the request's `number` second, at ?1..?8 of `stmt`.
template <typename Row>
void BindDeclaration(Statement& stmt, const Row& row, int64_t number) {
  stmt.Bind(1, row.id)
      .Bind(2, number)
      .Bind(3, row.commune)
      .Bind(4, row.convention_id)
      .Bind(5, row.purpose)
      .Bind(6, row.objective)
      .Bind(7, row.requester)
      .Bind(8, int64_t{row.retention_months});
}

// Appends one round of questions (numbered 1, 2, ...) and returns its
// number. Errors: kNotFound for an unknown request.
absl::StatusOr<int> AppendQuestionRound(
    Connection& conn, const RequestTables& tables, const std::string& id,
    const std::vector<std::string>& questions, const std::string& author,
    int64_t time_us);

// Appends a transition; the schema's trigger moves the request's state.
// Errors: kNotFound for an unknown request; kAborted when it does not start
// from the request's current state. `Row`: store::TransitionRow or
// store::CafTransitionRow.
template <typename Row>
absl::Status InsertTransition(Connection& conn, const RequestTables& tables,
                              const std::string& id, const Row& t) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, tables, id));
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat(
          "INSERT INTO ", tables.prefix,
          "transitions (request_id, from_state, to_state, actor, time_us, "
          "reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")));
  stmt.Bind(1, id)
      .Bind(2, int64_t{t.from_state})
      .Bind(3, int64_t{t.to_state})
      .Bind(4, t.actor)
      .Bind(5, t.time_us)
      .Bind(6, t.reason);
  return stmt.Run();
}

// Appends an opinion. Errors: kInvalidArgument for an aspect other than 1
// or 2; kNotFound for an unknown request. `Row`: store::OpinionRow or
// store::CafOpinionRow.
template <typename Row>
absl::Status InsertOpinion(Connection& conn, const RequestTables& tables,
                           const std::string& id, const Row& o) {
  if (o.aspect != 1 && o.aspect != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("opinion aspect ", o.aspect, " is neither 1 nor 2"));
  }
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, tables, id));
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat(
          "INSERT INTO ", tables.prefix,
          "opinions (request_id, aspect, opinion, reasoning, reviewer, "
          "version, time_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")));
  stmt.Bind(1, id)
      .Bind(2, int64_t{o.aspect})
      .Bind(3, int64_t{o.value})
      .Bind(4, o.reasoning)
      .Bind(5, o.reviewer)
      .Bind(6, int64_t{o.version})
      .Bind(7, o.time_us);
  return stmt.Run();
}

// The transitions of request `id`, in recording order, appended to `out`.
template <typename Row>
absl::Status LoadTransitions(Connection& conn, const RequestTables& tables,
                             const std::string& id, std::vector<Row>& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat("SELECT from_state, to_state, actor, time_us, "
                                "reason FROM ",
                                tables.prefix,
                                "transitions WHERE request_id = ?1 ORDER BY "
                                "seq")));
  stmt.Bind(1, id);
  return ForEachRow(stmt, [&](const Statement& s) {
    out.push_back({static_cast<int>(s.ColumnInt(0)),
                   static_cast<int>(s.ColumnInt(1)), s.ColumnText(2),
                   s.ColumnInt(3), s.ColumnText(4)});
  });
}

// The questions of request `id`, in recording order, appended to `out`.
template <typename Row>
absl::Status LoadQuestions(Connection& conn, const RequestTables& tables,
                           const std::string& id, std::vector<Row>& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat(
          "SELECT round, question, author, time_us FROM ", tables.prefix,
          "questions WHERE request_id = ?1 ORDER BY seq")));
  stmt.Bind(1, id);
  return ForEachRow(stmt, [&](const Statement& s) {
    out.push_back({static_cast<int>(s.ColumnInt(0)), s.ColumnText(1),
                   s.ColumnText(2), s.ColumnInt(3)});
  });
}

// The opinions of request `id`, in recording order, appended to `out`.
template <typename Row>
absl::Status LoadOpinions(Connection& conn, const RequestTables& tables,
                          const std::string& id, std::vector<Row>& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat(
          "SELECT aspect, opinion, reasoning, reviewer, version, time_us FROM ",
          tables.prefix, "opinions WHERE request_id = ?1 ORDER BY seq")));
  stmt.Bind(1, id);
  return ForEachRow(stmt, [&](const Statement& s) {
    out.push_back({static_cast<int>(s.ColumnInt(0)),
                   static_cast<int>(s.ColumnInt(1)), s.ColumnText(2),
                   s.ColumnText(3), static_cast<int>(s.ColumnInt(4)),
                   s.ColumnInt(5)});
  });
}

// The transitions, questions and opinions of `out.request.id`, the part of
// the history both directions share. `Stored`: store::StoredRequest or
// store::StoredCafRequest.
template <typename Stored>
absl::Status LoadSharedHistory(Connection& conn, const RequestTables& tables,
                               Stored& out) {
  const std::string& id = out.request.id;
  CTG_RETURN_IF_ERROR(LoadTransitions(conn, tables, id, out.transitions));
  CTG_RETURN_IF_ERROR(LoadQuestions(conn, tables, id, out.questions));
  return LoadOpinions(conn, tables, id, out.opinions);
}

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_REQUEST_HISTORY_TABLES_H_
