#include "store/postgres/pg_requests.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/postgres/pg_request_history.h"

namespace ctg::store::postgres {
namespace {

constexpr char kRequestColumns[] =
    "id, commune, convention_id, purpose, objective, requester, "
    "retention_months, "
    "create_time_us, state, update_time_us";

struct JoinedScope {
  std::string indicators, territories, periods, breakdowns;
};
absl::StatusOr<JoinedScope> Join(const ScopeRow& scope) {
  JoinedScope j;
  CTG_ASSIGN_OR_RETURN(j.indicators,
                       JoinCodes("scope", "indicators", scope.indicators));
  CTG_ASSIGN_OR_RETURN(j.territories,
                       JoinCodes("scope", "territories", scope.territories));
  CTG_ASSIGN_OR_RETURN(j.periods, JoinCodes("scope", "periods", scope.periods));
  CTG_ASSIGN_OR_RETURN(j.breakdowns,
                       JoinCodes("scope", "breakdowns", scope.breakdowns));
  return j;
}

ScopeRow ReadScope(const pqxx::row& r, int first) {
  return {SplitCodes(r[first]), SplitCodes(r[first + 1]),
          SplitCodes(r[first + 2]), SplitCodes(r[first + 3])};
}

RequestRow ReadRequest(const pqxx::row& r) {
  RequestRow q;
  ReadDeclaration(r, q);
  q.create_time_us = r[7].as<int64_t>();
  q.state = r[8].as<int>();
  q.update_time_us = r[9].as<int64_t>();
  return q;
}

}  // namespace

absl::Status PgRequestStore::LoadHistory(StoredRequest& out) const {
  const std::string& id = out.request.id;
  CTG_ASSIGN_OR_RETURN(
      pqxx::result recipients,
      s_.Exec("SELECT kind, name, operator_person FROM request_recipients "
              "WHERE request_id = $1 ORDER BY position",
              id));
  for (const auto& r : recipients) {
    out.request.recipients.push_back(
        {r[0].as<int>(), r[1].as<std::string>(), r[2].as<std::string>()});
  }
  CTG_ASSIGN_OR_RETURN(
      pqxx::result versions,
      s_.Exec("SELECT version, indicators, territories, periods, breakdowns, "
              "justification, answer, author, create_time_us FROM "
              "request_versions WHERE request_id = $1 ORDER BY version",
              id));
  for (const auto& r : versions) {
    VersionRow v;
    v.version = r[0].as<int>();
    v.scope = ReadScope(r, 1);
    v.justification = r[5].as<std::string>();
    v.answer = r[6].as<std::string>();
    v.author = r[7].as<std::string>();
    v.time_us = r[8].as<int64_t>();
    out.versions.push_back(std::move(v));
  }
  CTG_RETURN_IF_ERROR(LoadSharedHistory(s_, kCommuneRequestTables, out));
  CTG_ASSIGN_OR_RETURN(
      pqxx::result approval,
      s_.Exec("SELECT indicators, territories, periods, breakdowns, "
              "end_time_us, download_quota, time_us FROM request_approvals "
              "WHERE request_id = $1",
              id));
  if (!approval.empty()) {
    const auto& r = approval[0];
    ApprovalRow a;
    a.scope = ReadScope(r, 0);
    if (!r[4].is_null()) a.end_time_us = r[4].as<int64_t>();
    a.download_quota = r[5].as<int>();
    a.time_us = r[6].as<int64_t>();
    out.approval = std::move(a);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PgRequestStore::NextId() const {
  CTG_ASSIGN_OR_RETURN(int64_t number,
                       NextRequestNumber(s_, kCommuneRequestTables));
  return RequestIdOf(number);
}

absl::Status PgRequestStore::Insert(const RequestRow& row) {
  std::optional<int64_t> number = RequestNumberOf(row.id);
  if (!number) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CEscape(row.id), "\" is not a request id (REQ-000042)"));
  }
  CTG_RETURN_IF_ERROR(
      s_.Exec("INSERT INTO requests (id, number, commune, convention_id, "
              "purpose, objective, "
              "requester, retention_months, create_time_us, state, "
              "update_time_us) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $9)",
              row.id, *number, row.commune, row.convention_id, row.purpose,
              row.objective, row.requester, int64_t{row.retention_months},
              row.create_time_us)
          .status());
  for (size_t i = 0; i < row.recipients.size(); ++i) {
    const RecipientRow& r = row.recipients[i];
    CTG_RETURN_IF_ERROR(
        s_.Exec("INSERT INTO request_recipients (request_id, position, kind, "
                "name, operator_person) VALUES ($1, $2, $3, $4, $5)",
                row.id, static_cast<int64_t>(i), int64_t{r.kind}, r.name,
                r.operator_person)
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<int> PgRequestStore::AppendVersion(const std::string& request_id,
                                                  const VersionRow& version) {
  CTG_RETURN_IF_ERROR(
      CheckRequestExists(s_, kCommuneRequestTables, request_id));
  CTG_ASSIGN_OR_RETURN(JoinedScope scope, Join(version.scope));
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec(
          "INSERT INTO request_versions (request_id, version, indicators, "
          "territories, "
          "periods, breakdowns, justification, answer, author, create_time_us) "
          "SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, "
          "$8, $9 "
          "FROM request_versions WHERE request_id = $1 RETURNING version",
          request_id, scope.indicators, scope.territories, scope.periods,
          scope.breakdowns, version.justification, version.answer,
          version.author, version.time_us));
  return r[0][0].as<int>();
}

absl::Status PgRequestStore::AppendTransition(const std::string& request_id,
                                              const TransitionRow& t) {
  return InsertTransition(s_, kCommuneRequestTables, request_id, t);
}

absl::StatusOr<int> PgRequestStore::AppendQuestions(
    const std::string& request_id, const std::vector<std::string>& questions,
    const std::string& author, int64_t time_us) {
  return AppendQuestionRound(s_, kCommuneRequestTables, request_id, questions,
                             author, time_us);
}

absl::Status PgRequestStore::AppendOpinion(const std::string& request_id,
                                           const OpinionRow& opinion) {
  return InsertOpinion(s_, kCommuneRequestTables, request_id, opinion);
}

absl::Status PgRequestStore::InsertApproval(const std::string& request_id,
                                            const ApprovalRow& approval) {
  CTG_RETURN_IF_ERROR(
      CheckRequestExists(s_, kCommuneRequestTables, request_id));
  CTG_ASSIGN_OR_RETURN(JoinedScope scope, Join(approval.scope));
  // No end: NULL (the CASE has no ELSE).
  return s_
      .Exec(
          "INSERT INTO request_approvals (request_id, indicators, territories, "
          "periods, "
          "breakdowns, end_time_us, download_quota, time_us) "
          "VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN $7::bigint END, $8, "
          "$9)",
          request_id, scope.indicators, scope.territories, scope.periods,
          scope.breakdowns, approval.end_time_us.has_value(),
          approval.end_time_us.value_or(0), int64_t{approval.download_quota},
          approval.time_us)
      .status();
}

absl::StatusOr<StoredRequest> PgRequestStore::Get(const std::string& id) const {
  CTG_ASSIGN_OR_RETURN(pqxx::result r,
                       s_.Exec(absl::StrCat("SELECT ", kRequestColumns,
                                            " FROM requests WHERE id = $1"),
                               id));
  if (r.empty()) return RequestNotFoundError(id);
  StoredRequest out;
  out.request = ReadRequest(r[0]);
  CTG_RETURN_IF_ERROR(LoadHistory(out));
  return out;
}

absl::StatusOr<std::vector<StoredRequest>> PgRequestStore::List(
    const RequestFilter& filter, int limit) const {
  // The state filter is a set of small numbers: written into the SQL as a
  // list of integers (never client text).
  std::string states;
  for (int st : filter.states)
    absl::StrAppend(&states, states.empty() ? "" : ", ", st);
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec(absl::StrCat(
                  "SELECT ", kRequestColumns,
                  " FROM requests WHERE ($1 = '' OR commune = $1) AND "
                  "($2 = 0 OR number < $2) AND ($4 = 0 OR number > $4)",
                  states.empty() ? ""
                                 : absl::StrCat(" AND state IN (", states, ")"),
                  " ORDER BY number ", filter.oldest_first ? "ASC" : "DESC",
                  " LIMIT $3"),
              filter.commune, filter.before_number, int64_t{limit},
              filter.after_number));
  std::vector<StoredRequest> out;
  for (const auto& row : r) {
    out.emplace_back();
    out.back().request = ReadRequest(row);
  }
  for (StoredRequest& q : out) CTG_RETURN_IF_ERROR(LoadHistory(q));
  return out;
}

}  // namespace ctg::store::postgres
