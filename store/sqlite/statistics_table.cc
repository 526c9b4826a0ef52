#include "store/sqlite/statistics_table.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::store::sqlite {
namespace {

PeriodRow ReadPeriod(const Statement& s) {
  return {s.ColumnText(0), s.ColumnText(1), s.ColumnText(2),
          s.ColumnInt(3),  s.ColumnInt(4),  s.ColumnText(5)};
}

constexpr char kPeriodColumns[] =
    "period, base_version, digest, rows, import_time_us, imported_by";

}  // namespace

absl::StatusOr<bool> ReplacePeriod(Connection& conn, const PeriodRow& period) {
  bool existed = false;
  {
    CTG_ASSIGN_OR_RETURN(
        Statement stmt,
        conn.Prepare("SELECT 1 FROM stat_periods WHERE period = ?1"));
    stmt.Bind(1, period.period);
    CTG_ASSIGN_OR_RETURN(existed, stmt.Step());
  }
  for (const char* table :
       {"stat_slices", "stat_territories", "stat_periods"}) {
    CTG_ASSIGN_OR_RETURN(Statement del,
                         conn.Prepare(absl::StrCat("DELETE FROM ", table,
                                                   " WHERE period = ?1")));
    del.Bind(1, period.period);
    CTG_RETURN_IF_ERROR(del.Run());
  }
  CTG_ASSIGN_OR_RETURN(
      Statement insert,
      conn.Prepare(absl::StrCat("INSERT INTO stat_periods (", kPeriodColumns,
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)")));
  insert.Bind(1, period.period)
      .Bind(2, period.base_version)
      .Bind(3, period.digest)
      .Bind(4, period.rows)
      .Bind(5, period.import_time_us)
      .Bind(6, period.imported_by);
  CTG_RETURN_IF_ERROR(insert.Run());
  return existed;
}

absl::Status InsertTerritory(Connection& conn, const std::string& period,
                             const TerritoryRow& t) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "INSERT INTO stat_territories (period, code, name, level, commune) "
          "VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt.Bind(1, period)
      .Bind(2, t.code)
      .Bind(3, t.name)
      .Bind(4, int64_t{t.level})
      .Bind(5, t.commune);
  return stmt.Run();
}

absl::Status AppendSlice(Connection& conn, const std::string& period,
                         const std::string& commune, const std::string& csv) {
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("INSERT INTO stat_slices (period, commune, "
                                    "part, csv) VALUES (?1, ?2, "
                                    "(SELECT count(*) FROM stat_slices WHERE "
                                    "period = ?1 AND commune = ?2), ?3)"));
  stmt.Bind(1, period).Bind(2, commune).BindBlob(3, csv);
  return stmt.Run();
}

absl::StatusOr<std::vector<PeriodRow>> ListPeriods(Connection& conn) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat("SELECT ", kPeriodColumns,
                                " FROM stat_periods ORDER BY period")));
  std::vector<PeriodRow> out;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(ReadPeriod(stmt));
  }
}

absl::StatusOr<std::optional<PeriodRow>> GetPeriod(Connection& conn,
                                                   const std::string& period) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(absl::StrCat("SELECT ", kPeriodColumns,
                                " FROM stat_periods WHERE period = ?1")));
  stmt.Bind(1, period);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<PeriodRow>();
  return std::optional<PeriodRow>(ReadPeriod(stmt));
}

absl::StatusOr<std::string> CommuneSlice(Connection& conn,
                                         const std::string& period,
                                         const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare("SELECT csv FROM stat_slices WHERE period = ?1 AND "
                   "commune = ?2 ORDER BY part"));
  stmt.Bind(1, period).Bind(2, commune);
  std::string out;
  bool any = false;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    any = true;
    out += stmt.ColumnBlob(0);
  }
  if (!any) {
    return absl::NotFoundError(
        absl::StrCat("the statistical base has no data for commune ", commune,
                     " in ", period));
  }
  return out;
}

absl::StatusOr<std::vector<TerritoryRow>> ListTerritories(
    Connection& conn, const std::string& commune, int level,
    const std::string& after_code, int limit) {
  // One commune's territories through the commune index (its IRIS and QPVs,
  // plus its own row, whose `commune` is empty, plus the QPVs attached to
  // another commune that have a piece in this one, reported with this
  // commune as their parent); the Caf's listing of everything walks the
  // primary key. An OR of these in one query would make SQLite scan the
  // whole period for every commune. Pieces (level 4, "<IRIS>+<QPV>") are
  // stored only to find those QPVs and are never listed.
  const char* sql =
      commune.empty()
          ? "SELECT code, name, level, commune FROM stat_territories WHERE "
            "period = (SELECT max(period) FROM stat_periods) AND code > ?1 AND "
            "level != 4 AND "
            "(?3 = 0 OR level = ?3) ORDER BY code LIMIT ?4"
          : "SELECT code, name, level, commune FROM ("
            "SELECT code, name, level, commune FROM stat_territories "
            "INDEXED BY stat_territories_commune WHERE "
            "period = (SELECT max(period) FROM stat_periods) AND commune = ?2 "
            "AND code > ?1 "
            "AND level != 4 "
            "UNION ALL "
            "SELECT code, name, level, commune FROM stat_territories WHERE "
            "period = (SELECT max(period) FROM stat_periods) AND code = ?2 AND "
            "code > ?1 "
            "UNION ALL "
            "SELECT q.code, q.name, q.level, ?2 FROM stat_territories q WHERE "
            "q.period = (SELECT max(period) FROM stat_periods) AND q.code > ?1 "
            "AND "
            "q.commune != ?2 AND q.code IN (SELECT DISTINCT substr(p.code, 11) "
            "FROM "
            "stat_territories p INDEXED BY stat_territories_commune WHERE "
            "p.period = (SELECT max(period) FROM stat_periods) AND p.commune = "
            "?2 AND "
            "p.level = 4)) "
            "WHERE (?3 = 0 OR level = ?3) ORDER BY code LIMIT ?4";
  CTG_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql));
  stmt.Bind(1, after_code).Bind(3, int64_t{level}).Bind(4, int64_t{limit});
  if (!commune.empty()) stmt.Bind(2, commune);
  std::vector<TerritoryRow> out;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1),
                   static_cast<int>(stmt.ColumnInt(2)), stmt.ColumnText(3)});
  }
}

absl::StatusOr<std::optional<TerritoryRow>> GetTerritory(
    Connection& conn, const std::string& code) {
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      conn.Prepare(
          "SELECT code, name, level, commune FROM stat_territories WHERE "
          "period = (SELECT max(period) FROM stat_periods) AND code = ?1 AND "
          "level != 4"));
  stmt.Bind(1, code);
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::nullopt;
  return TerritoryRow{stmt.ColumnText(0), stmt.ColumnText(1),
                      static_cast<int>(stmt.ColumnInt(2)), stmt.ColumnText(3)};
}

absl::StatusOr<std::vector<TerritoryRow>> ListPeriodTerritories(
    Connection& conn, const std::string& period, const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       conn.Prepare("SELECT code, name, level, commune FROM "
                                    "stat_territories WHERE period = ?1 "
                                    "AND level != 4 AND (?2 = '' OR commune = "
                                    "?2 OR code = ?2) ORDER BY code"));
  stmt.Bind(1, period).Bind(2, commune);
  std::vector<TerritoryRow> out;
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back({stmt.ColumnText(0), stmt.ColumnText(1),
                   static_cast<int>(stmt.ColumnInt(2)), stmt.ColumnText(3)});
  }
}

}  // namespace ctg::store::sqlite
