// The statistics CSV format: constants shared by the importer (csv_import.h)
// and the canonical writer (csv_export.h). The format itself is described in
// docs/statistics-csv-format.md.
#ifndef CTG_STATBASE_CSV_FORMAT_H_
#define CTG_STATBASE_CSV_FORMAT_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace ctg::statbase::csv {

// Columns, in order.
enum Column : int {
  kPeriod = 0,
  kTerritoryLevel,
  kTerritoryCode,
  kTerritoryName,
  kParentCommune,
  kIndicator,
  kBreakdown,
  kCategory,
  kCount,
  kAmountEur,
  kColumnCount,
};

inline constexpr absl::string_view kColumnNames[kColumnCount] = {
    "period",         "territory_level", "territory_code", "territory_name",
    "parent_commune", "indicator",       "breakdown",      "category",
    "count",          "amount_eur",
};

// The first line of every file, exactly (a UTF-8 BOM before it is tolerated).
inline constexpr absl::string_view kHeader =
    "period,territory_level,territory_code,territory_name,parent_commune,"
    "indicator,breakdown,category,count,amount_eur";

// Longest accepted line, in bytes, not counting its CR LF or LF.
inline constexpr size_t kMaxLineBytes = 4096;

// Most territories a file may name: a memory guard (each costs about 450
// bytes with every indicator, so at most about 90 MB). The national base has
// about 85,000 territories with its QPV pieces.
inline constexpr size_t kMaxTerritories = 200'000;

// The UTF-8 byte order mark.
inline constexpr absl::string_view kBom = "\xEF\xBB\xBF";

}  // namespace ctg::statbase::csv

#endif  // CTG_STATBASE_CSV_FORMAT_H_
