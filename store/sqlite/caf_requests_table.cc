#include "store/sqlite/caf_requests_table.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "store/sqlite/request_history_tables.h"

namespace ctg::store {

std::string CafRequestIdOf(int64_t number) {
  return absl::StrFormat("CREQ-%06d", number);
}

std::optional<int64_t> CafRequestNumberOf(const std::string& id) {
  constexpr absl::string_view kPrefix = "CREQ-";
  if (!absl::StartsWith(id, kPrefix)) return std::nullopt;
  absl::string_view digits = absl::string_view(id).substr(kPrefix.size());
  if (digits.size() < 6 || digits.size() > 18) return std::nullopt;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  int64_t number = 0;
  if (!absl::SimpleAtoi(digits, &number) || number <= 0) return std::nullopt;
  if (CafRequestIdOf(number) != id) return std::nullopt;
  return number;
}

}  // namespace ctg::store

namespace ctg::store::sqlite {

const char kCafRequestsSchema[] = R"sql(
CREATE TABLE caf_requests (
  id               TEXT PRIMARY KEY,         -- "CREQ-000001"
  number           INTEGER NOT NULL UNIQUE,
  commune          TEXT NOT NULL,            -- the commune asked (tenant)
  convention_id    TEXT NOT NULL REFERENCES conventions(id),
  purpose          TEXT NOT NULL,            -- R2: immutable
  objective        TEXT NOT NULL,
  requester        TEXT NOT NULL,
  retention_months INTEGER NOT NULL,
  recipients       TEXT NOT NULL,            -- the Caf's services, one per line
  create_time_us   INTEGER NOT NULL,
  state            INTEGER NOT NULL,
  update_time_us   INTEGER NOT NULL
);
CREATE INDEX caf_requests_commune ON caf_requests(commune, number);
CREATE TRIGGER caf_requests_start_without_state BEFORE INSERT ON caf_requests
  WHEN NEW.state != 0
  BEGIN SELECT RAISE(ABORT, 'a request gets its state from its submission transition'); END;
CREATE TRIGGER caf_requests_declaration_immutable
  BEFORE UPDATE OF id, number, commune, convention_id, purpose, objective, requester,
                   retention_months, recipients, create_time_us ON caf_requests
  BEGIN SELECT RAISE(ABORT, 'a request''s declaration is immutable (R2)'); END;
CREATE TRIGGER caf_requests_never_deleted BEFORE DELETE ON caf_requests
  BEGIN SELECT RAISE(ABORT, 'requests are never deleted'); END;

CREATE TABLE caf_request_versions (
  request_id     TEXT NOT NULL REFERENCES caf_requests(id),
  version        INTEGER NOT NULL,
  description    TEXT NOT NULL,
  has_template   INTEGER NOT NULL,
  columns        TEXT NOT NULL,
  territories    TEXT NOT NULL,
  periods        TEXT NOT NULL,
  answer         TEXT NOT NULL,
  author         TEXT NOT NULL,
  create_time_us INTEGER NOT NULL,
  PRIMARY KEY (request_id, version)
);
CREATE TRIGGER caf_request_versions_consecutive BEFORE INSERT ON caf_request_versions
  WHEN NEW.version != coalesce((SELECT max(version) FROM caf_request_versions
                                WHERE request_id = NEW.request_id), 0) + 1
  BEGIN SELECT RAISE(ABORT, 'request versions are numbered without gaps'); END;
CREATE TRIGGER caf_request_versions_append_only_update BEFORE UPDATE ON caf_request_versions
  BEGIN SELECT RAISE(ABORT, 'request versions are append-only'); END;
CREATE TRIGGER caf_request_versions_append_only_delete BEFORE DELETE ON caf_request_versions
  BEGIN SELECT RAISE(ABORT, 'request versions are append-only'); END;

CREATE TABLE caf_request_transitions (
  seq        INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES caf_requests(id),
  from_state INTEGER NOT NULL,
  to_state   INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  time_us    INTEGER NOT NULL,
  reason     TEXT NOT NULL
);
CREATE INDEX caf_request_transitions_request ON caf_request_transitions(request_id, seq);
CREATE TRIGGER caf_request_transitions_chain BEFORE INSERT ON caf_request_transitions
  WHEN NEW.from_state != coalesce((SELECT to_state FROM caf_request_transitions
                                   WHERE request_id = NEW.request_id
                                   ORDER BY seq DESC LIMIT 1), 0)
  BEGIN SELECT RAISE(ABORT, 'a transition starts from the request''s current state'); END;
CREATE TRIGGER caf_requests_state_follows_transitions BEFORE UPDATE OF state ON caf_requests
  WHEN NEW.state IS NOT (SELECT to_state FROM caf_request_transitions
                         WHERE request_id = NEW.id ORDER BY seq DESC LIMIT 1)
  BEGIN SELECT RAISE(ABORT, 'a request''s state changes only with a recorded transition'); END;
CREATE TRIGGER caf_request_transitions_apply AFTER INSERT ON caf_request_transitions
  BEGIN
    UPDATE caf_requests SET state = NEW.to_state, update_time_us = NEW.time_us
      WHERE id = NEW.request_id;
  END;
CREATE TRIGGER caf_request_transitions_append_only_update BEFORE UPDATE ON caf_request_transitions
  BEGIN SELECT RAISE(ABORT, 'request transitions are append-only'); END;
CREATE TRIGGER caf_request_transitions_append_only_delete BEFORE DELETE ON caf_request_transitions
  BEGIN SELECT RAISE(ABORT, 'request transitions are append-only'); END;

CREATE TABLE caf_request_questions (
  seq        INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES caf_requests(id),
  round      INTEGER NOT NULL,
  question   TEXT NOT NULL,
  author     TEXT NOT NULL,
  time_us    INTEGER NOT NULL
);
CREATE INDEX caf_request_questions_request ON caf_request_questions(request_id, seq);
CREATE TRIGGER caf_request_questions_append_only_update BEFORE UPDATE ON caf_request_questions
  BEGIN SELECT RAISE(ABORT, 'request questions are append-only'); END;
CREATE TRIGGER caf_request_questions_append_only_delete BEFORE DELETE ON caf_request_questions
  BEGIN SELECT RAISE(ABORT, 'request questions are append-only'); END;

CREATE TABLE caf_request_opinions (
  seq        INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES caf_requests(id),
  aspect     INTEGER NOT NULL CHECK (aspect IN (1, 2)),
  opinion    INTEGER NOT NULL,
  reasoning  TEXT NOT NULL,
  reviewer   TEXT NOT NULL,
  version    INTEGER NOT NULL,
  time_us    INTEGER NOT NULL
);
CREATE INDEX caf_request_opinions_request ON caf_request_opinions(request_id, seq);
CREATE TRIGGER caf_request_opinions_append_only_update BEFORE UPDATE ON caf_request_opinions
  BEGIN SELECT RAISE(ABORT, 'request opinions are append-only'); END;
CREATE TRIGGER caf_request_opinions_append_only_delete BEFORE DELETE ON caf_request_opinions
  BEGIN SELECT RAISE(ABORT, 'request opinions are append-only'); END;

CREATE TABLE caf_request_approvals (
  request_id     TEXT PRIMARY KEY REFERENCES caf_requests(id),
  end_time_us    INTEGER,
  download_quota INTEGER NOT NULL,
  time_us        INTEGER NOT NULL
);
CREATE TRIGGER caf_request_approvals_append_only_update BEFORE UPDATE ON caf_request_approvals
  BEGIN SELECT RAISE(ABORT, 'request approvals are append-only'); END;
CREATE TRIGGER caf_request_approvals_append_only_delete BEFORE DELETE ON caf_request_approvals
  BEGIN SELECT RAISE(ABORT, 'request approvals are append-only'); END;

-- The commune's files, addressed by their SHA-256.
CREATE TABLE caf_files (
  sha256  TEXT PRIMARY KEY,
  content BLOB NOT NULL
);
CREATE TRIGGER caf_files_append_only_update BEFORE UPDATE ON caf_files
  BEGIN SELECT RAISE(ABORT, 'uploaded files are append-only'); END;
CREATE TRIGGER caf_files_append_only_delete BEFORE DELETE ON caf_files
  BEGIN SELECT RAISE(ABORT, 'uploaded files are append-only'); END;

CREATE TABLE caf_request_uploads (
  request_id       TEXT PRIMARY KEY REFERENCES caf_requests(id),
  sha256           TEXT NOT NULL REFERENCES caf_files(sha256),
  size_bytes       INTEGER NOT NULL,
  rows             INTEGER NOT NULL,
  uploader         TEXT NOT NULL,
  no_personal_data INTEGER NOT NULL CHECK (no_personal_data = 1),
  time_us          INTEGER NOT NULL
);
CREATE TRIGGER caf_request_uploads_append_only_update BEFORE UPDATE ON caf_request_uploads
  BEGIN SELECT RAISE(ABORT, 'uploads are append-only'); END;
CREATE TRIGGER caf_request_uploads_append_only_delete BEFORE DELETE ON caf_request_uploads
  BEGIN SELECT RAISE(ABORT, 'uploads are append-only'); END;

CREATE TABLE caf_request_downloads (
  request_id TEXT NOT NULL REFERENCES caf_requests(id),
  download   INTEGER NOT NULL,
  downloader TEXT NOT NULL,
  time_us    INTEGER NOT NULL,
  PRIMARY KEY (request_id, download)
);
CREATE TRIGGER caf_request_downloads_append_only_update BEFORE UPDATE ON caf_request_downloads
  BEGIN SELECT RAISE(ABORT, 'downloads are append-only'); END;
CREATE TRIGGER caf_request_downloads_append_only_delete BEFORE DELETE ON caf_request_downloads
  BEGIN SELECT RAISE(ABORT, 'downloads are append-only'); END;
)sql";

