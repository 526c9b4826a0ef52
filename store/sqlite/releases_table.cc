#include "store/sqlite/releases_table.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::store::sqlite {

const char kReleasesSchema[] = R"sql(
CREATE TABLE releases (
  request_id      TEXT NOT NULL,
  download        INTEGER NOT NULL,
  extract_id      TEXT NOT NULL,
  commune         TEXT NOT NULL,
  sha256          TEXT NOT NULL,
  base_version    TEXT NOT NULL,
  cells_published INTEGER NOT NULL,
  cells_masked    INTEGER NOT NULL,
  cells_excluded  INTEGER NOT NULL,
  time_us         INTEGER NOT NULL,
  recipient       TEXT NOT NULL,
  PRIMARY KEY (request_id, download)
);
CREATE INDEX releases_sha256 ON releases(sha256);
CREATE TRIGGER releases_append_only_update BEFORE UPDATE ON releases
  BEGIN SELECT RAISE(ABORT, 'the release ledger is append-only'); END;
CREATE TRIGGER releases_append_only_delete BEFORE DELETE ON releases
  BEGIN SELECT RAISE(ABORT, 'the release ledger is append-only'); END;

CREATE TABLE release_memory (
  commune TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  text    TEXT NOT NULL
);
)sql";

absl::Status InsertRelease(Connection& conn, const LedgerRow& r) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "INSERT INTO releases (request_id, download, extract_id, commune, "
          "sha256, "
          "base_version, cells_published, cells_masked, cells_excluded, "
          "time_us, "
          "recipient) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  stmt.Bind(1, r.request_id)
      .Bind(2, int64_t{r.download})
      .Bind(3, r.extract_id)
      .Bind(4, r.commune)
      .Bind(5, r.sha256)
      .Bind(6, r.base_version)
      .Bind(7, r.cells_published)
      .Bind(8, r.cells_masked)
      .Bind(9, r.cells_excluded)
      .Bind(10, r.time_us)
      .Bind(11, r.recipient);
  return stmt.Run();
}

absl::StatusOr<int> CountReleases(Connection& conn,
                                  const std::string& request_id) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT count(*) FROM releases WHERE request_id = ?1"));
  stmt.Bind(1, request_id);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? static_cast<int>(stmt.ColumnInt(0)) : 0;
}

absl::StatusOr<PeriodReleases> CountReleasesOfPeriod(
    Connection& conn, const std::string& period) {
  // base_version lists "<period>@<digest>" versions separated by spaces.
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT count(*), count(DISTINCT commune) FROM releases WHERE "
          "instr(' ' || base_version, ' ' || ?1 || '@') > 0"));
  stmt.Bind(1, period);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return PeriodReleases{};
  return PeriodReleases{stmt.ColumnInt(0), stmt.ColumnInt(1)};
}

absl::StatusOr<std::vector<LedgerRow>> ListReleases(
    Connection& conn, const std::string& request_id) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT request_id, download, extract_id, commune, sha256, "
          "base_version, "
          "cells_published, cells_masked, cells_excluded, time_us, recipient "
          "FROM releases WHERE request_id = ?1 ORDER BY download"));
  stmt.Bind(1, request_id);
  std::vector<LedgerRow> out;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back({stmt.ColumnText(0), static_cast<int>(stmt.ColumnInt(1)),
                   stmt.ColumnText(2), stmt.ColumnText(3), stmt.ColumnText(4),
                   stmt.ColumnText(5), stmt.ColumnInt(6), stmt.ColumnInt(7),
                   stmt.ColumnInt(8), stmt.ColumnInt(9), stmt.ColumnText(10)});
  }
}

absl::StatusOr<MemoryRow> GetReleaseMemory(Connection& conn,
                                           const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT text, version FROM release_memory WHERE commune = ?1"));
  stmt.Bind(1, commune);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return MemoryRow{};
  return MemoryRow{stmt.ColumnText(0), stmt.ColumnInt(1)};
}

absl::Status PutReleaseMemory(Connection& conn, const std::string& commune,
                              const std::string& text,
                              int64_t expected_version) {
  CTG_ASSIGN_OR_RETURN(MemoryRow current, GetReleaseMemory(conn, commune));
  if (current.version != expected_version) {
    return absl::AbortedError(absl::StrCat(
        "another release to commune ", commune, " committed meanwhile; retry"));
  }
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "INSERT INTO release_memory (commune, version, text) VALUES (?1, ?2, "
          "?3) "
          "ON CONFLICT(commune) DO UPDATE SET version = excluded.version, "
          "text = excluded.text"));
  stmt.Bind(1, commune).Bind(2, expected_version + 1).Bind(3, text);
  return stmt.Run();
}

}  // namespace ctg::store::sqlite
