// A base cut per commune, for storage: each commune's slice is the
// canonical CSV rows (csv_export.h, without header) of the commune, its
// IRIS, their pieces and its QPVs, in canonical order. Prefixing a slice
// with the header gives a file that re-imports to that commune's base.
//
// A commune's QPV is the part of the QPV inside the commune: the QPV's code
// and name, the commune as parent, and as figures the sums of the QPV's
// pieces that lie in the commune's IRIS. For a QPV inside one commune that
// is the QPV itself (its figures equal the sum of its pieces); a QPV
// straddling several communes appears in each of their slices, restricted
// to that commune's pieces (docs/statistics-csv-format.md, "Territories").
#ifndef CTG_STATBASE_COMMUNE_SLICES_H_
#define CTG_STATBASE_COMMUNE_SLICES_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "statbase/base.h"

namespace ctg::statbase {

// Appends the canonical rows of territory `id` (every cell of `indicators`)
// to `*out`.
void AppendTerritoryRows(const Base& base, TerritoryId id,
                         const std::vector<IndicatorId>& indicators,
                         std::string* out);

// The communes whose IRIS hold pieces of QPV `qpv`, sorted by code, each
// with its pieces of that QPV.
struct QpvPart {
  TerritoryId commune = kNoTerritory;
  std::vector<TerritoryId> pieces;
};
std::vector<QpvPart> QpvParts(const Base& base, TerritoryId qpv);

// The codes a commune's slice holds: the commune, its IRIS and every QPV
// with a piece in one of its IRIS (what Catalogue.ListTerritories lists for
// the commune). Empty when the base has no such commune.
std::vector<std::string> CommuneTerritoryCodes(const Base& base,
                                               absl::string_view commune);

// Calls `sink(commune code, rows)` for every commune of the base, possibly
// several times per commune (a commune's QPVs come after all communes, as
// canonical order has them). Rows are whole lines; concatenating a
// commune's calls in call order gives its slice. Memory: one commune's rows.
void WriteCommuneSlices(
    const Base& base,
    absl::FunctionRef<void(absl::string_view, absl::string_view)> sink);

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_COMMUNE_SLICES_H_