namespace {

constexpr const RequestTables& kTables = kCafRequestTables;

constexpr char kColumns[] =
    "id, commune, convention_id, purpose, objective, requester, "
    "retention_months, recipients, "
    "create_time_us, state, update_time_us";

CafRequestRow ReadRequest(const Statement& s) {
  CafRequestRow r;
  ReadDeclaration(s, r);
  r.recipients = absl::StrSplit(s.ColumnText(7), '\n', absl::SkipEmpty());
  r.create_time_us = s.ColumnInt(8);
  r.state = static_cast<int>(s.ColumnInt(9));
  r.update_time_us = s.ColumnInt(10);
  return r;
}

absl::Status LoadVersions(Connection& conn, StoredCafRequest& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT version, description, has_template, columns, "
          "territories, periods, answer, author, create_time_us FROM "
          "caf_request_versions WHERE request_id = ?1 ORDER BY version"));
  stmt.Bind(1, out.request.id);
  return ForEachRow(stmt, [&](const Statement& s) {
    CafVersionRow v;
    v.version = static_cast<int>(s.ColumnInt(0));
    v.description = s.ColumnText(1);
    if (s.ColumnInt(2) != 0) {
      v.data_template = CafTemplateRow{SplitCodes(s.ColumnText(3)),
                                       SplitCodes(s.ColumnText(4)),
                                       SplitCodes(s.ColumnText(5))};
    }
    v.answer = s.ColumnText(6);
    v.author = s.ColumnText(7);
    v.time_us = s.ColumnInt(8);
    out.versions.push_back(std::move(v));
  });
}

