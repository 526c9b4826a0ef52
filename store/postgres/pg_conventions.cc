#include "store/postgres/pg_conventions.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/echo.h"
#include "base/status_macros.h"

namespace ctg::store::postgres {
namespace {

constexpr char kColumns[] =
    "id, commune, commune_name, perimeter, valid_from, valid_until, caf_name, "
    "suspended, suspension_reason, termination_notice_date, "
    "termination_effective_date, create_time_us";

ConventionRow ReadRow(const pqxx::row& r) {
  ConventionRow c;
  c.id = r[0].as<std::string>();
  c.commune = r[1].as<std::string>();
  c.commune_name = r[2].as<std::string>();
  c.perimeter = absl::StrSplit(r[3].as<std::string>(), ' ', absl::SkipEmpty());
  c.valid_from = r[4].as<std::string>();
  c.valid_until = r[5].as<std::string>();
  c.caf_name = r[6].as<std::string>();
  c.suspended = r[7].as<int64_t>() != 0;
  c.suspension_reason = r[8].as<std::string>();
  c.termination_notice_date = r[9].as<std::string>();
  c.termination_effective_date = r[10].as<std::string>();
  c.create_time_us = r[11].as<int64_t>();
  return c;
}

absl::Status LoadPriorAgreements(PgSession& session, ConventionRow& row) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT title, date, description FROM "
                   "convention_prior_agreements WHERE convention_id = $1 "
                   "ORDER BY position",
                   row.id));
  for (const auto& a : r) {
    row.prior_agreements.push_back({a[0].as<std::string>(),
                                    a[1].as<std::string>(),
                                    a[2].as<std::string>()});
  }
  return absl::OkStatus();
}

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(
      absl::StrCat("convention ", BoundedEcho(id), " not found"));
}

}  // namespace

absl::Status PgInsertConvention(PgSession& tx, const ConventionRow& row) {
  CTG_RETURN_IF_ERROR(
      tx.Exec(
            absl::StrCat(
                "INSERT INTO conventions (", kColumns,
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"),
            row.id, row.commune, row.commune_name,
            absl::StrJoin(row.perimeter, " "), row.valid_from, row.valid_until,
            row.caf_name, int64_t{row.suspended}, row.suspension_reason,
            row.termination_notice_date, row.termination_effective_date,
            row.create_time_us)
          .status());
  for (size_t i = 0; i < row.prior_agreements.size(); ++i) {
    const PriorAgreementRow& a = row.prior_agreements[i];
    CTG_RETURN_IF_ERROR(tx.Exec("INSERT INTO convention_prior_agreements "
                                "(convention_id, position, title, date, "
                                "description) VALUES ($1, $2, $3, $4, $5)",
                                row.id, static_cast<int64_t>(i), a.title,
                                a.date, a.description)
                            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<ConventionRow> PgGetConvention(PgSession& session,
                                              const std::string& id) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(
          absl::StrCat("SELECT ", kColumns, " FROM conventions WHERE id = $1"),
          id));
  if (r.empty()) return NotFound(id);
  ConventionRow row = ReadRow(r[0]);
  CTG_RETURN_IF_ERROR(LoadPriorAgreements(session, row));
  return row;
}

absl::StatusOr<std::vector<ConventionRow>> PgListConventions(
    PgSession& session, const std::string& commune, const std::string& after_id,
    int limit) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(absl::StrCat("SELECT ", kColumns,
                                " FROM conventions WHERE id COLLATE \"C\" > $1 "
                                "AND ($2 = '' OR commune = $2) ORDER BY id "
                                "COLLATE \"C\" LIMIT $3"),
                   after_id, commune, static_cast<int64_t>(limit)));
  std::vector<ConventionRow> rows;
  for (const auto& row : r) rows.push_back(ReadRow(row));
  for (ConventionRow& row : rows)
    CTG_RETURN_IF_ERROR(LoadPriorAgreements(session, row));
  return rows;
}

absl::Status PgUpdateConventionState(PgSession& tx, const ConventionRow& row) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      tx.Exec("UPDATE conventions SET suspended = $2, suspension_reason = $3, "
              "termination_notice_date = $4, termination_effective_date = $5 "
              "WHERE id = $1",
              row.id, int64_t{row.suspended}, row.suspension_reason,
              row.termination_notice_date, row.termination_effective_date));
  if (r.affected_rows() != 1) return NotFound(row.id);
  return absl::OkStatus();
}

absl::StatusOr<int> PgCountConventions(PgSession& session,
                                       const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT count(*) FROM conventions WHERE commune = $1",
                   commune));
  return r[0][0].as<int>();
}

absl::Status PgAppendConventionEvent(PgSession& tx,
                                     const std::string& convention_id,
                                     const ConventionEventRow& e) {
  return tx
      .Exec(
          "INSERT INTO convention_history (convention_id, action, actor, "
          "time_us, reason) "
          "VALUES ($1, $2, $3, $4, $5)",
          convention_id, e.action, e.actor, e.time_us, e.reason)
      .status();
}

absl::StatusOr<std::vector<ConventionEventRow>> PgConventionHistory(
    PgSession& session, const std::string& id) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(
          "SELECT action, actor, time_us, reason FROM convention_history "
          "WHERE convention_id = $1 ORDER BY seq",
          id));
  std::vector<ConventionEventRow> out;
  for (const auto& e : r) {
    out.push_back({e[0].as<std::string>(), e[1].as<std::string>(),
                   e[2].as<int64_t>(), e[3].as<std::string>()});
  }
  return out;
}

}  // namespace ctg::store::postgres
