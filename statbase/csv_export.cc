#include "statbase/csv_export.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "statbase/commune_slices.h"
#include "statbase/csv_format.h"

namespace ctg::statbase {
namespace {

constexpr size_t kFlushBytes = 64 * 1024;

}  // namespace

void WriteCanonicalCsv(const Base& base,
                       absl::FunctionRef<void(absl::string_view)> sink) {
  std::string buf;
  buf.reserve(kFlushBytes + csv::kMaxLineBytes);
  absl::StrAppend(&buf, csv::kHeader, "\n");
  const std::vector<IndicatorId> indicators = base.indicators();
  for (TerritoryId id : base.sorted_territories()) {
    AppendTerritoryRows(base, id, indicators, &buf);
    if (buf.size() >= kFlushBytes) {
      sink(buf);
      buf.clear();
    }
  }
  if (!buf.empty()) sink(buf);
}

std::string CanonicalCsv(const Base& base) {
  std::string out;
  WriteCanonicalCsv(
      base, [&out](absl::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

}  // namespace ctg::statbase