absl::Status LoadApproval(Connection& conn, StoredCafRequest& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare("SELECT end_time_us, download_quota, time_us FROM "
                   "caf_request_approvals WHERE request_id = ?1"));
  s.Bind(1, out.request.id);
  CTG_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return absl::OkStatus();
  CafApprovalRow a;
  if (!s.ColumnIsNull(0)) a.end_time_us = s.ColumnInt(0);
  a.download_quota = static_cast<int>(s.ColumnInt(1));
  a.time_us = s.ColumnInt(2);
  out.approval = a;
  return absl::OkStatus();
}

absl::Status LoadUpload(Connection& conn, StoredCafRequest& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare("SELECT sha256, size_bytes, rows, uploader, "
                   "no_personal_data, time_us FROM caf_request_uploads WHERE "
                   "request_id = ?1"));
  s.Bind(1, out.request.id);
  CTG_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return absl::OkStatus();
  CafUploadRow u;
  u.sha256 = s.ColumnText(0);
  u.size_bytes = s.ColumnInt(1);
  u.rows = s.ColumnInt(2);
  u.uploader = s.ColumnText(3);
  u.no_personal_data = s.ColumnInt(4) != 0;
  u.time_us = s.ColumnInt(5);
  out.upload = u;
  return absl::OkStatus();
}

