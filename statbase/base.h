// The Caf's statistical base for one period, validated: territories and, for
// each territory, every cell (catalogue.h) of every indicator the base holds.
//
// A Base is only made by BaseBuilder::Build (directly or through the CSV
// importer, csv_import.h), which guarantees every invariant listed in
// docs/statistics-csv-format.md: the full grid is present, categories sum to
// their totals, IRIS sum to their commune, pieces sum to their QPV and never
// exceed their IRIS, and the catalogue's relations hold.
//
// Immutable once built: every const method is safe to call from several
// threads at once. Move-only (it can be large: the national base takes about
// 40 MB).
#ifndef CTG_STATBASE_BASE_H_
#define CTG_STATBASE_BASE_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "statbase/catalogue.h"
#include "statbase/internal/cell_table.h"
#include "statbase/territory_code.h"

namespace ctg::statbase {

// Index of a territory in a Base (in the order the rows first named it).
using TerritoryId = uint32_t;
inline constexpr TerritoryId kNoTerritory = 0xFFFFFFFFu;

// Largest count a cell may hold (a 32-bit value; larger is refused).
inline constexpr uint32_t kMaxCount = 4'000'000'000u;
// Largest amount a cell may hold, in euros (sums of many cells stay exact in
// 64 bits).
inline constexpr int64_t kMaxAmount = 1'000'000'000'000'000;  // 10^15

struct Territory {
  std::string code;
  std::string name;
  TerritoryLevel level = TerritoryLevel::kCommune;
  // The commune of an IRIS, QPV or piece; kNoTerritory for a commune.
  TerritoryId commune = kNoTerritory;
  // For a piece (kIrisQpv): its IRIS and its QPV.
  TerritoryId iris = kNoTerritory;
  TerritoryId qpv = kNoTerritory;
  // A commune: its IRIS, which partition it (empty: the base has no IRIS for
  // it). An IRIS or a QPV: its pieces. Sorted by code.
  std::vector<TerritoryId> parts;
};

// One cell's figures. For a count indicator, `amount` is 0; for an amount
// indicator, `count` is the number of contributing allocataires and `amount`
// the sum in euros.
struct CellValue {
  uint32_t count = 0;
  int64_t amount = 0;
  friend bool operator==(const CellValue&, const CellValue&) = default;
  friend std::ostream& operator<<(std::ostream& os, const CellValue& v) {
    return os << "{count " << v.count << ", amount " << v.amount << "}";
  }
};

class Base {
 public:
  Base(Base&&) = default;
  Base& operator=(Base&&) = default;
  Base(const Base&) = delete;
  Base& operator=(const Base&) = delete;

  // "2023" or "2023-06".
  const std::string& period() const { return period_; }

  size_t territory_count() const { return territories_.size(); }
  const Territory& territory(TerritoryId id) const { return territories_[id]; }
  // Every territory id, sorted by code (a commune is followed by its IRIS,
  // each IRIS by its pieces; QPVs come last).
  const std::vector<TerritoryId>& sorted_territories() const { return sorted_; }
  // O(log n); nullopt when the base has no such territory.
  std::optional<TerritoryId> FindTerritory(absl::string_view code) const;

  // Whether the base holds this indicator (then every territory has all of
  // its cells).
  bool has_indicator(IndicatorId id) const { return present_[id]; }
  // The indicators the base holds, in catalogue order.
  std::vector<IndicatorId> indicators() const;

  // nullopt when the base does not hold the cell's indicator. `id` and `cell`
  // must be valid.
  std::optional<CellValue> Value(TerritoryId id, CellId cell) const;
  // By codes (breakdown and category empty for the total). NotFound naming
  // the unknown territory, or the cell absent from the catalogue or the base.
  absl::StatusOr<CellValue> Find(absl::string_view territory,
                                 absl::string_view indicator,
                                 absl::string_view breakdown,
                                 absl::string_view category) const;

  // Number of rows of the base's CSV rendering (territories x held cells).
  int64_t row_count() const { return row_count_; }

  // "sha256:<64 hex digits>": SHA-256 of the canonical CSV rendering
  // (WriteCanonicalCsv in csv_export.h). Equal bases have equal digests
  // whatever the order of the rows they were read from. Suitable as the
  // content part of a base version.
  const std::string& digest() const { return digest_; }

  // Approximate heap bytes held (for measurements).
  size_t memory_bytes() const;

 private:
  friend class BaseBuilder;
  Base(std::string period, std::deque<Territory> territories,
       internal::CellTable cells, std::vector<bool> present);

  std::string period_;
  std::deque<Territory> territories_;
  std::vector<TerritoryId> sorted_;
  internal::CellTable cells_;
  std::vector<bool> present_;  // by IndicatorId
  int64_t row_count_ = 0;
  std::string digest_;
};

// "line"-free description of a cell for messages: `indicator "allocataires"`
// or `indicator "allocataires", breakdown "family_type", category "isolated"`.
std::string DescribeCell(CellId cell);

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_BASE_H_
