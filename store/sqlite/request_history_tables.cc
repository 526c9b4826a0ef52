#include "store/sqlite/request_history_tables.h"

namespace ctg::store::sqlite {

absl::Status CheckRequestExists(Connection& conn, const RequestTables& tables,
                                const std::string& id) {
  CTG_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                           "SELECT 1 FROM ", tables.requests,
                                           " WHERE id = ?1")));
  stmt.Bind(1, id);
  CTG_ASSIGN_OR_RETURN(bool found, stmt.Step());
  return found ? absl::OkStatus() : RequestNotFoundError(id);
}

absl::StatusOr<int64_t> NextRequestNumber(Connection& conn,
                                          const RequestTables& tables) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat("SELECT coalesce(max(number), 0) + 1 FROM ",
                                tables.requests)));
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 1;
}

absl::StatusOr<int> AppendQuestionRound(
    Connection& conn, const RequestTables& tables, const std::string& id,
    const std::vector<std::string>& questions, const std::string& author,
    int64_t time_us) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, tables, id));
  CTG_ASSIGN_OR_RETURN(Statement next,
                       conn.Prepare(absl::StrCat(
                           "SELECT coalesce(max(round), 0) + 1 FROM ",
                           tables.prefix, "questions WHERE request_id = ?1")));
  next.Bind(1, id);
  CTG_ASSIGN_OR_RETURN(bool row, next.Step());
  const int round = row ? static_cast<int>(next.ColumnInt(0)) : 1;
  const std::string insert =
      absl::StrCat("INSERT INTO ", tables.prefix,
                   "questions (request_id, round, question, author, time_us) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const std::string& question : questions) {
    CTG_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(insert));
    stmt.Bind(1, id)
        .Bind(2, int64_t{round})
        .Bind(3, question)
        .Bind(4, author)
        .Bind(5, time_us);
    CTG_RETURN_IF_ERROR(stmt.Run());
  }
  return round;
}

}  // namespace ctg::store::sqlite
