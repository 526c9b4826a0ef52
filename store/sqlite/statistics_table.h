// The Caf's statistical base as stored: per period, the list of territories
// (for the catalogue) and, per commune, a slice of the canonical CSV
// (statbase/csv_export.h) holding the commune, its IRIS, its QPVs and their
// pieces. An extract loads only its commune's slice and re-validates it.
#ifndef CTG_STORE_SQLITE_STATISTICS_TABLE_H_
#define CTG_STORE_SQLITE_STATISTICS_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite/sqlite.h"
#include "store/statistics_store.h"

namespace ctg::store::sqlite {

// Deletes everything stored for `period.period` (returns whether there was
// anything) and inserts the new period row. Call inside a transaction,
// followed by InsertTerritory / AppendSlice.
absl::StatusOr<bool> ReplacePeriod(Connection& conn, const PeriodRow& period);
absl::Status InsertTerritory(Connection& conn, const std::string& period,
                             const TerritoryRow& territory);
// Appends `csv` (whole lines, no header) to `commune`'s slice of `period`.
absl::Status AppendSlice(Connection& conn, const std::string& period,
                         const std::string& commune, const std::string& csv);

absl::StatusOr<std::vector<PeriodRow>> ListPeriods(Connection& conn);
absl::StatusOr<std::optional<PeriodRow>> GetPeriod(Connection& conn,
                                                   const std::string& period);

// The commune's slice (without header), parts concatenated in order.
// Errors: kNotFound when the period has no data for that commune.
absl::StatusOr<std::string> CommuneSlice(Connection& conn,
                                         const std::string& period,
                                         const std::string& commune);

// Territories of the latest period, by code, after `after_code`; filtered by
// commune and level (0: any) when given; at most `limit`. A commune's
// territories include every QPV with a piece ("<IRIS>+<QPV>" row, level 4)
// in one of its IRIS, with that commune as `commune`. Pieces themselves are
// never returned.
absl::StatusOr<std::vector<TerritoryRow>> ListTerritories(
    Connection& conn, const std::string& commune, int level,
    const std::string& after_code, int limit);

// The territory `code` of the latest period (never a piece); nullopt when
// that period does not hold it, or no period is stored.
absl::StatusOr<std::optional<TerritoryRow>> GetTerritory(
    Connection& conn, const std::string& code);

// Every territory of `period` (in code order), or only `commune`'s (its
// own row, its IRIS and QPVs) when not empty.
absl::StatusOr<std::vector<TerritoryRow>> ListPeriodTerritories(
    Connection& conn, const std::string& period, const std::string& commune);

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_STATISTICS_TABLE_H_
