#include "store/sqlite/requests_table.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "store/sqlite/request_history_tables.h"

namespace ctg::store::sqlite {

// R2: the declaration never changes; its history is append-only (see the
// header). Scope lists are codes joined by single spaces.
const char kRequestsSchema[] = R"sql(
CREATE TABLE requests (
  id               TEXT PRIMARY KEY,         -- "REQ-000042"
  number           INTEGER NOT NULL UNIQUE,  -- 42: order of filing
  commune          TEXT NOT NULL,            -- the tenant (INSEE code)
  convention_id    TEXT NOT NULL REFERENCES conventions(id),
  purpose          TEXT NOT NULL,            -- R2: immutable
  objective        TEXT NOT NULL,
  requester        TEXT NOT NULL,            -- SPIFFE ID
  retention_months INTEGER NOT NULL,
  create_time_us   INTEGER NOT NULL,
  state            INTEGER NOT NULL,         -- to_state of the last transition
  update_time_us   INTEGER NOT NULL          -- time of the last transition
);
CREATE INDEX requests_commune ON requests(commune, number);
CREATE INDEX requests_state ON requests(state, number);
CREATE TRIGGER requests_start_without_state BEFORE INSERT ON requests
  WHEN NEW.state != 0
  BEGIN SELECT RAISE(ABORT, 'a request gets its state from its submission transition'); END;
CREATE TRIGGER requests_declaration_immutable
  BEFORE UPDATE OF id, number, commune, convention_id, purpose, objective, requester,
                   retention_months, create_time_us ON requests
  BEGIN SELECT RAISE(ABORT, 'a request''s declaration is immutable (R2)'); END;
CREATE TRIGGER requests_never_deleted BEFORE DELETE ON requests
  BEGIN SELECT RAISE(ABORT, 'requests are never deleted'); END;

CREATE TABLE request_recipients (
  request_id      TEXT NOT NULL REFERENCES requests(id),
  position        INTEGER NOT NULL,
  kind            INTEGER NOT NULL,          -- ctg.v1.Recipient.Kind
  name            TEXT NOT NULL,
  operator_person TEXT NOT NULL,
  PRIMARY KEY (request_id, position)
);
CREATE TRIGGER request_recipients_immutable_update BEFORE UPDATE ON request_recipients
  BEGIN SELECT RAISE(ABORT, 'a request''s recipients are immutable (R3)'); END;
CREATE TRIGGER request_recipients_immutable_delete BEFORE DELETE ON request_recipients
  BEGIN SELECT RAISE(ABORT, 'a request''s recipients are immutable (R3)'); END;

CREATE TABLE request_versions (
  request_id     TEXT NOT NULL REFERENCES requests(id),
  version        INTEGER NOT NULL,           -- 1 = the submission
  indicators     TEXT NOT NULL,
  territories    TEXT NOT NULL,
  periods        TEXT NOT NULL,
  breakdowns     TEXT NOT NULL,
  justification  TEXT NOT NULL,
  answer         TEXT NOT NULL,
  author         TEXT NOT NULL,
  create_time_us INTEGER NOT NULL,
  PRIMARY KEY (request_id, version)
);
CREATE TRIGGER request_versions_consecutive BEFORE INSERT ON request_versions
  WHEN NEW.version != coalesce((SELECT max(version) FROM request_versions
                                WHERE request_id = NEW.request_id), 0) + 1
  BEGIN SELECT RAISE(ABORT, 'request versions are numbered without gaps'); END;
CREATE TRIGGER request_versions_append_only_update BEFORE UPDATE ON request_versions
  BEGIN SELECT RAISE(ABORT, 'request versions are append-only'); END;
CREATE TRIGGER request_versions_append_only_delete BEFORE DELETE ON request_versions
  BEGIN SELECT RAISE(ABORT, 'request versions are append-only'); END;

CREATE TABLE request_transitions (
  seq        INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests(id),
  from_state INTEGER NOT NULL,
  to_state   INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  time_us    INTEGER NOT NULL,
  reason     TEXT NOT NULL
);
CREATE INDEX request_transitions_request ON request_transitions(request_id, seq);
CREATE TRIGGER request_transitions_chain BEFORE INSERT ON request_transitions
  WHEN NEW.from_state != coalesce((SELECT to_state FROM request_transitions
                                   WHERE request_id = NEW.request_id
                                   ORDER BY seq DESC LIMIT 1), 0)
  BEGIN SELECT RAISE(ABORT, 'a transition starts from the request''s current state'); END;
CREATE TRIGGER requests_state_follows_transitions BEFORE UPDATE OF state ON requests
  WHEN NEW.state IS NOT (SELECT to_state FROM request_transitions
                         WHERE request_id = NEW.id ORDER BY seq DESC LIMIT 1)
  BEGIN SELECT RAISE(ABORT, 'a request''s state changes only with a recorded transition'); END;
CREATE TRIGGER request_transitions_apply AFTER INSERT ON request_transitions
  BEGIN
    UPDATE requests SET state = NEW.to_state, update_time_us = NEW.time_us
      WHERE id = NEW.request_id;
  END;
CREATE TRIGGER request_transitions_append_only_update BEFORE UPDATE ON request_transitions
  BEGIN SELECT RAISE(ABORT, 'request transitions are append-only'); END;
CREATE TRIGGER request_transitions_append_only_delete BEFORE DELETE ON request_transitions
  BEGIN SELECT RAISE(ABORT, 'request transitions are append-only'); END;

CREATE TABLE request_questions (
  seq        INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests(id),
  round      INTEGER NOT NULL,
  question   TEXT NOT NULL,
  author     TEXT NOT NULL,
  time_us    INTEGER NOT NULL
);
CREATE INDEX request_questions_request ON request_questions(request_id, seq);
CREATE TRIGGER request_questions_append_only_update BEFORE UPDATE ON request_questions
  BEGIN SELECT RAISE(ABORT, 'request questions are append-only'); END;
CREATE TRIGGER request_questions_append_only_delete BEFORE DELETE ON request_questions
  BEGIN SELECT RAISE(ABORT, 'request questions are append-only'); END;

CREATE TABLE request_opinions (
  seq        INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES requests(id),
  aspect     INTEGER NOT NULL CHECK (aspect IN (1, 2)),  -- opportunity, feasibility
  opinion    INTEGER NOT NULL,                         -- ctg.v1.Opinion
  reasoning  TEXT NOT NULL,
  reviewer   TEXT NOT NULL,
  version    INTEGER NOT NULL,
  time_us    INTEGER NOT NULL
);
CREATE INDEX request_opinions_request ON request_opinions(request_id, seq);
CREATE TRIGGER request_opinions_append_only_update BEFORE UPDATE ON request_opinions
  BEGIN SELECT RAISE(ABORT, 'request opinions are append-only'); END;
CREATE TRIGGER request_opinions_append_only_delete BEFORE DELETE ON request_opinions
  BEGIN SELECT RAISE(ABORT, 'request opinions are append-only'); END;

CREATE TABLE request_approvals (
  request_id     TEXT PRIMARY KEY REFERENCES requests(id),
  indicators     TEXT NOT NULL,
  territories    TEXT NOT NULL,
  periods        TEXT NOT NULL,
  breakdowns     TEXT NOT NULL,
  end_time_us    INTEGER,                      -- NULL: no end
  download_quota INTEGER NOT NULL,
  time_us        INTEGER NOT NULL
);
CREATE TRIGGER request_approvals_append_only_update BEFORE UPDATE ON request_approvals
  BEGIN SELECT RAISE(ABORT, 'request approvals are append-only'); END;
CREATE TRIGGER request_approvals_append_only_delete BEFORE DELETE ON request_approvals
  BEGIN SELECT RAISE(ABORT, 'request approvals are append-only'); END;

)sql";

