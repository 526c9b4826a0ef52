#include "statbase/csv_export.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "statbase/csv_format.h"

namespace ctg::statbase {
namespace {

constexpr size_t kFlushBytes = 64 * 1024;

}  // namespace

void AppendCsvField(absl::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(field.data(), field.size());
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void WriteCanonicalCsv(const Base& base,
                       absl::FunctionRef<void(absl::string_view)> sink) {
  std::string buf;
  buf.reserve(kFlushBytes + csv::kMaxLineBytes);
  absl::StrAppend(&buf, csv::kHeader, "\n");
  // Per cell, the fields from indicator to count's comma: "ind,brk,cat,".
  std::vector<CellId> cells;
  std::vector<std::string> keys;
  for (IndicatorId ind : base.indicators()) {
    for (CellId k = 0; k < CellsOf(ind); ++k) {
      const CellId cell = static_cast<CellId>(FirstCell(ind) + k);
      const CellRef ref = RefOf(cell);
      cells.push_back(cell);
      keys.push_back(absl::StrCat(ref.indicator, ",", ref.breakdown, ",",
                                  ref.category, ","));
    }
  }
  std::string prefix;  // the territory's first five fields and a comma
  for (TerritoryId id : base.sorted_territories()) {
    const Territory& t = base.territory(id);
    prefix.clear();
    AppendCsvField(base.period(), &prefix);
    prefix.push_back(',');
    prefix.append(TerritoryLevelName(t.level).data(),
                  TerritoryLevelName(t.level).size());
    prefix.push_back(',');
    AppendCsvField(t.code, &prefix);
    prefix.push_back(',');
    AppendCsvField(t.name, &prefix);
    prefix.push_back(',');
    if (t.commune != kNoTerritory) {
      AppendCsvField(base.territory(t.commune).code, &prefix);
    }
    prefix.push_back(',');
    for (size_t i = 0; i < cells.size(); ++i) {
      const CellValue v = *base.Value(id, cells[i]);
      buf.append(prefix);
      buf.append(keys[i]);
      absl::StrAppend(&buf, v.count, ",");
      if (AmountSlotOf(cells[i]).has_value()) absl::StrAppend(&buf, v.amount);
      buf.push_back('\n');
    }
    if (buf.size() >= kFlushBytes) {
      sink(buf);
      buf.clear();
    }
  }
  if (!buf.empty()) sink(buf);
}

std::string CanonicalCsv(const Base& base) {
  std::string out;
  WriteCanonicalCsv(base, [&out](absl::string_view s) {
    out.append(s.data(), s.size());
  });
  return out;
}

}  // namespace ctg::statbase
