#include "store/postgres/pg_article7.h"

#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "store/postgres/pg_request_history.h"

namespace ctg::store::postgres {
namespace {

// The Caf's requests.

constexpr char kRequestColumns[] =
    "id, commune, convention_id, purpose, objective, requester, "
    "retention_months, recipients, create_time_us, state, update_time_us";

CafRequestRow ReadRequest(const pqxx::row& r) {
  CafRequestRow q;
  ReadDeclaration(r, q);
  q.recipients =
      absl::StrSplit(r[7].as<std::string>(), '\n', absl::SkipEmpty());
  q.create_time_us = r[8].as<int64_t>();
  q.state = r[9].as<int>();
  q.update_time_us = r[10].as<int64_t>();
  return q;
}

CafVersionRow ReadVersion(const pqxx::row& r) {
  CafVersionRow v;
  v.version = r[0].as<int>();
  v.description = r[1].as<std::string>();
  if (r[2].as<int64_t>() != 0) {
    v.data_template =
        CafTemplateRow{SplitCodes(r[3]), SplitCodes(r[4]), SplitCodes(r[5])};
  }
  v.answer = r[6].as<std::string>();
  v.author = r[7].as<std::string>();
  v.time_us = r[8].as<int64_t>();
  return v;
}

// Onward-transfer agreements.

constexpr char kAgreementSelect[] =
    "SELECT a.id, a.extract_id, a.request_id, a.commune, a.convention_id, "
    "a.extract_sha256, a.recipient, a.purpose, a.requester, "
    "a.create_time_us, d.state, d.reasons, d.reviewer, d.time_us "
    "FROM transfer_agreements a LEFT JOIN transfer_agreement_decisions d "
    "ON d.agreement_id = a.id ";

AgreementRow ReadAgreement(const pqxx::row& r) {
  AgreementRow a;
  a.id = r[0].as<std::string>();
  a.extract_id = r[1].as<std::string>();
  a.request_id = r[2].as<std::string>();
  a.commune = r[3].as<std::string>();
  a.convention_id = r[4].as<std::string>();
  a.extract_sha256 = r[5].as<std::string>();
  a.recipient = r[6].as<std::string>();
  a.purpose = r[7].as<std::string>();
  a.requester = r[8].as<std::string>();
  a.create_time_us = r[9].as<int64_t>();
  if (!r[10].is_null()) {
    AgreementDecisionRow d;
    d.state = r[10].as<int>();
    d.reasons = r[11].as<std::string>();
    d.reviewer = r[12].as<std::string>();
    d.time_us = r[13].as<int64_t>();
    a.decision = std::move(d);
  }
  return a;
}

}  // namespace

absl::Status PgCafRequestStore::LoadHistory(StoredCafRequest& out) const {
  const std::string& id = out.request.id;
  CTG_ASSIGN_OR_RETURN(
      pqxx::result versions,
      s_.Exec("SELECT version, description, has_template, columns, "
              "territories, periods, answer, author, create_time_us FROM "
              "caf_request_versions WHERE request_id = $1 ORDER BY version",
              id));
  for (const auto& r : versions) out.versions.push_back(ReadVersion(r));
  CTG_RETURN_IF_ERROR(LoadSharedHistory(s_, kCafRequestTables, out));
  CTG_ASSIGN_OR_RETURN(
      pqxx::result approval,
      s_.Exec("SELECT end_time_us, download_quota, time_us FROM "
              "caf_request_approvals WHERE request_id = $1",
              id));
  if (!approval.empty()) {
    const auto& r = approval[0];
    CafApprovalRow a;
    if (!r[0].is_null()) a.end_time_us = r[0].as<int64_t>();
    a.download_quota = r[1].as<int>();
    a.time_us = r[2].as<int64_t>();
    out.approval = a;
  }
  CTG_ASSIGN_OR_RETURN(
      pqxx::result upload,
      s_.Exec("SELECT sha256, size_bytes, rows, uploader, no_personal_data, "
              "time_us FROM caf_request_uploads WHERE request_id = $1",
              id));
  if (!upload.empty()) {
    const auto& r = upload[0];
    CafUploadRow u;
    u.sha256 = r[0].as<std::string>();
    u.size_bytes = r[1].as<int64_t>();
    u.rows = r[2].as<int64_t>();
    u.uploader = r[3].as<std::string>();
    u.no_personal_data = r[4].as<int64_t>() != 0;
    u.time_us = r[5].as<int64_t>();
    out.upload = std::move(u);
  }
  CTG_ASSIGN_OR_RETURN(
      pqxx::result downloads,
      s_.Exec("SELECT download, downloader, time_us FROM "
              "caf_request_downloads WHERE request_id = $1 ORDER BY download",
              id));
  for (const auto& r : downloads) {
    out.downloads.push_back(
        {r[0].as<int>(), r[1].as<std::string>(), r[2].as<int64_t>()});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PgCafRequestStore::NextId() const {
  CTG_ASSIGN_OR_RETURN(int64_t number,
                       NextRequestNumber(s_, kCafRequestTables));
  return CafRequestIdOf(number);
}

absl::Status PgCafRequestStore::Insert(const CafRequestRow& row) {
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
  return s_
      .Exec(
          "INSERT INTO caf_requests (id, number, commune, convention_id, "
          "purpose, objective, requester, retention_months, recipients, "
          "create_time_us, state, update_time_us) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $10)",
          row.id, *number, row.commune, row.convention_id, row.purpose,
          row.objective, row.requester, int64_t{row.retention_months},
          absl::StrJoin(row.recipients, "\n"), row.create_time_us)
      .status();
}

absl::StatusOr<int> PgCafRequestStore::AppendVersion(
    const std::string& id, const CafVersionRow& version) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(s_, kCafRequestTables, id));
  const CafTemplateRow t = version.data_template.value_or(CafTemplateRow{});
  CTG_ASSIGN_OR_RETURN(std::string columns,
                       JoinCodes("data_template", "columns", t.columns));
  CTG_ASSIGN_OR_RETURN(
      std::string territories,
      JoinCodes("data_template", "territories", t.territories));
  CTG_ASSIGN_OR_RETURN(std::string periods,
                       JoinCodes("data_template", "periods", t.periods));
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec("INSERT INTO caf_request_versions (request_id, version, "
              "description, has_template, columns, territories, periods, "
              "answer, author, create_time_us) "
              "SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, "
              "$7, $8, $9 FROM caf_request_versions WHERE request_id = $1 "
              "RETURNING version",
              id, version.description,
              int64_t{version.data_template.has_value()}, columns, territories,
              periods, version.answer, version.author, version.time_us));
  return r[0][0].as<int>();
}