namespace {

constexpr char kRequestColumns[] =
    "id, commune, convention_id, purpose, objective, requester, "
    "retention_months, "
    "create_time_us, state, update_time_us";
constexpr const RequestTables& kTables = kCommuneRequestTables;

// Binds the four lists of `scope` at `first`..`first + 3`.
absl::Status BindScope(Statement& stmt, int first, const ScopeRow& scope) {
  CTG_ASSIGN_OR_RETURN(std::string indicators,
                       JoinCodes("scope", "indicators", scope.indicators));
  CTG_ASSIGN_OR_RETURN(std::string territories,
                       JoinCodes("scope", "territories", scope.territories));
  CTG_ASSIGN_OR_RETURN(std::string periods,
                       JoinCodes("scope", "periods", scope.periods));
  CTG_ASSIGN_OR_RETURN(std::string breakdowns,
                       JoinCodes("scope", "breakdowns", scope.breakdowns));
  stmt.Bind(first, indicators)
      .Bind(first + 1, territories)
      .Bind(first + 2, periods)
      .Bind(first + 3, breakdowns);
  return absl::OkStatus();
}

ScopeRow ReadScope(const Statement& s, int first) {
  ScopeRow scope;
  scope.indicators = SplitCodes(s.ColumnText(first));
  scope.territories = SplitCodes(s.ColumnText(first + 1));
  scope.periods = SplitCodes(s.ColumnText(first + 2));
  scope.breakdowns = SplitCodes(s.ColumnText(first + 3));
  return scope;
}

RequestRow ReadRequest(const Statement& s) {
  RequestRow r;
  ReadDeclaration(s, r);
  r.create_time_us = s.ColumnInt(7);
  r.state = static_cast<int>(s.ColumnInt(8));
  r.update_time_us = s.ColumnInt(9);
  return r;
}

absl::Status LoadRecipients(Connection& conn, RequestRow& request) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT kind, name, operator_person FROM request_recipients "
                   "WHERE request_id = ?1 ORDER BY position"));
  stmt.Bind(1, request.id);
  return ForEachRow(stmt, [&](const Statement& s) {
    request.recipients.push_back(
        {static_cast<int>(s.ColumnInt(0)), s.ColumnText(1), s.ColumnText(2)});
  });
}

