// The Caf's statistical base as the store keeps it: per period, the list of
// territories (for the catalogue) and, per commune, a slice of the
// canonical CSV (statbase/csv_export.h) holding the commune, its IRIS, its
// QPVs and their pieces. An extract loads only its commune's slice and
// re-validates it.
//
// A period is replaced whole (ReplacePeriod, then its territories and
// slices, in one write session); nothing else is changed in place. "The
// latest period" is the greatest period code stored.
//
// Handed out by a session (store/session.h), valid only during it; const
// members only read. Not thread-safe: one thread at a time.
#ifndef CTG_STORE_STATISTICS_STORE_H_
#define CTG_STORE_STATISTICS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctg::store {

struct PeriodRow {
  std::string period;
  std::string base_version;
  std::string digest;  // "sha256:..." of the canonical CSV
  int64_t rows = 0;
  int64_t import_time_us = 0;
  std::string imported_by;
};

struct TerritoryRow {
  std::string code;
  std::string name;
  int level = 0;        // statbase::TerritoryLevel value
  std::string commune;  // parent commune; empty for a commune
};

class StatisticsStore {
 public:
  virtual ~StatisticsStore() = default;

  // Deletes everything stored for `period.period` (returns whether there
  // was anything) and inserts the new period row; the caller then adds its
  // territories and slices in the same write session.
  virtual absl::StatusOr<bool> ReplacePeriod(const PeriodRow& period) = 0;
  virtual absl::Status InsertTerritory(const std::string& period,
                                       const TerritoryRow& territory) = 0;
  // Appends `csv` (whole lines, no header) to `commune`'s slice of `period`.
  virtual absl::Status AppendSlice(const std::string& period,
                                   const std::string& commune,
                                   const std::string& csv) = 0;

  // Every period, by period code.
  virtual absl::StatusOr<std::vector<PeriodRow>> ListPeriods() const = 0;
  virtual absl::StatusOr<std::optional<PeriodRow>> GetPeriod(
      const std::string& period) const = 0;

  // The commune's slice (without header), parts concatenated in the order
  // they were appended. Errors: kNotFound when the period has no data for
  // that commune.
  virtual absl::StatusOr<std::string> CommuneSlice(
      const std::string& period, const std::string& commune) const = 0;

  // Territories of the latest period, by code, after `after_code`; filtered
  // by commune and level (0: any) when given; at most `limit`. A commune's
  // territories include every QPV with a piece ("<IRIS>+<QPV>" row, level 4)
  // in one of its IRIS, with that commune as `commune`. Pieces themselves
  // are never returned.
  virtual absl::StatusOr<std::vector<TerritoryRow>> ListTerritories(
      const std::string& commune, int level, const std::string& after_code,
      int limit) const = 0;

  // The territory `code` of the latest period (never a piece); nullopt when
  // that period does not hold it, or no period is stored.
  virtual absl::StatusOr<std::optional<TerritoryRow>> GetTerritory(
      const std::string& code) const = 0;

  // Every territory of `period` (in code order), or only `commune`'s (its
  // own row, its IRIS and QPVs) when not empty.
  virtual absl::StatusOr<std::vector<TerritoryRow>> ListPeriodTerritories(
      const std::string& period, const std::string& commune) const = 0;
};

}  // namespace ctg::store

#endif  // CTG_STORE_STATISTICS_STORE_H_
