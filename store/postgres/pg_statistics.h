// The statistical base in PostgreSQL: the counterpart of
// store/statistics_store.h, same rows, order and errors (codes and periods
// compared byte-wise, COLLATE "C", as SQLite compares them).
//
// Functions use the session they are given (one thread at a time).
#ifndef CTG_STORE_POSTGRES_PG_STATISTICS_H_
#define CTG_STORE_POSTGRES_PG_STATISTICS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/pg_session.h"
#include "store/statistics_store.h"

namespace ctg::store::postgres {

// Deletes everything stored for `period.period` (returns whether there was
// anything) and inserts the new period row; then PgInsertTerritory /
// PgAppendSlice in the same transaction.
absl::StatusOr<bool> PgReplacePeriod(PgSession& tx, const PeriodRow& period);
absl::Status PgInsertTerritory(PgSession& tx, const std::string& period,
                               const TerritoryRow& territory);
// Appends `csv` (whole lines, no header) to `commune`'s slice of `period`.
absl::Status PgAppendSlice(PgSession& tx, const std::string& period,
                           const std::string& commune, const std::string& csv);

absl::StatusOr<std::vector<PeriodRow>> PgListPeriods(PgSession& session);
absl::StatusOr<std::optional<PeriodRow>> PgGetPeriod(PgSession& session,
                                                     const std::string& period);
// Errors: kNotFound when the commune has no data in the period.
absl::StatusOr<std::string> PgCommuneSlice(PgSession& session,
                                           const std::string& period,
                                           const std::string& commune);
// Territories of the latest period, as store::ListTerritories.
absl::StatusOr<std::vector<TerritoryRow>> PgListTerritories(
    PgSession& session, const std::string& commune, int level,
    const std::string& after_code, int limit);
absl::StatusOr<std::optional<TerritoryRow>> PgGetTerritory(
    PgSession& session, const std::string& code);
absl::StatusOr<std::vector<TerritoryRow>> PgListPeriodTerritories(
    PgSession& session, const std::string& period, const std::string& commune);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_STATISTICS_H_