absl::Status LoadVersions(Connection& conn, StoredRequest& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT version, indicators, territories, periods, "
                   "breakdowns, justification, answer, author, create_time_us "
                   "FROM request_versions WHERE request_id = ?1 ORDER BY "
                   "version"));
  stmt.Bind(1, out.request.id);
  return ForEachRow(stmt, [&](const Statement& s) {
    VersionRow v;
    v.version = static_cast<int>(s.ColumnInt(0));
    v.scope = ReadScope(s, 1);
    v.justification = s.ColumnText(5);
    v.answer = s.ColumnText(6);
    v.author = s.ColumnText(7);
    v.time_us = s.ColumnInt(8);
    out.versions.push_back(std::move(v));
  });
}

absl::Status LoadApproval(Connection& conn, StoredRequest& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT indicators, territories, periods, breakdowns, "
                   "end_time_us, download_quota, time_us FROM "
                   "request_approvals WHERE request_id = ?1"));
  stmt.Bind(1, out.request.id);
  CTG_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return absl::OkStatus();
  ApprovalRow a;
  a.scope = ReadScope(stmt, 0);
  if (!stmt.ColumnIsNull(4)) a.end_time_us = stmt.ColumnInt(4);
  a.download_quota = static_cast<int>(stmt.ColumnInt(5));
  a.time_us = stmt.ColumnInt(6);
  out.approval = std::move(a);
  return absl::OkStatus();
}

// Fills the history of `out.request.id`.
absl::Status LoadHistory(Connection& conn, StoredRequest& out) {
  CTG_RETURN_IF_ERROR(LoadRecipients(conn, out.request));
  CTG_RETURN_IF_ERROR(LoadVersions(conn, out));
  CTG_RETURN_IF_ERROR(LoadSharedHistory(conn, kTables, out));
  return LoadApproval(conn, out);
}

}  // namespace

absl::StatusOr<std::string> NextRequestId(Connection& conn) {
  CTG_ASSIGN_OR_RETURN(int64_t number, NextRequestNumber(conn, kTables));
  return RequestIdOf(number);
}