absl::Status LoadDownloads(Connection& conn, StoredCafRequest& out) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT download, downloader, time_us FROM "
                   "caf_request_downloads WHERE request_id = ?1 ORDER BY "
                   "download"));
  stmt.Bind(1, out.request.id);
  return ForEachRow(stmt, [&](const Statement& s) {
    out.downloads.push_back(
        {static_cast<int>(s.ColumnInt(0)), s.ColumnText(1), s.ColumnInt(2)});
  });
}

// Fills the history of `out.request.id`.
absl::Status LoadHistory(Connection& conn, StoredCafRequest& out) {
  CTG_RETURN_IF_ERROR(LoadVersions(conn, out));
  CTG_RETURN_IF_ERROR(LoadSharedHistory(conn, kTables, out));
  CTG_RETURN_IF_ERROR(LoadApproval(conn, out));
  CTG_RETURN_IF_ERROR(LoadUpload(conn, out));
  return LoadDownloads(conn, out);
}

}  // namespace

absl::StatusOr<std::string> NextCafRequestId(Connection& conn) {
  CTG_ASSIGN_OR_RETURN(int64_t number, NextRequestNumber(conn, kTables));
  return CafRequestIdOf(number);
}

absl::Status InsertCafRequest(Connection& conn, const CafRequestRow& row) {
  std::optional<int64_t> number = CafRequestNumberOf(row.id);
  if (!number) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CEscape(row.id), "\" is not a request id (CREQ-000001)"));
  }
  for (const std::string& r : row.recipients) {
    if (r.find('\n') != std::string::npos) {
      return absl::InvalidArgumentError("recipients: a name is one line");
    }
  }
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("INSERT INTO caf_requests (id, number, "
                                    "commune, convention_id, purpose, "
                                    "objective, requester, retention_months, "
                                    "recipients, create_time_us, state, "
                                    "update_time_us) VALUES (?1, ?2, ?3, ?4, "
                                    "?5, ?6, ?7, ?8, ?9, ?10, 0, ?10)"));
  BindDeclaration(stmt, row, *number);
  stmt.Bind(9, absl::StrJoin(row.recipients, "\n"))
      .Bind(10, row.create_time_us);
  return stmt.Run();
}

absl::StatusOr<int> AppendCafVersion(Connection& conn, const std::string& id,
                                     const CafVersionRow& version) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, kTables, id));
  CafTemplateRow empty;
  const CafTemplateRow& t =
      version.data_template ? *version.data_template : empty;
  CTG_ASSIGN_OR_RETURN(std::string columns,
                       JoinCodes("data_template", "columns", t.columns));
  CTG_ASSIGN_OR_RETURN(
      std::string territories,
      JoinCodes("data_template", "territories", t.territories));
  CTG_ASSIGN_OR_RETURN(std::string periods,
                       JoinCodes("data_template", "periods", t.periods));
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "INSERT INTO caf_request_versions (request_id, version, description, "
          "has_template, columns, territories, periods, answer, author, "
          "create_time_us) "
          "VALUES (?1, (SELECT coalesce(max(version), 0) + 1 FROM "
          "caf_request_versions "
          "WHERE request_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING "
          "version"));
  stmt.Bind(1, id)
      .Bind(2, version.description)
      .Bind(3, int64_t{version.data_template.has_value()})
      .Bind(4, columns)
      .Bind(5, territories)
      .Bind(6, periods)
      .Bind(7, version.answer)
      .Bind(8, version.author)
      .Bind(9, version.time_us);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError("no version number returned");
  int number = static_cast<int>(stmt.ColumnInt(0));
  CTG_RETURN_IF_ERROR(stmt.Run());
  return number;
}

absl::Status AppendCafTransition(Connection& conn, const std::string& id,
                                 const CafTransitionRow& transition) {
  return InsertTransition(conn, kTables, id, transition);
}

absl::StatusOr<int> AppendCafQuestions(
    Connection& conn, const std::string& id,
    const std::vector<std::string>& questions, const std::string& author,
    int64_t time_us) {
  return AppendQuestionRound(conn, kTables, id, questions, author, time_us);
}

absl::Status AppendCafOpinion(Connection& conn, const std::string& id,
                              const CafOpinionRow& opinion) {
  return InsertOpinion(conn, kTables, id, opinion);
}