absl::Status PgCafRequestStore::AppendTransition(const std::string& id,
                                                 const CafTransitionRow& t) {
  return InsertTransition(s_, kCafRequestTables, id, t);
}

absl::StatusOr<int> PgCafRequestStore::AppendQuestions(
    const std::string& id, const std::vector<std::string>& questions,
    const std::string& author, int64_t time_us) {
  return AppendQuestionRound(s_, kCafRequestTables, id, questions, author,
                             time_us);
}

absl::Status PgCafRequestStore::AppendOpinion(const std::string& id,
                                              const CafOpinionRow& o) {
  return InsertOpinion(s_, kCafRequestTables, id, o);
}

absl::Status PgCafRequestStore::InsertApproval(const std::string& id,
                                               const CafApprovalRow& a) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(s_, kCafRequestTables, id));
  // No end: NULL (the CASE has no ELSE).
  return s_
      .Exec(
          "INSERT INTO caf_request_approvals (request_id, end_time_us, "
          "download_quota, time_us) "
          "VALUES ($1, CASE WHEN $2 THEN $3::bigint END, $4, $5)",
          id, a.end_time_us.has_value(), a.end_time_us.value_or(0),
          int64_t{a.download_quota}, a.time_us)
      .status();
}

absl::Status PgCafRequestStore::InsertUpload(const std::string& id,
                                             const CafUploadRow& u,
                                             const std::string& content) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(s_, kCafRequestTables, id));
  // One copy per content: a file uploaded before (for another request) is
  // kept as it is.
  CTG_RETURN_IF_ERROR(
      s_.Exec("INSERT INTO caf_files (sha256, content) VALUES ($1, $2) "
              "ON CONFLICT (sha256) DO NOTHING",
              u.sha256, Bytes(content))
          .status());
  return s_
      .Exec(
          "INSERT INTO caf_request_uploads (request_id, sha256, size_bytes, "
          "rows, uploader, no_personal_data, time_us) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7)",
          id, u.sha256, u.size_bytes, u.rows, u.uploader,
          int64_t{u.no_personal_data}, u.time_us)
      .status();
}

absl::StatusOr<std::string> PgCafRequestStore::File(
    const std::string& sha256) const {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec("SELECT content FROM caf_files WHERE sha256 = $1", sha256));
  if (r.empty())
    return absl::NotFoundError(absl::StrCat("file ", sha256, " not found"));
  return BytesOf(r[0][0]);
}

absl::StatusOr<int> PgCafRequestStore::AppendDownload(
    const std::string& id, const std::string& downloader, int64_t time_us) {
  CTG_RETURN_IF_ERROR(CheckRequestExists(s_, kCafRequestTables, id));
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec("INSERT INTO caf_request_downloads (request_id, download, "
              "downloader, time_us) "
              "SELECT $1, coalesce(max(download), 0) + 1, $2, $3 FROM "
              "caf_request_downloads WHERE request_id = $1 RETURNING download",
              id, downloader, time_us));
  return r[0][0].as<int>();
}

