#include "statbase/commune_slices.h"

#include <algorithm>
#include <optional>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "statbase/csv_export.h"

namespace ctg::statbase {
namespace {

// Appends the rows of one territory whose cells `value` gives; `parent` is
// the parent commune code (empty for a commune).
void AppendRows(const Base& base, const Territory& t, absl::string_view parent,
                const std::vector<IndicatorId>& indicators,
                absl::FunctionRef<CellValue(CellId)> value, std::string* out) {
  std::string prefix;  // the territory's first five fields and a comma
  AppendCsvField(base.period(), &prefix);
  prefix.push_back(',');
  absl::StrAppend(&prefix, TerritoryLevelName(t.level), ",");
  AppendCsvField(t.code, &prefix);
  prefix.push_back(',');
  AppendCsvField(t.name, &prefix);
  prefix.push_back(',');
  AppendCsvField(parent, &prefix);
  prefix.push_back(',');
  for (IndicatorId ind : indicators) {
    const CellId first = FirstCell(ind);
    const CellId end = static_cast<CellId>(first + CellsOf(ind));
    for (CellId cell = first; cell < end; ++cell) {
      const CellRef ref = RefOf(cell);
      const CellValue v = value(cell);
      out->append(prefix);
      absl::StrAppend(out, ref.indicator, ",", ref.breakdown, ",", ref.category,
                      ",", v.count, ",");
      if (AmountSlotOf(cell).has_value()) absl::StrAppend(out, v.amount);
      out->push_back('\n');
    }
  }
}

}  // namespace

void AppendTerritoryRows(const Base& base, TerritoryId id,
                         const std::vector<IndicatorId>& indicators,
                         std::string* out) {
  const Territory& t = base.territory(id);
  const absl::string_view parent = t.commune == kNoTerritory
                                       ? absl::string_view()
                                       : base.territory(t.commune).code;
  AppendRows(
      base, t, parent, indicators,
      [&](CellId cell) { return *base.Value(id, cell); }, out);
}

std::vector<QpvPart> QpvParts(const Base& base, TerritoryId qpv) {
  std::vector<QpvPart> parts;
  for (TerritoryId piece : base.territory(qpv).parts) {
    const TerritoryId commune = base.territory(piece).commune;
    auto it = std::find_if(parts.begin(), parts.end(), [&](const QpvPart& p) {
      return p.commune == commune;
    });
    if (it == parts.end()) it = parts.insert(parts.end(), QpvPart{commune, {}});
    it->pieces.push_back(piece);
  }
  std::sort(
      parts.begin(), parts.end(), [&](const QpvPart& a, const QpvPart& b) {
        return base.territory(a.commune).code < base.territory(b.commune).code;
      });
  return parts;
}

std::vector<std::string> CommuneTerritoryCodes(const Base& base,
                                               absl::string_view commune) {
  std::vector<std::string> codes;
  const std::optional<TerritoryId> id = base.FindTerritory(commune);
  if (!id || base.territory(*id).level != TerritoryLevel::kCommune)
    return codes;
  codes.push_back(std::string(commune));
  for (TerritoryId iris : base.territory(*id).parts) {
    codes.push_back(base.territory(iris).code);
    for (TerritoryId piece : base.territory(iris).parts) {
      const std::string& qpv = base.territory(base.territory(piece).qpv).code;
      if (std::find(codes.begin(), codes.end(), qpv) == codes.end())
        codes.push_back(qpv);
    }
  }
  return codes;
}

void WriteCommuneSlices(
    const Base& base,
    absl::FunctionRef<void(absl::string_view, absl::string_view)> sink) {
  const std::vector<IndicatorId> indicators = base.indicators();
  // Canonical order keeps a commune, its IRIS and their pieces together and
  // puts QPVs last: stream one commune at a time, then each QPV as an extra
  // part of every commune it touches, restricted to that commune's pieces.
  std::string current;
  std::string rows;
  for (TerritoryId id : base.sorted_territories()) {
    const Territory& t = base.territory(id);
    if (t.level == TerritoryLevel::kQpv) {
      for (const QpvPart& part : QpvParts(base, id)) {
        const std::string& commune = base.territory(part.commune).code;
        if (commune != current && !rows.empty()) {
          sink(current, rows);
          rows.clear();
        }
        current = commune;
        AppendRows(
            base, t, commune, indicators,
            [&](CellId cell) {
              CellValue sum;
              for (TerritoryId piece : part.pieces) {
                const CellValue v = *base.Value(piece, cell);
                sum.count += v.count;
                sum.amount += v.amount;
              }
              return sum;
            },
            &rows);
      }
      continue;
    }
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