absl::Status InsertRequest(Connection& conn, const RequestRow& row) {
  std::optional<int64_t> number = RequestNumberOf(row.id);
  if (!number) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CEscape(row.id), "\" is not a request id (REQ-000042)"));
  }
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "INSERT INTO requests (id, number, commune, convention_id, purpose, "
          "objective, "
          "requester, retention_months, create_time_us, state, update_time_us) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?9)"));
  BindDeclaration(stmt, row, *number);
  stmt.Bind(9, row.create_time_us);
  CTG_RETURN_IF_ERROR(stmt.Run());
  for (size_t i = 0; i < row.recipients.size(); ++i) {
    const RecipientRow& r = row.recipients[i];
    CTG_ASSIGN_OR_RETURN(
        Statement insert,
        conn.Prepare(
            "INSERT INTO request_recipients (request_id, position, kind, name, "
            "operator_person) VALUES (?1, ?2, ?3, ?4, ?5)"));
    insert.Bind(1, row.id)
        .Bind(2, static_cast<int64_t>(i))
        .Bind(3, int64_t{r.kind})
        .Bind(4, r.name)
        .Bind(5, r.operator_person);
    CTG_RETURN_IF_ERROR(insert.Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<int> AppendVersion(Connection& conn,
                                  const std::string& request_id,
                                  const VersionRow& version) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, kTables, request_id));
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "INSERT INTO request_versions (request_id, version, indicators, "
          "territories, "
          "periods, breakdowns, justification, answer, author, create_time_us) "
          "SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, "
          "?8, ?9 "
          "FROM request_versions WHERE request_id = ?1"));
  stmt.Bind(1, request_id);
  CTG_RETURN_IF_ERROR(BindScope(stmt, 2, version.scope));
  stmt.Bind(6, version.justification)
      .Bind(7, version.answer)
      .Bind(8, version.author)
      .Bind(9, version.time_us);
  CTG_RETURN_IF_ERROR(stmt.Run());
  CTG_ASSIGN_OR_RETURN(Statement count,
                       conn.Prepare("SELECT max(version) FROM request_versions "
                                    "WHERE request_id = ?1"));
  count.Bind(1, request_id);
  CTG_ASSIGN_OR_RETURN(bool row, count.Step());
  return row ? static_cast<int>(count.ColumnInt(0)) : 0;
}

absl::Status AppendTransition(Connection& conn, const std::string& request_id,
                              const TransitionRow& transition) {
  return InsertTransition(conn, kTables, request_id, transition);
}

absl::StatusOr<int> AppendQuestions(Connection& conn,
                                    const std::string& request_id,
                                    const std::vector<std::string>& questions,
                                    const std::string& author,
                                    int64_t time_us) {
  return AppendQuestionRound(conn, kTables, request_id, questions, author,
                             time_us);
}

absl::Status AppendOpinion(Connection& conn, const std::string& request_id,
                           const OpinionRow& opinion) {
  return InsertOpinion(conn, kTables, request_id, opinion);
}

absl::Status InsertApproval(Connection& conn, const std::string& request_id,
                            const ApprovalRow& approval) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, kTables, request_id));
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("INSERT INTO request_approvals (request_id, indicators, "
                   "territories, periods, "
                   "breakdowns, end_time_us, download_quota, time_us) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  stmt.Bind(1, request_id);
  CTG_RETURN_IF_ERROR(BindScope(stmt, 2, approval.scope));
  if (approval.end_time_us) {
    stmt.Bind(6, *approval.end_time_us);
  } else {
    stmt.BindNull(6);
  }
  stmt.Bind(7, int64_t{approval.download_quota}).Bind(8, approval.time_us);
  return stmt.Run();
}

absl::StatusOr<StoredRequest> GetRequest(Connection& conn,
                                         const std::string& id) {
  CTG_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                           "SELECT ", kRequestColumns,
                                           " FROM requests WHERE id = ?1")));
  stmt.Bind(1, id);
  CTG_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return RequestNotFoundError(id);
  StoredRequest out;
  out.request = ReadRequest(stmt);
  CTG_RETURN_IF_ERROR(LoadHistory(conn, out));
  return out;
}

absl::StatusOr<std::vector<StoredRequest>> ListRequests(
    Connection& conn, const RequestFilter& filter, int limit) {
  // The state filter is a set of small numbers: written into the SQL as a
  // list of integers (never client text).
  std::string states;
  for (int s : filter.states)
    absl::StrAppend(&states, states.empty() ? "" : ", ", s);
  std::string sql = absl::StrCat(
      "SELECT ", kRequestColumns,
      " FROM requests WHERE (?1 = '' OR commune = ?1) AND (?2 = 0 OR number < "
      "?2) AND (?4 = 0 OR number > ?4)",
      states.empty() ? "" : absl::StrCat(" AND state IN (", states, ")"),
      " ORDER BY number ", filter.oldest_first ? "ASC" : "DESC", " LIMIT ?3");
  std::vector<StoredRequest> out;
  {
    CTG_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql));
    stmt.Bind(1, filter.commune)
        .Bind(2, filter.before_number)
        .Bind(3, int64_t{limit})
        .Bind(4, filter.after_number);
    CTG_RETURN_IF_ERROR(ForEachRow(stmt, [&](const Statement& s) {
      out.emplace_back();
      out.back().request = ReadRequest(s);
    }));
  }
  for (StoredRequest& r : out) CTG_RETURN_IF_ERROR(LoadHistory(conn, r));
  return out;
}

}  // namespace ctg::store::sqlite
