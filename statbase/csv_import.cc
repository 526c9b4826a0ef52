#include "statbase/csv_import.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/echo.h"
#include "base/utf8.h"
#include "statbase/csv_format.h"

namespace ctg::statbase {
namespace {

using csv::Column;
using csv::kColumnCount;
using csv::kColumnNames;

// Longest excerpt of a bad header quoted in its error.
constexpr size_t kExcerptBytes = 80;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
absl::string_view Excerpt(absl::string_view s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// Splits one CSV record (RFC 4180, no line breaks inside quotes). Fields
// beyond kColumnCount are counted, not kept. Quoted fields with doubled
// quotes are unescaped into `scratch`. Returns an error message (and the
// field index it concerns, or -1) or nullopt on success.
struct SplitError {
  int field;
  std::string message;
};

std::optional<SplitError> SplitRecord(absl::string_view line,
                                      absl::string_view* fields, int* count,
                                      std::string* scratch) {
  const size_t n = line.size();
  size_t pos = 0;
  int field = 0;
  while (true) {
    absl::string_view value;
    size_t next;  // index of the separator after the field, or n
    if (pos < n && line[pos] == '"') {
      size_t i = pos + 1;
      bool escaped = false;
      while (true) {
        const size_t q = line.find('"', i);
        if (q == absl::string_view::npos) {
          return SplitError{field, "unterminated quoted field"};
        }
        if (q + 1 < n && line[q + 1] == '"') {
          escaped = true;
          i = q + 2;
          continue;
        }
        next = q + 1;
        value = line.substr(pos + 1, q - pos - 1);
        break;
      }
      if (next < n && line[next] != ',') {
        return SplitError{field, "unexpected character after a closing quote"};
      }
      if (escaped && field < kColumnCount) {
        std::string& s = scratch[field];
        s.clear();
        for (size_t k = 0; k < value.size(); ++k) {
          s.push_back(value[k]);
          if (value[k] == '"') ++k;  // skip the doubled quote
        }
        value = s;
      }
    } else {
      next = line.find(',', pos);
      if (next == absl::string_view::npos) next = n;
      value = line.substr(pos, next - pos);
      if (value.find('"') != absl::string_view::npos) {
        return SplitError{field, "quote inside an unquoted field"};
      }
    }
    if (field < kColumnCount) fields[field] = value;
    ++field;
    if (next >= n) break;
    pos = next + 1;
  }
  *count = field;
  return std::nullopt;
}

// Parses a non-negative decimal integer no larger than `max`; on failure
// returns the reason (to follow the quoted value).
std::optional<std::string> ParseInteger(absl::string_view s, uint64_t max,
                                        uint64_t* out) {
  if (s.empty()) return std::string("is empty");
  bool digits = true;
  for (char c : s) digits = digits && IsDigit(c);
  if (!digits) {
    if (s[0] == '-')
      return absl::StrCat("\"", BoundedEcho(s), "\" is negative");
    if (s[0] == '+') return absl::StrCat("\"", BoundedEcho(s), "\" has a sign");
    bool numeric = true;
    for (char c : s) {
      numeric = numeric &&
                (IsDigit(c) || c == '.' || c == ',' || c == 'e' || c == 'E');
    }
    if (numeric && IsDigit(s[0])) {
      return absl::StrCat("\"", BoundedEcho(s), "\" is not an integer");
    }
    return absl::StrCat("\"", BoundedEcho(s),
                        "\" is not a non-negative integer");
  }
  size_t first = 0;
  while (first + 1 < s.size() && s[first] == '0') ++first;
  const absl::string_view significant = s.substr(first);
  uint64_t v = 0;
  if (significant.size() <= 19) {
    for (char c : significant) v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (significant.size() > 19 || v > max) {
    return absl::StrCat("\"", BoundedEcho(s), "\" is too large (maximum ", max,
                        ")");
  }
  *out = v;
  return std::nullopt;
}

// The errors of one row, each naming its column; ok() until the first.
class RowErrors {
 public:
  RowErrors(ErrorList& errors, int64_t line) : errors_(errors), line_(line) {}
  void Fail(Column column, std::string message) {
    errors_.Add(line_, kColumnNames[column], std::move(message));
    ok_ = false;
  }
  bool ok() const { return ok_; }

 private:
  ErrorList& errors_;
  const int64_t line_;
  bool ok_ = true;
};

// Splits a data row into its kColumnCount fields; false, with the error
// recorded, when it is not a CSV record of that many fields.
bool SplitRow(absl::string_view line, int64_t line_no, ErrorList& errors,
              absl::string_view* fields, std::string* scratch) {
  int count = 0;
  if (std::optional<SplitError> e =
          SplitRecord(line, fields, &count, scratch)) {
    errors.Add(line_no,
               e->field >= 0 && e->field < kColumnCount ? kColumnNames[e->field]
                                                        : absl::string_view(),
               std::move(e->message));
    return false;
  }
  if (count != kColumnCount) {
    errors.Add(
        line_no, "",
        absl::StrCat("expected ", kColumnCount, " fields, found ", count));
    return false;
  }
  return true;
}

void CheckPeriod(absl::string_view period, absl::string_view imported,
                 RowErrors& errors) {
  if (period != imported) {
    errors.Fail(csv::kPeriod, absl::StrCat("\"", BoundedEcho(period),
                                           "\" differs from the imported "
                                           "period \"",
                                           BoundedEcho(imported), "\""));
  }
}

std::optional<TerritoryLevel> ParseLevel(absl::string_view field,
                                         RowErrors& errors) {
  const std::optional<TerritoryLevel> level = ParseTerritoryLevel(field);
  if (!level) {
    errors.Fail(csv::kTerritoryLevel,
                absl::StrCat("\"", BoundedEcho(field),
                             "\" is not a territory level (commune, iris, qpv, "
                             "iris_qpv)"));
  }
  return level;
}

std::optional<IndicatorId> ParseIndicator(absl::string_view field,
                                          RowErrors& errors) {
  const std::optional<IndicatorId> ind = FindIndicatorId(field);
  if (!ind) {
    errors.Fail(csv::kIndicator, absl::StrCat("\"", BoundedEcho(field),
                                              "\" is not a known indicator"));
  }
  return ind;
}

// The cell of category `category_code` of breakdown `breakdown_code` (not
// empty) of indicator `ind`.
std::optional<CellId> CategoryCellOf(IndicatorId ind,
                                     absl::string_view breakdown_code,
                                     absl::string_view category_code,
                                     RowErrors& errors) {
  const Indicator& indicator = Indicators()[ind];
  int b = -1;
  for (size_t i = 0; i < indicator.breakdowns.size(); ++i) {
    if (indicator.breakdowns[i].code == breakdown_code) {
      b = static_cast<int>(i);
    }
  }
  if (b < 0) {
    errors.Fail(csv::kBreakdown,
                absl::StrCat("\"", BoundedEcho(breakdown_code),
                             "\" is not a breakdown of indicator \"",
                             indicator.code, "\""));
    return std::nullopt;
  }
  const auto& categories = indicator.breakdowns[b].categories;
  int c = -1;
  for (size_t i = 0; i < categories.size(); ++i) {
    if (categories[i].code == category_code) c = static_cast<int>(i);
  }
  if (c >= 0) return CategoryCell(ind, b, c);
  if (category_code.empty()) {
    errors.Fail(csv::kCategory, absl::StrCat("is empty (breakdown \"",
                                             BoundedEcho(breakdown_code),
                                             "\" needs a category)"));
  } else {
    errors.Fail(csv::kCategory,
                absl::StrCat("\"", BoundedEcho(category_code),
                             "\" is not a category of breakdown \"",
                             BoundedEcho(breakdown_code), "\""));
  }
  return std::nullopt;
}

// The cell a row names: the indicator's total (breakdown and category
// empty) or one of its categories.
std::optional<CellId> CellOf(IndicatorId ind, absl::string_view breakdown_code,
                             absl::string_view category_code,
                             RowErrors& errors) {
  if (!breakdown_code.empty()) {
    return CategoryCellOf(ind, breakdown_code, category_code, errors);
  }
  if (category_code.empty()) return TotalCell(ind);
  errors.Fail(csv::kCategory,
              absl::StrCat("must be empty when breakdown is empty, found \"",
                           BoundedEcho(category_code), "\""));
  return std::nullopt;
}

struct Figures {
  uint64_t count = 0;
  uint64_t amount = 0;  // euros per month; amount indicators only
};

// The count, and the amount for an amount indicator (which must be empty
// for a count indicator). `ind` unknown: the amount is not read.
Figures ParseFigures(absl::string_view count, absl::string_view amount,
                     std::optional<IndicatorId> ind, RowErrors& errors) {
  Figures out;
  if (std::optional<std::string> e =
          ParseInteger(count, kMaxCount, &out.count)) {
    errors.Fail(csv::kCount, *std::move(e));
  }
  if (!ind) return out;
  if (Indicators()[*ind].unit == Unit::kEurosPerMonth) {
    if (std::optional<std::string> e = ParseInteger(
            amount, static_cast<uint64_t>(kMaxAmount), &out.amount)) {
      errors.Fail(csv::kAmountEur, *std::move(e));
    }
  } else if (!amount.empty()) {
    errors.Fail(csv::kAmountEur,
                absl::StrCat("must be empty for a count indicator, found \"",
                             BoundedEcho(amount), "\""));
  }
  return out;
}

}  // namespace

absl::StatusOr<CsvImporter> CsvImporter::Create(ImportOptions options) {
  absl::StatusOr<BaseBuilder> builder =
      BaseBuilder::Create(options.period, options.max_errors);
  if (!builder.ok()) return builder.status();
  return CsvImporter(std::move(options), *std::move(builder));
}

CsvImporter::CsvImporter(ImportOptions options, BaseBuilder builder)
    : options_(std::move(options)), builder_(std::move(builder)) {
  pending_.reserve(csv::kMaxLineBytes + 2);
}

void CsvImporter::Feed(absl::string_view bytes) {
  if (finished_) return;
  bytes_ += static_cast<int64_t>(bytes.size());
  while (!bytes.empty()) {
    const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
    const size_t take =
        nl == nullptr
            ? bytes.size()
            : static_cast<size_t>(static_cast<const char*>(nl) - bytes.data());
    const absl::string_view piece = bytes.substr(0, take);
    if (nl == nullptr) {
      // No line end yet: keep the bytes, unless the line is already too long
      // (the limit plus one byte for a CR).
      if (!overlong_) {
        if (pending_.size() + piece.size() > csv::kMaxLineBytes + 1) {
          overlong_ = true;
          pending_.clear();
        } else {
          pending_.append(piece.data(), piece.size());
        }
      }
      return;
    }
    ++line_no_;
    if (overlong_ || pending_.size() + piece.size() > csv::kMaxLineBytes + 1) {
      if (!fatal_) {
        builder_.errors().Add(
            line_no_, "",
            absl::StrCat("longer than ", csv::kMaxLineBytes, " bytes"));
      }
      if (line_no_ == 1) fatal_ = true;  // no header could be read
    } else if (pending_.empty()) {
      ProcessLine(piece);  // the common case: no copy
    } else {
      pending_.append(piece.data(), piece.size());
      ProcessLine(pending_);
    }
    pending_.clear();
    overlong_ = false;
    bytes.remove_prefix(take + 1);
  }
}

void CsvImporter::ProcessLine(absl::string_view line) {
  if (fatal_) return;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > csv::kMaxLineBytes) {
    builder_.errors().Add(
        line_no_, "",
        absl::StrCat("longer than ", csv::kMaxLineBytes, " bytes"));
    if (line_no_ == 1) fatal_ = true;
    return;
  }
  if (line_no_ == 1) {
    if (line.substr(0, csv::kBom.size()) == csv::kBom) {
      line.remove_prefix(csv::kBom.size());
    }
    if (line != csv::kHeader) {
      fatal_ = true;
      if (!CheckEncoding(line)) return;
      builder_.errors().Add(
          1, "",
          absl::StrCat("the first line must be the header \"", csv::kHeader,
                       "\", found \"", Excerpt(line, kExcerptBytes), "\""));
    }
    return;
  }
  if (line.empty()) {
    builder_.errors().Add(line_no_, "", "empty line");
    return;
  }
  if (!CheckEncoding(line)) return;
  ProcessRow(line);
}

bool CsvImporter::CheckEncoding(absl::string_view line) {
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const size_t n = line.size();
  size_t i = 0;
  while (i < n) {
    // Fast path: 8 printable ASCII bytes (0x20 to 0x7E) at a time.
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHighs = 0x8080808080808080ull;
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      const uint64_t below_space = (w - 0x20 * kOnes) & ~w & kHighs;
      const uint64_t x = w ^ (0x7F * kOnes);
      const uint64_t del = (x - kOnes) & ~x & kHighs;
      if (((w & kHighs) | below_space | del) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) {
        builder_.errors().Add(
            line_no_, "",
            absl::StrFormat("control character 0x%02X at byte %d", c, i + 1));
        return false;
      }
      ++i;
      continue;
    }
    const auto [cp, len] = utf8::Decode(line, i);
    if (len == 0) {
      builder_.errors().Add(line_no_, "",
                            absl::StrCat("invalid UTF-8 at byte ", i + 1));
      return false;
    }
    if (cp >= 0x80 && cp <= 0x9F) {
      builder_.errors().Add(
          line_no_, "",
          absl::StrFormat("control character U+%04X at byte %d",
                          static_cast<uint32_t>(cp), i + 1));
      return false;
    }
    i += len;
  }
  return true;
}

void CsvImporter::ProcessRow(absl::string_view line) {
  absl::string_view f[kColumnCount];
  std::string scratch[kColumnCount];
  if (!SplitRow(line, line_no_, builder_.errors(), f, scratch)) return;
  // Every field is checked, so that one row reports all its errors.
  RowErrors errors(builder_.errors(), line_no_);
  CheckPeriod(f[csv::kPeriod], options_.period, errors);
  const std::optional<TerritoryLevel> level =
      ParseLevel(f[csv::kTerritoryLevel], errors);
  const std::optional<IndicatorId> ind =
      ParseIndicator(f[csv::kIndicator], errors);
  std::optional<CellId> cell;
  if (ind) cell = CellOf(*ind, f[csv::kBreakdown], f[csv::kCategory], errors);
  const Figures figures =
      ParseFigures(f[csv::kCount], f[csv::kAmountEur], ind, errors);
  if (!errors.ok()) return;

  const std::optional<TerritoryId> territory =
      builder_.AddTerritory({*level, f[csv::kTerritoryCode],
                             f[csv::kTerritoryName], f[csv::kParentCommune]},
                            line_no_);
  if (!territory) return;
  if (builder_.SetCell(*territory, *cell, static_cast<uint32_t>(figures.count),
                       static_cast<int64_t>(figures.amount), line_no_)) {
    ++rows_;
  }
}

absl::StatusOr<Base> CsvImporter::Finish() {
  finished_ = true;
  if (line_no_ == 0 && pending_.empty() && !overlong_) {
    builder_.errors().Add(0, "", "the file is empty (no header line)");
  } else if (!pending_.empty() || overlong_) {
    builder_.errors().Add(line_no_ + 1, "",
                          "the file ends without a line break (truncated?)");
  }
  const std::string subject =
      absl::StrCat(options_.file_name.empty() ? "statistics file"
                                              : BoundedEcho(options_.file_name),
                   " (period ", BoundedEcho(options_.period), ")");
  return builder_.Build(subject);
}

absl::StatusOr<Base> ImportCsv(absl::string_view contents,
                               const ImportOptions& options) {
  absl::StatusOr<CsvImporter> importer = CsvImporter::Create(options);
  if (!importer.ok()) return importer.status();
  importer->Feed(contents);
  return importer->Finish();
}

}  // namespace ctg::statbase
