#include "statbase/commune_slices.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "statbase/csv_export.h"

namespace ctg::statbase {

void AppendTerritoryRows(const Base& base, TerritoryId id,
                         const std::vector<IndicatorId>& indicators, std::string* out) {
  const Territory& t = base.territory(id);
  std::string prefix;  // the territory's first five fields and a comma
  AppendCsvField(base.period(), &prefix);
  prefix.push_back(',');
  absl::StrAppend(&prefix, TerritoryLevelName(t.level), ",");
  AppendCsvField(t.code, &prefix);
  prefix.push_back(',');
  AppendCsvField(t.name, &prefix);
  prefix.push_back(',');
  if (t.commune != kNoTerritory) AppendCsvField(base.territory(t.commune).code, &prefix);
  prefix.push_back(',');
  for (IndicatorId ind : indicators) {
    const CellId first = FirstCell(ind);
    const CellId end = static_cast<CellId>(first + CellsOf(ind));
    for (CellId cell = first; cell < end; ++cell) {
      const CellRef ref = RefOf(cell);
      const CellValue v = *base.Value(id, cell);
      out->append(prefix);
      absl::StrAppend(out, ref.indicator, ",", ref.breakdown, ",", ref.category, ",", v.count, ",");
      if (AmountSlotOf(cell).has_value()) absl::StrAppend(out, v.amount);
      out->push_back('\n');
    }
  }
}

void WriteCommuneSlices(const Base& base,
                        absl::FunctionRef<void(absl::string_view, absl::string_view)> sink) {
  const std::vector<IndicatorId> indicators = base.indicators();
  // Canonical order keeps a commune, its IRIS and their pieces together and
  // puts QPVs last: stream one commune at a time, QPVs as extra parts.
  std::string current;
  std::string rows;
  for (TerritoryId id : base.sorted_territories()) {
    const Territory& t = base.territory(id);
    const std::string& commune =
        t.commune == kNoTerritory ? t.code : base.territory(t.commune).code;
    if (commune != current && !rows.empty()) {
      sink(current, rows);
      rows.clear();
    }
    current = commune;
    AppendTerritoryRows(base, id, indicators, &rows);
  }
  if (!rows.empty()) sink(current, rows);
}

}  // namespace ctg::statbase
