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
  WriteCanonicalCsv(base, [&out](absl::string_view s) {
    out.append(s.data(), s.size());
  });
  return out;
}

}  // namespace ctg::statbase
