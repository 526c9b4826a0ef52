#include "store/postgres/pg_statistics.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::store::postgres {
namespace {

constexpr char kPeriodColumns[] =
    "period, base_version, digest, rows, import_time_us, imported_by";

PeriodRow ReadPeriod(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(),
          r[2].as<std::string>(), r[3].as<int64_t>(),
          r[4].as<int64_t>(),     r[5].as<std::string>()};
}

std::vector<TerritoryRow> ReadTerritories(const pqxx::result& r) {
  std::vector<TerritoryRow> out;
  out.reserve(r.size());
  for (const auto& t : r) {
    out.push_back({t[0].as<std::string>(), t[1].as<std::string>(),
                   t[2].as<int>(), t[3].as<std::string>()});
  }
  return out;
}

// The latest period (byte-wise greatest, as SQLite's max()).
constexpr char kLatest[] =
    "(SELECT max(period COLLATE \"C\") FROM stat_periods)";

}  // namespace

absl::StatusOr<bool> PgReplacePeriod(PgSession& tx, const PeriodRow& p) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result existing,
      tx.Exec("SELECT 1 FROM stat_periods WHERE period = $1", p.period));
  for (const char* table :
       {"stat_slices", "stat_territories", "stat_periods"}) {
    CTG_RETURN_IF_ERROR(
        tx.Exec(absl::StrCat("DELETE FROM ", table, " WHERE period = $1"),
                p.period)
            .status());
  }
  CTG_RETURN_IF_ERROR(
      tx.Exec(absl::StrCat("INSERT INTO stat_periods (", kPeriodColumns,
                           ") VALUES ($1, $2, $3, $4, $5, $6)"),
              p.period, p.base_version, p.digest, p.rows, p.import_time_us,
              p.imported_by)
          .status());
  return !existing.empty();
}

absl::Status PgInsertTerritory(PgSession& tx, const std::string& period,
                               const TerritoryRow& t) {
  return tx
      .Exec(
          "INSERT INTO stat_territories (period, code, name, level, commune) "
          "VALUES ($1, $2, $3, $4, $5)",
          period, t.code, t.name, int64_t{t.level}, t.commune)
      .status();
}

absl::Status PgAppendSlice(PgSession& tx, const std::string& period,
                           const std::string& commune, const std::string& csv) {
  return tx
      .Exec(
          "INSERT INTO stat_slices (period, commune, part, csv) VALUES ($1, "
          "$2, "
          "(SELECT count(*) FROM stat_slices WHERE period = $1 AND commune = "
          "$2), $3)",
          period, commune, Bytes(csv))
      .status();
}

absl::StatusOr<std::vector<PeriodRow>> PgListPeriods(PgSession& session) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r, session.Exec(absl::StrCat(
                          "SELECT ", kPeriodColumns,
                          " FROM stat_periods ORDER BY period COLLATE \"C\"")));
  std::vector<PeriodRow> out;
  for (const auto& row : r) out.push_back(ReadPeriod(row));
  return out;
}

absl::StatusOr<std::optional<PeriodRow>> PgGetPeriod(
    PgSession& session, const std::string& period) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(absl::StrCat("SELECT ", kPeriodColumns,
                                " FROM stat_periods WHERE period = $1"),
                   period));
  if (r.empty()) return std::nullopt;
  return ReadPeriod(r[0]);
}

absl::StatusOr<std::string> PgCommuneSlice(PgSession& session,
                                           const std::string& period,
                                           const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT csv FROM stat_slices WHERE period = $1 AND "
                   "commune = $2 ORDER BY part",
                   period, commune));
  if (r.empty()) {
    return absl::NotFoundError(
        absl::StrCat("the statistical base has no data for commune ", commune,
                     " in ", period));
  }
  std::string out;
  for (const auto& row : r) out += BytesOf(row[0]);
  return out;
}

absl::StatusOr<std::vector<TerritoryRow>> PgListTerritories(
    PgSession& session, const std::string& commune, int level,
    const std::string& after_code, int limit) {
  // As SQLite's: a commune's own territories, its own row, and the QPVs of
  // other communes with a piece (level 4, "<IRIS>+<QPV>") in it, reported
  // with this commune as parent; pieces are never listed.
  const std::string sql =
      commune.empty()
          ? absl::StrCat(
                "SELECT code, name, level, commune FROM stat_territories WHERE "
                "period = ",
                kLatest,
                " AND code COLLATE \"C\" > $1 AND level <> 4 AND "
                "($3 = 0 OR level = $3) AND $2 = '' ORDER BY code COLLATE "
                "\"C\" LIMIT $4")
          : absl::StrCat(
                "SELECT code, name, level, commune FROM ("
                "SELECT code, name, level, commune FROM stat_territories WHERE "
                "period = ",
                kLatest,
                " AND commune = $2 AND code COLLATE \"C\" > $1 AND level <> 4 "
                "UNION ALL "
                "SELECT code, name, level, commune FROM stat_territories WHERE "
                "period = ",
                kLatest,
                " AND code = $2 AND code COLLATE \"C\" > $1 "
                "UNION ALL "
                "SELECT q.code, q.name, q.level, $2 FROM stat_territories q "
                "WHERE q.period = ",
                kLatest,
                " AND q.code COLLATE \"C\" > $1 AND q.commune <> $2 AND q.code "
                "IN ("
                "SELECT DISTINCT substr(p.code, 11) FROM stat_territories p "
                "WHERE p.period = ",
                kLatest,
                " AND p.commune = $2 AND p.level = 4)) t "
                "WHERE ($3 = 0 OR level = $3) ORDER BY code COLLATE \"C\" "
                "LIMIT $4");
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(sql, after_code, commune, int64_t{level}, int64_t{limit}));
  return ReadTerritories(r);
}

absl::StatusOr<std::optional<TerritoryRow>> PgGetTerritory(
    PgSession& session, const std::string& code) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(
          absl::StrCat(
              "SELECT code, name, level, commune FROM stat_territories WHERE "
              "period = ",
              kLatest, " AND code = $1 AND level <> 4"),
          code));
  if (r.empty()) return std::nullopt;
  return ReadTerritories(r)[0];
}

absl::StatusOr<std::vector<TerritoryRow>> PgListPeriodTerritories(
    PgSession& session, const std::string& period, const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT code, name, level, commune FROM stat_territories "
                   "WHERE period = $1 "
                   "AND level <> 4 AND ($2 = '' OR commune = $2 OR code = $2) "
                   "ORDER BY code COLLATE \"C\"",
                   period, commune));
  return ReadTerritories(r);
}

}  // namespace ctg::store::postgres