absl::Status InsertCafApproval(Connection& conn, const std::string& id,
                               const CafApprovalRow& a) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, kTables, id));
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("INSERT INTO caf_request_approvals "
                                    "(request_id, end_time_us, download_quota, "
                                    "time_us) VALUES (?1, ?2, ?3, ?4)"));
  stmt.Bind(1, id);
  if (a.end_time_us) {
    stmt.Bind(2, *a.end_time_us);
  } else {
    stmt.BindNull(2);
  }
  stmt.Bind(3, int64_t{a.download_quota}).Bind(4, a.time_us);
  return stmt.Run();
}

absl::Status InsertCafUpload(Connection& conn, const std::string& id,
                             const CafUploadRow& u,
                             const std::string& content) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, kTables, id));
  CTG_ASSIGN_OR_RETURN(
      Statement file,
      conn.Prepare("INSERT OR IGNORE INTO caf_files (sha256, content) "
                   "VALUES (?1, ?2)"));
  file.Bind(1, u.sha256).BindBlob(2, content);
  CTG_RETURN_IF_ERROR(file.Run());
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("INSERT INTO caf_request_uploads "
                                    "(request_id, sha256, size_bytes, rows, "
                                    "uploader, no_personal_data, time_us) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt.Bind(1, id)
      .Bind(2, u.sha256)
      .Bind(3, u.size_bytes)
      .Bind(4, u.rows)
      .Bind(5, u.uploader)
      .Bind(6, int64_t{u.no_personal_data})
      .Bind(7, u.time_us);
  return stmt.Run();
}

absl::StatusOr<std::string> GetCafFile(Connection& conn,
                                       const std::string& sha256) {
  CTG_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare("SELECT content FROM caf_files WHERE sha256 = ?1"));
  s.Bind(1, sha256);
  CTG_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row)
    return absl::NotFoundError(absl::StrCat("file ", sha256, " not found"));
  return s.ColumnBlob(0);
}

absl::StatusOr<int> AppendCafDownload(Connection& conn, const std::string& id,
                                      const std::string& downloader,
                                      int64_t time_us) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(conn, kTables, id));
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("INSERT INTO caf_request_downloads (request_id, download, "
                   "downloader, time_us) "
                   "VALUES (?1, (SELECT coalesce(max(download), 0) + 1 FROM "
                   "caf_request_downloads WHERE request_id = ?1), ?2, ?3) "
                   "RETURNING download"));
  stmt.Bind(1, id).Bind(2, downloader).Bind(3, time_us);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError("no download number returned");
  int number = static_cast<int>(stmt.ColumnInt(0));
  CTG_RETURN_IF_ERROR(stmt.Run());
  return number;
}

absl::StatusOr<StoredCafRequest> GetCafRequest(Connection& conn,
                                               const std::string& id) {
  CTG_ASSIGN_OR_RETURN(Statement s, conn.Prepare(absl::StrCat(
                                        "SELECT ", kColumns,
                                        " FROM caf_requests WHERE id = ?1")));
  s.Bind(1, id);
  CTG_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return RequestNotFoundError(id);
  StoredCafRequest out;
  out.request = ReadRequest(s);
  CTG_RETURN_IF_ERROR(s.Run());
  CTG_RETURN_IF_ERROR(LoadHistory(conn, out));
  return out;
}

absl::StatusOr<std::vector<StoredCafRequest>> ListCafRequests(
    Connection& conn, const CafRequestFilter& filter, int limit) {
  CTG_ASSIGN_OR_RETURN(
      Statement s, conn.Prepare(absl::StrCat(
                       "SELECT ", kColumns,
                       " FROM caf_requests WHERE (?1 = '' OR commune = ?1) AND "
                       "(?2 = 0 OR state = ?2) AND (?3 = 0 OR number < ?3) "
                       "ORDER BY number DESC LIMIT ?4")));
  s.Bind(1, filter.commune)
      .Bind(2, int64_t{filter.state})
      .Bind(3, filter.before_number)
      .Bind(4, int64_t{limit});
  std::vector<StoredCafRequest> out;
  CTG_RETURN_IF_ERROR(ForEachRow(s, [&](const Statement& row) {
    out.emplace_back();
    out.back().request = ReadRequest(row);
  }));
  for (StoredCafRequest& r : out) CTG_RETURN_IF_ERROR(LoadHistory(conn, r));
  return out;
}

}  // namespace ctg::store::sqlite
