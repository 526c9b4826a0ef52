#include "store/postgres/pg_releases.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::store::postgres {

absl::Status PgInsertRelease(PgSession& tx, const LedgerRow& r) {
  return tx
      .Exec(
          "INSERT INTO releases (request_id, download, extract_id, commune, "
          "sha256, "
          "base_version, cells_published, cells_masked, cells_excluded, "
          "time_us, recipient) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
          r.request_id, int64_t{r.download}, r.extract_id, r.commune, r.sha256,
          r.base_version, r.cells_published, r.cells_masked, r.cells_excluded,
          r.time_us, r.recipient)
      .status();
}

absl::StatusOr<int> PgCountReleases(PgSession& session,
                                    const std::string& request_id) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT count(*) FROM releases WHERE request_id = $1",
                   request_id));
  return r[0][0].as<int>();
}

absl::StatusOr<PeriodReleases> PgCountReleasesOfPeriod(
    PgSession& session, const std::string& period) {
  // base_version lists "<period>@<digest>" versions separated by spaces.
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT count(*), count(DISTINCT commune) FROM releases "
                   "WHERE strpos(' ' || base_version, ' ' || $1 || '@') > 0",
                   period));
  return PeriodReleases{r[0][0].as<int64_t>(), r[0][1].as<int64_t>()};
}

absl::StatusOr<std::vector<LedgerRow>> PgListReleases(
    PgSession& session, const std::string& request_id) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(
          "SELECT request_id, download, extract_id, commune, sha256, "
          "base_version, "
          "cells_published, cells_masked, cells_excluded, time_us, recipient "
          "FROM releases WHERE request_id = $1 ORDER BY download",
          request_id));
  std::vector<LedgerRow> out;
  for (const auto& row : r) {
    out.push_back({row[0].as<std::string>(), row[1].as<int>(),
                   row[2].as<std::string>(), row[3].as<std::string>(),
                   row[4].as<std::string>(), row[5].as<std::string>(),
                   row[6].as<int64_t>(), row[7].as<int64_t>(),
                   row[8].as<int64_t>(), row[9].as<int64_t>(),
                   row[10].as<std::string>()});
  }
  return out;
}

absl::StatusOr<MemoryRow> PgGetReleaseMemory(PgSession& session,
                                             const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(
          "SELECT text, version FROM release_memory WHERE commune = $1",
          commune));
  if (r.empty()) return MemoryRow{};
  return MemoryRow{r[0][0].as<std::string>(), r[0][1].as<int64_t>()};
}

absl::Status PgPutReleaseMemory(PgSession& tx, const std::string& commune,
                                const std::string& text,
                                int64_t expected_version) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      tx.Exec(
          "SELECT version FROM release_memory WHERE commune = $1 FOR UPDATE",
          commune));
  int64_t current = r.empty() ? 0 : r[0][0].as<int64_t>();
  if (current != expected_version) {
    return absl::AbortedError(absl::StrCat(
        "another release to commune ", commune, " committed meanwhile; retry"));
  }
  return tx
      .Exec(
          "INSERT INTO release_memory (commune, version, text) VALUES ($1, $2, "
          "$3) "
          "ON CONFLICT (commune) DO UPDATE SET version = excluded.version, "
          "text = excluded.text",
          commune, expected_version + 1, text)
      .status();
}

}  // namespace ctg::store::postgres
