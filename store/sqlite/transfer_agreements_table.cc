#include "store/sqlite/transfer_agreements_table.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace ctg::store {

std::string AgreementIdOf(int64_t number) {
  return absl::StrFormat("%s%06d", "AGR-", number);
}

std::optional<int64_t> AgreementNumberOf(const std::string& id) {
  if (!absl::StartsWith(id, "AGR-")) return std::nullopt;
  absl::string_view digits = absl::string_view(id).substr(4);
  if (digits.size() < 6 || digits.size() > 18) return std::nullopt;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  int64_t number = 0;
  if (!absl::SimpleAtoi(digits, &number) || number <= 0) return std::nullopt;
  if (AgreementIdOf(number) != id) return std::nullopt;
  return number;
}

}  // namespace ctg::store

namespace ctg::store::sqlite {

const char kTransferAgreementsSchema[] = R"sql(
CREATE TABLE transfer_agreements (
  id             TEXT PRIMARY KEY,          -- "AGR-000001"
  number         INTEGER NOT NULL UNIQUE,
  extract_id     TEXT NOT NULL,             -- the release concerned
  request_id     TEXT NOT NULL REFERENCES requests(id),
  commune        TEXT NOT NULL,             -- the tenant
  convention_id  TEXT NOT NULL REFERENCES conventions(id),
  extract_sha256 TEXT NOT NULL,
  recipient      TEXT NOT NULL,             -- the third party (R3)
  purpose        TEXT NOT NULL,
  requester      TEXT NOT NULL,
  create_time_us INTEGER NOT NULL
);
CREATE INDEX transfer_agreements_commune ON transfer_agreements(commune, number);
CREATE INDEX transfer_agreements_extract ON transfer_agreements(extract_id, number);
CREATE INDEX transfer_agreements_request ON transfer_agreements(request_id, number);
CREATE TRIGGER transfer_agreements_immutable BEFORE UPDATE ON transfer_agreements
  BEGIN SELECT RAISE(ABORT, 'an agreement request is immutable (R3)'); END;
CREATE TRIGGER transfer_agreements_never_deleted BEFORE DELETE ON transfer_agreements
  BEGIN SELECT RAISE(ABORT, 'agreements are never deleted'); END;

CREATE TABLE transfer_agreement_decisions (
  agreement_id TEXT PRIMARY KEY REFERENCES transfer_agreements(id),
  state        INTEGER NOT NULL CHECK (state IN (2, 3)),  -- approved, rejected
  reasons      TEXT NOT NULL,
  reviewer     TEXT NOT NULL,
  time_us      INTEGER NOT NULL
);
CREATE TRIGGER transfer_agreement_decisions_append_only_update
  BEFORE UPDATE ON transfer_agreement_decisions
  BEGIN SELECT RAISE(ABORT, 'agreement decisions are append-only'); END;
CREATE TRIGGER transfer_agreement_decisions_append_only_delete
  BEFORE DELETE ON transfer_agreement_decisions
  BEGIN SELECT RAISE(ABORT, 'agreement decisions are append-only'); END;
CREATE INDEX releases_extract_id ON releases(extract_id);
)sql";

namespace {

constexpr char kSelect[] =
    "SELECT a.id, a.extract_id, a.request_id, a.commune, a.convention_id, "
    "a.extract_sha256, "
    "a.recipient, a.purpose, a.requester, a.create_time_us, d.state, "
    "d.reasons, d.reviewer, "
    "d.time_us FROM transfer_agreements a LEFT JOIN "
    "transfer_agreement_decisions d "
    "ON d.agreement_id = a.id ";

AgreementRow Read(const Statement& s) {
  AgreementRow r;
  r.id = s.ColumnText(0);
  r.extract_id = s.ColumnText(1);
  r.request_id = s.ColumnText(2);
  r.commune = s.ColumnText(3);
  r.convention_id = s.ColumnText(4);
  r.extract_sha256 = s.ColumnText(5);
  r.recipient = s.ColumnText(6);
  r.purpose = s.ColumnText(7);
  r.requester = s.ColumnText(8);
  r.create_time_us = s.ColumnInt(9);
  if (!s.ColumnIsNull(10)) {
    AgreementDecisionRow d;
    d.state = static_cast<int>(s.ColumnInt(10));
    d.reasons = s.ColumnText(11);
    d.reviewer = s.ColumnText(12);
    d.time_us = s.ColumnInt(13);
    r.decision = d;
  }
  return r;
}

}  // namespace

