#include "store/sqlite/request_history_tables.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/echo.h"

namespace ctg::store::sqlite {

absl::StatusOr<std::string> JoinCodes(absl::string_view field,
                                      absl::string_view list,
                                      const std::vector<std::string>& codes) {
  for (const std::string& code : codes) {
    bool bad = code.empty();
    for (char c : code)
      bad |= absl::ascii_isspace(static_cast<unsigned char>(c));
    if (bad) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".", list, ": \"", absl::CEscape(code), "\" is not a code"));
    }
  }
  return absl::StrJoin(codes, " ");
}

std::vector<std::string> SplitCodes(const std::string& joined) {
  return absl::StrSplit(joined, ' ', absl::SkipEmpty());
}

absl::Status RequestNotFoundError(const std::string& id) {
  return absl::NotFoundError(
      absl::StrCat("request ", BoundedEcho(id), " not found"));
}

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
