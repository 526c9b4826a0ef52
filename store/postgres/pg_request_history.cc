#include "store/postgres/pg_request_history.h"

namespace ctg::store::postgres {

absl::Status CheckRequestExists(PgSession& s, const RequestTables& tables,
                                const std::string& id) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s.Exec(absl::StrCat("SELECT 1 FROM ", tables.requests, " WHERE id = $1"),
             id));
  return r.empty() ? RequestNotFoundError(id) : absl::OkStatus();
}

absl::StatusOr<int64_t> NextRequestNumber(PgSession& s,
                                          const RequestTables& tables) {
  CTG_ASSIGN_OR_RETURN(pqxx::result r,
                       s.Exec(absl::StrCat("SELECT coalesce(max(number), 0) + "
                                           "1 FROM ",
                                           tables.requests)));
  return r[0][0].as<int64_t>();
}

absl::StatusOr<int> AppendQuestionRound(
    PgSession& s, const RequestTables& tables, const std::string& id,
    const std::vector<std::string>& questions, const std::string& author,
    int64_t time_us) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(s, tables, id));
  CTG_ASSIGN_OR_RETURN(
      pqxx::result next,
      s.Exec(absl::StrCat("SELECT coalesce(max(round), 0) + 1 FROM ",
                          tables.prefix, "questions WHERE request_id = $1"),
             id));
  const int round = next[0][0].as<int>();
  const std::string insert =
      absl::StrCat("INSERT INTO ", tables.prefix,
                   "questions (request_id, round, question, author, time_us) "
                   "VALUES ($1, $2, $3, $4, $5)");
  for (const std::string& question : questions) {
    CTG_RETURN_IF_ERROR(
        s.Exec(insert, id, int64_t{round}, question, author, time_us).status());
  }
  return round;
}

}  // namespace ctg::store::postgres
