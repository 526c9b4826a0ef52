// What the PostgreSQL tables of the two directions of Article 7 share (R1),
// as store/sqlite/request_history_tables.h does on SQLite: the commune's
// requests (pg_requests.h: `requests`, `request_*`) and the Caf's requests
// to communes (pg_article7.h: `caf_requests`, `caf_request_*`) keep their
// transitions, questions and opinions in tables of the same columns, and
// their codes as single-space joined lists (the names and the codes'
// helpers: store/request_history_common.h). The functions here read and
// write those tables for either; the row types of the two store
// interfaces have the same fields, hence the templates.
//
// Internal to store/postgres. Functions take the PgSession of a write or a
// read; not thread-safe beyond the session's own rules.
#ifndef CTG_STORE_POSTGRES_PG_REQUEST_HISTORY_H_
#define CTG_STORE_POSTGRES_PG_REQUEST_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "store/postgres/pg_session.h"
#include "store/request_history_common.h"

namespace ctg::store::postgres {

// The codes of a joined list column.
inline std::vector<std::string> SplitCodes(const pqxx::field& joined) {
  return store::SplitCodes(joined.as<std::string>());
}

// OK when request `id` exists. Errors: RequestNotFoundError.
absl::Status CheckRequestExists(PgSession& s, const RequestTables& tables,
                                const std::string& id);
// One more than the highest request number so far (1 for the first).
absl::StatusOr<int64_t> NextRequestNumber(PgSession& s,
                                          const RequestTables& tables);

// The columns both declarations' tables start with, in this order: id,
// commune, convention_id, purpose, objective, requester, retention_months.
// Reads them from columns 0..6 of `r` into `q`. `Row`: store::RequestRow
// or store::CafRequestRow.
template <typename Row>
void ReadDeclaration(const pqxx::row& r, Row& q) {
  q.id = r[0].as<std::string>();
  q.commune = r[1].as<std::string>();
  q.convention_id = r[2].as<std::string>();
  q.purpose = r[3].as<std::string>();
  q.objective = r[4].as<std::string>();
  q.requester = r[5].as<std::string>();
  q.retention_months = r[6].as<int>();
}

// Appends one round of questions (numbered 1, 2, ...) and returns its
// number. Errors: kNotFound for an unknown request.
absl::StatusOr<int> AppendQuestionRound(
    PgSession& s, const RequestTables& tables, const std::string& id,
    const std::vector<std::string>& questions, const std::string& author,
    int64_t time_us);

// Appends a transition; the schema's trigger moves the request's state.
// Errors: kNotFound for an unknown request; kAborted when it does not start
// from the request's current state. `Row`: store::TransitionRow or
// store::CafTransitionRow.
template <typename Row>
absl::Status InsertTransition(PgSession& s, const RequestTables& tables,
                              const std::string& id, const Row& t) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(s, tables, id));
  return s
      .Exec(absl::StrCat("INSERT INTO ", tables.prefix,
                         "transitions (request_id, from_state, to_state, "
                         "actor, time_us, reason) VALUES ($1, $2, $3, $4, $5, "
                         "$6)"),
            id, int64_t{t.from_state}, int64_t{t.to_state}, t.actor, t.time_us,
            t.reason)
      .status();
}

// Appends an opinion. Errors: kInvalidArgument for an aspect other than 1
// or 2; kNotFound for an unknown request. `Row`: store::OpinionRow or
// store::CafOpinionRow.
template <typename Row>
absl::Status InsertOpinion(PgSession& s, const RequestTables& tables,
                           const std::string& id, const Row& o) {
  if (o.aspect != 1 && o.aspect != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("opinion aspect ", o.aspect, " is neither 1 nor 2"));
  }
  CTG_RETURN_IF_ERROR(CheckRequestExists(s, tables, id));
  return s
      .Exec(absl::StrCat("INSERT INTO ", tables.prefix,
                         "opinions (request_id, aspect, opinion, reasoning, "
                         "reviewer, version, time_us) VALUES ($1, $2, $3, $4, "
                         "$5, $6, $7)"),
            id, int64_t{o.aspect}, int64_t{o.value}, o.reasoning, o.reviewer,
            int64_t{o.version}, o.time_us)
      .status();
}

// The transitions, questions and opinions of `out.request.id`, in
// recording order: the part of the history both directions share.
// `Stored`: store::StoredRequest or store::StoredCafRequest.
template <typename Stored>
absl::Status LoadSharedHistory(PgSession& s, const RequestTables& tables,
                               Stored& out) {
  const std::string& id = out.request.id;
  CTG_ASSIGN_OR_RETURN(
      pqxx::result transitions,
      s.Exec(absl::StrCat("SELECT from_state, to_state, actor, time_us, "
                          "reason FROM ",
                          tables.prefix,
                          "transitions WHERE request_id = $1 ORDER BY seq"),
             id));
  for (const auto& r : transitions) {
    out.transitions.push_back({r[0].as<int>(), r[1].as<int>(),
                               r[2].as<std::string>(), r[3].as<int64_t>(),
                               r[4].as<std::string>()});
  }
  CTG_ASSIGN_OR_RETURN(
      pqxx::result questions,
      s.Exec(absl::StrCat("SELECT round, question, author, time_us FROM ",
                          tables.prefix,
                          "questions WHERE request_id = $1 ORDER BY seq"),
             id));
  for (const auto& r : questions) {
    out.questions.push_back({r[0].as<int>(), r[1].as<std::string>(),
                             r[2].as<std::string>(), r[3].as<int64_t>()});
  }
  CTG_ASSIGN_OR_RETURN(
      pqxx::result opinions,
      s.Exec(absl::StrCat("SELECT aspect, opinion, reasoning, reviewer, "
                          "version, time_us FROM ",
                          tables.prefix,
                          "opinions WHERE request_id = $1 ORDER BY seq"),
             id));
  for (const auto& r : opinions) {
    out.opinions.push_back({r[0].as<int>(), r[1].as<int>(),
                            r[2].as<std::string>(), r[3].as<std::string>(),
                            r[4].as<int>(), r[5].as<int64_t>()});
  }
  return absl::OkStatus();
}

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_REQUEST_HISTORY_H_