absl::StatusOr<std::string> NextAgreementId(Connection& conn) {
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("SELECT coalesce(max(number), 0) + 1 "
                                    "FROM transfer_agreements"));
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return AgreementIdOf(row ? stmt.ColumnInt(0) : 1);
}

absl::Status InsertAgreement(Connection& conn, const AgreementRow& row) {
  std::optional<int64_t> number = AgreementNumberOf(row.id);
  if (!number) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CEscape(row.id), "\" is not an agreement id (AGR-000001)"));
  }
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("INSERT INTO transfer_agreements (id, "
                                    "number, extract_id, request_id, "
                                    "commune, convention_id, extract_sha256, "
                                    "recipient, purpose, requester, "
                                    "create_time_us) VALUES (?1, ?2, ?3, ?4, "
                                    "?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  stmt.Bind(1, row.id)
      .Bind(2, *number)
      .Bind(3, row.extract_id)
      .Bind(4, row.request_id)
      .Bind(5, row.commune)
      .Bind(6, row.convention_id)
      .Bind(7, row.extract_sha256)
      .Bind(8, row.recipient)
      .Bind(9, row.purpose)
      .Bind(10, row.requester)
      .Bind(11, row.create_time_us);
  return stmt.Run();
}

absl::Status InsertAgreementDecision(Connection& conn, const std::string& id,
                                     const AgreementDecisionRow& d) {
  CTG_RETURN_IF_ERROR(GetAgreement(conn, id).status());
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("INSERT INTO transfer_agreement_decisions (agreement_id, "
                   "state, reasons, "
                   "reviewer, time_us) VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt.Bind(1, id)
      .Bind(2, int64_t{d.state})
      .Bind(3, d.reasons)
      .Bind(4, d.reviewer)
      .Bind(5, d.time_us);
  return stmt.Run();
}

absl::StatusOr<AgreementRow> GetAgreement(Connection& conn,
                                          const std::string& id) {
  CTG_ASSIGN_OR_RETURN(Statement s,
                       conn.Prepare(absl::StrCat(kSelect, "WHERE a.id = ?1")));
  s.Bind(1, id);
  CTG_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row)
    return absl::NotFoundError(absl::StrCat("agreement ", id, " not found"));
  AgreementRow out = Read(s);
  CTG_RETURN_IF_ERROR(s.Run());
  return out;
}

absl::StatusOr<std::vector<AgreementRow>> ListAgreements(
    Connection& conn, const AgreementFilter& filter, int limit) {
  CTG_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare(absl::StrCat(
          kSelect,
          "WHERE (?1 = '' OR a.commune = ?1) AND (?2 = '' OR "
          "a.extract_id = ?2) AND (?3 = '' OR a.request_id = ?3) AND "
          "(?4 = 0 OR a.number < ?4) ORDER BY a.number DESC LIMIT ?5")));
  s.Bind(1, filter.commune)
      .Bind(2, filter.extract_id)
      .Bind(3, filter.request_id)
      .Bind(4, filter.before_number)
      .Bind(5, int64_t{limit});
  std::vector<AgreementRow> out;
  for (;;) {
    CTG_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(Read(s));
  }
  return out;
}

absl::StatusOr<uint64_t> FindDecisionEvent(Connection& conn,
                                           const std::string& id) {
  CTG_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare(
          "SELECT seq FROM audit_events WHERE target_kind = 'agreement' AND "
          "target_id = ?1 AND method = '/ctg.v1.TransferAgreements/"
          "DecideTransferAgreement' AND code = 0 ORDER BY seq LIMIT 1"));
  s.Bind(1, id);
  CTG_ASSIGN_OR_RETURN(bool row, s.Step());
  uint64_t seq = row ? static_cast<uint64_t>(s.ColumnInt(0)) : 0;
  CTG_RETURN_IF_ERROR(s.Run());
  return seq;
}

absl::StatusOr<ReleaseRef> GetReleaseByExtractId(
    Connection& conn, const std::string& extract_id) {
  CTG_ASSIGN_OR_RETURN(
      Statement s,
      conn.Prepare("SELECT extract_id, request_id, commune, sha256, time_us "
                   "FROM releases WHERE extract_id = ?1 ORDER BY download "
                   "LIMIT 1"));
  s.Bind(1, extract_id);
  CTG_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row)
    return absl::NotFoundError(
        absl::StrCat("release ", extract_id, " not found"));
  ReleaseRef r{s.ColumnText(0), s.ColumnText(1), s.ColumnText(2),
               s.ColumnText(3), s.ColumnInt(4)};
  CTG_RETURN_IF_ERROR(s.Run());
  return r;
}

}  // namespace ctg::store::sqlite