absl::StatusOr<StoredCafRequest> PgCafRequestStore::Get(
    const std::string& id) const {
  CTG_ASSIGN_OR_RETURN(pqxx::result r,
                       s_.Exec(absl::StrCat("SELECT ", kRequestColumns,
                                            " FROM caf_requests WHERE id = $1"),
                               id));
  if (r.empty()) return RequestNotFoundError(id);
  StoredCafRequest out;
  out.request = ReadRequest(r[0]);
  CTG_RETURN_IF_ERROR(LoadHistory(out));
  return out;
}

absl::StatusOr<std::vector<StoredCafRequest>> PgCafRequestStore::List(
    const CafRequestFilter& filter, int limit) const {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec(absl::StrCat("SELECT ", kRequestColumns,
                           " FROM caf_requests WHERE ($1 = '' OR commune = $1)"
                           " AND ($2 = 0 OR state = $2) AND ($3 = 0 OR number "
                           "< $3) ORDER BY number DESC LIMIT $4"),
              filter.commune, int64_t{filter.state}, filter.before_number,
              int64_t{limit}));
  std::vector<StoredCafRequest> out;
  for (const auto& row : r) {
    out.emplace_back();
    out.back().request = ReadRequest(row);
  }
  for (StoredCafRequest& q : out) CTG_RETURN_IF_ERROR(LoadHistory(q));
  return out;
}

absl::StatusOr<std::string> PgTransferAgreementStore::NextId() const {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec("SELECT coalesce(max(number), 0) + 1 FROM transfer_agreements"));
  return AgreementIdOf(r[0][0].as<int64_t>());
}

absl::Status PgTransferAgreementStore::Insert(const AgreementRow& row) {
  std::optional<int64_t> number = AgreementNumberOf(row.id);
  if (!number) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CEscape(row.id), "\" is not an agreement id (AGR-000001)"));
  }
  return s_
      .Exec(
          "INSERT INTO transfer_agreements (id, number, extract_id, "
          "request_id, commune, convention_id, extract_sha256, recipient, "
          "purpose, requester, create_time_us) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
          row.id, *number, row.extract_id, row.request_id, row.commune,
          row.convention_id, row.extract_sha256, row.recipient, row.purpose,
          row.requester, row.create_time_us)
      .status();
}

absl::Status PgTransferAgreementStore::InsertDecision(
    const std::string& id, const AgreementDecisionRow& d) {
  CTG_RETURN_IF_ERROR(Get(id).status());
  return s_
      .Exec(
          "INSERT INTO transfer_agreement_decisions (agreement_id, state, "
          "reasons, reviewer, time_us) VALUES ($1, $2, $3, $4, $5)",
          id, int64_t{d.state}, d.reasons, d.reviewer, d.time_us)
      .status();
}

absl::StatusOr<AgreementRow> PgTransferAgreementStore::Get(
    const std::string& id) const {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec(absl::StrCat(kAgreementSelect, "WHERE a.id = $1"), id));
  if (r.empty())
    return absl::NotFoundError(absl::StrCat("agreement ", id, " not found"));
  return ReadAgreement(r[0]);
}

absl::StatusOr<std::vector<AgreementRow>> PgTransferAgreementStore::List(
    const AgreementFilter& filter, int limit) const {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec(absl::StrCat(
                  kAgreementSelect,
                  "WHERE ($1 = '' OR a.commune = $1) AND ($2 = '' OR "
                  "a.extract_id = $2) AND ($3 = '' OR a.request_id = $3) AND "
                  "($4 = 0 OR a.number < $4) ORDER BY a.number DESC LIMIT $5"),
              filter.commune, filter.extract_id, filter.request_id,
              filter.before_number, int64_t{limit}));
  std::vector<AgreementRow> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(ReadAgreement(row));
  return out;
}

absl::StatusOr<uint64_t> PgTransferAgreementStore::DecisionEvent(
    const std::string& id) const {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec("SELECT seq FROM audit_events WHERE target_kind = 'agreement' "
              "AND target_id = $1 AND method = "
              "'/ctg.v1.TransferAgreements/DecideTransferAgreement' AND "
              "code = 0 ORDER BY seq LIMIT 1",
              id));
  return r.empty() ? uint64_t{0} : r[0][0].as<uint64_t>();
}

absl::StatusOr<ReleaseRef> PgTransferAgreementStore::FindRelease(
    const std::string& extract_id) const {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      s_.Exec("SELECT extract_id, request_id, commune, sha256, time_us FROM "
              "releases WHERE extract_id = $1 ORDER BY download LIMIT 1",
              extract_id));
  if (r.empty()) {
    return absl::NotFoundError(
        absl::StrCat("release ", extract_id, " not found"));
  }
  const auto& row = r[0];
  return ReleaseRef{row[0].as<std::string>(), row[1].as<std::string>(),
                    row[2].as<std::string>(), row[3].as<std::string>(),
                    row[4].as<int64_t>()};
}

}  // namespace ctg::store::postgres
