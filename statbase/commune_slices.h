// A base cut per commune, for storage: each commune's slice is the
// canonical CSV rows (csv_export.h, without header) of the commune, its
// IRIS, its QPVs and their pieces, in canonical order. Prefixing a slice
// with the header gives a file that re-imports to that commune's base.
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
                         const std::vector<IndicatorId>& indicators, std::string* out);

// Calls `sink(commune code, rows)` for every commune of the base, possibly
// several times per commune (a commune's QPVs come after all communes, as
// canonical order has them). Rows are whole lines; concatenating a
// commune's calls in call order gives its slice. Memory: one commune's rows.
void WriteCommuneSlices(const Base& base,
                        absl::FunctionRef<void(absl::string_view, absl::string_view)> sink);

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_COMMUNE_SLICES_H_
