// Fuzz entry 1: the streaming statistics CSV importer (statbase/csv_import.h).
//
// Input: the bytes of a statistics file for period 2023 (seeds are real
// files, fuzz/corpus/csv_import/). They are fed to a CsvImporter in chunks
// whose sizes come from a generator seeded by a hash of the input (runs of
// 1-byte chunks, small chunks, or large ones), and to ImportCsv in one
// piece.
//
// Invariants:
//  - the slicing does not matter (header: "any slicing of the bytes"): both
//    imports succeed or fail alike, with the same message, the same digest;
//  - bytes() counts every byte fed;
//  - a failure is InvalidArgument with at least one error, at most
//    max_errors kept, each error on one line (the message lists "one per
//    line");
//  - a success holds every data row of the file: Base::Find gives the row's
//    count and amount (leading zeros read as the number), the territory has
//    the row's name, and row_count() is the number of data lines (an
//    independent splitter reads the file);
//  - a success renders canonically (csv_export.h) to a file that re-imports
//    to a Base with the same digest() and the same canonical bytes, whose
//    row_count() is the number of data lines of the rendering.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fuzz/entry/byte_reader.h"
#include "fuzz/entry/entry.h"
#include "statbase/csv_export.h"
#include "statbase/csv_import.h"

namespace ctg::fuzz {
namespace {

constexpr char kPeriod[] = "2023";

// Splits one valid record (RFC 4180 quoting, the format's dialect); written
// independently of the importer's splitter.
std::vector<std::string> SplitFields(absl::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

// Decimal digits (leading zeros allowed) to a number; -1 if empty.
int64_t Number(const std::string& s) {
  if (s.empty()) return -1;
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');  // validated, <= 10^15
  return v;
}

// Every data row of an accepted file is in the Base with its figures and
// its territory's name; the rows are exactly the Base's rows.
std::string CheckRows(absl::string_view data, const statbase::Base& base) {
  if (absl::StartsWith(data, "\xef\xbb\xbf")) data.remove_prefix(3);
  std::vector<absl::string_view> lines = absl::StrSplit(data, '\n');
  lines.pop_back();  // after the final line break
  if (static_cast<int64_t>(lines.size()) - 1 != base.row_count()) {
    return absl::StrCat(lines.size() - 1, " data lines but row_count() ",
                        base.row_count());
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    const std::vector<std::string> f = SplitFields(line);
    if (f.size() != 10) return absl::StrCat("line ", i + 1, ": not 10 fields");
    absl::StatusOr<statbase::CellValue> v = base.Find(f[2], f[5], f[6], f[7]);
    if (!v.ok()) {
      return absl::StrCat(
          "line ", i + 1,
          " accepted but its cell is not in the base: ", v.status().ToString());
    }
    const int64_t amount = Number(f[9]);
    if (static_cast<int64_t>(v->count) != Number(f[8]) ||
        v->amount != (amount < 0 ? 0 : amount)) {
      return absl::StrCat("line ", i + 1, ": base holds ", v->count, "/",
                          v->amount, ", the file says ", f[8], "/", f[9]);
    }
    std::optional<statbase::TerritoryId> t = base.FindTerritory(f[2]);
    if (!t.has_value() || base.territory(*t).name != f[3]) {
      return absl::StrCat("line ", i + 1, ": territory name differs from \"",
                          f[3], "\"");
    }
  }
  return "";
}

std::string Describe(const absl::StatusOr<statbase::Base>& r) {
  return r.ok() ? absl::StrCat("OK ", r->digest())
                : std::string(r.status().ToString());
}

}  // namespace

std::string CsvImportEntry(absl::string_view data) {
  const statbase::ImportOptions options{.period = kPeriod,
                                        .file_name = "fuzz.csv"};
  absl::StatusOr<statbase::CsvImporter> importer =
      statbase::CsvImporter::Create(options);
  if (!importer.ok())
    return absl::StrCat("Create: ", importer.status().ToString());

  // Chunk sizes from the input's hash: 1-byte runs, small or large chunks.
  SplitMix64 rng(Fnv1a(data));
  const uint64_t mode = rng.Next() % 3;
  const uint64_t max_chunk = mode == 0 ? 1 : mode == 1 ? 17 : 5000;
  for (size_t pos = 0; pos < data.size();) {
    const size_t n = 1 + static_cast<size_t>(rng.Next() % max_chunk);
    importer->Feed(data.substr(pos, n));
    pos += n;
  }
  if (importer->bytes() != static_cast<int64_t>(data.size())) {
    return absl::StrCat("bytes() = ", importer->bytes(), " after feeding ",
                        data.size());
  }
  absl::StatusOr<statbase::Base> chunked = importer->Finish();
  absl::StatusOr<statbase::Base> whole = statbase::ImportCsv(data, options);

  if (chunked.ok() != whole.ok() ||
      (chunked.ok() && chunked->digest() != whole->digest()) ||
      (!chunked.ok() && chunked.status() != whole.status())) {
    return absl::StrCat("slicing changed the outcome: chunked (max ", max_chunk,
                        ") ", Describe(chunked), " vs whole ", Describe(whole));
  }

  if (!chunked.ok()) {
    if (chunked.status().code() != absl::StatusCode::kInvalidArgument) {
      return absl::StrCat("failure is not InvalidArgument: ",
                          chunked.status().ToString());
    }
    const statbase::ErrorList& errors = importer->errors();
    if (errors.empty() || errors.kept().empty()) {
      return "failed import reports no error";
    }
    if (static_cast<int64_t>(errors.kept().size()) > options.max_errors ||
        errors.total() < static_cast<int64_t>(errors.kept().size())) {
      return absl::StrCat("error list: ", errors.kept().size(), " kept of ",
                          errors.total());
    }
    for (const statbase::ImportError& e : errors.kept()) {
      const std::string text = e.ToString();
      if (text.find('\n') != std::string::npos ||
          text.find('\r') != std::string::npos) {
        return absl::StrCat("an error spans several lines: ", text);
      }
    }
    return "";
  }

  // Success: the base holds what the file says.
  if (std::string v = CheckRows(data, *chunked); !v.empty()) return v;
  // The canonical rendering is a fixpoint with the same digest.
  const std::string canonical = statbase::CanonicalCsv(*chunked);
  absl::StatusOr<statbase::Base> again =
      statbase::ImportCsv(canonical, options);
  if (!again.ok()) {
    return absl::StrCat("canonical CSV does not re-import: ",
                        again.status().ToString(), "\n", canonical);
  }
  if (again->digest() != chunked->digest()) {
    return absl::StrCat("digest changed on re-import: ", chunked->digest(),
                        " then ", again->digest());
  }
  if (statbase::CanonicalCsv(*again) != canonical) {
    return "canonical CSV of the re-imported base differs";
  }
  const int64_t data_lines =
      static_cast<int64_t>(absl::StrSplit(canonical, '\n', absl::SkipEmpty())
                               .
                               operator std::vector<absl::string_view>()
                               .size()) -
      1;
  if (chunked->row_count() != data_lines) {
    return absl::StrCat("row_count() ", chunked->row_count(), " but ",
                        data_lines, " data lines in the canonical CSV");
  }
  if (chunked->period() != kPeriod) {
    return absl::StrCat("period ", chunked->period());
  }
  return "";
}

}  // namespace ctg::fuzz
