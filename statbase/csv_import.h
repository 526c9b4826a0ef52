// Streaming import of a statistics CSV file (docs/statistics-csv-format.md)
// into a validated Base for one period.
//
//   CTG_ASSIGN_OR_RETURN(CsvImporter importer,
//                        CsvImporter::Create({.period = "2023",
//                                             .file_name = "base.csv"}));
//   while (...) importer.Feed(chunk);       // any slicing of the bytes
//   absl::StatusOr<Base> base = importer.Finish();
//
// Bytes are consumed as they come: only the current line (at most
// csv::kMaxLineBytes) is buffered, never the file, so memory is that of the
// Base being built. The import is all-or-nothing: Finish() returns the Base
// only if the whole file is valid; otherwise InvalidArgument whose message is
// "<file> (period <P>): <N> errors" followed by the first 100 errors, one per
// line ("line 12, field \"count\": \"-3\" is negative"; the same error on
// consecutive lines is one run, "lines 2–101 (100 lines), ..."), then "... and
// <M> more errors" if there were more. errors() gives the same list structured.
//
// Not thread-safe: one importer per import, used by one thread at a time.
#ifndef CTG_STATBASE_CSV_IMPORT_H_
#define CTG_STATBASE_CSV_IMPORT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "statbase/base.h"
#include "statbase/base_builder.h"
#include "statbase/import_error.h"

namespace ctg::statbase {

struct ImportOptions {
  // The period the caller imports, "YYYY" or "YYYY-MM"; every row's period
  // must equal it.
  std::string period;
  // Names the file in the error message; "statistics file" when empty.
  std::string file_name;
  // Errors kept in the report (the rest are only counted).
  int64_t max_errors = ErrorList::kDefaultLimit;
};

class CsvImporter {
 public:
  // InvalidArgument when options.period is not "YYYY" or "YYYY-MM".
  static absl::StatusOr<CsvImporter> Create(ImportOptions options);

  CsvImporter(CsvImporter&&) = default;
  CsvImporter& operator=(CsvImporter&&) = default;
  CsvImporter(const CsvImporter&) = delete;
  CsvImporter& operator=(const CsvImporter&) = delete;

  // Consumes the next bytes of the file. Never fails: problems are recorded
  // and reported by Finish(). Ignored after Finish().
  void Feed(absl::string_view bytes);

  // Ends the file: checks the last line was complete, runs the whole-base
  // checks and returns the Base, or InvalidArgument listing the errors (see
  // above). Call once.
  absl::StatusOr<Base> Finish();

  // Errors found so far (all of them after Finish()).
  const ErrorList& errors() const { return builder_.errors(); }
  // Complete lines seen so far, header included.
  int64_t lines() const { return line_no_; }
  // Data rows accepted so far.
  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }

 private:
  CsvImporter(ImportOptions options, BaseBuilder builder);

  void ProcessLine(absl::string_view line);
  void ProcessRow(absl::string_view line);
  bool CheckEncoding(absl::string_view line);

  ImportOptions options_;
  BaseBuilder builder_;
  std::string pending_;    // the current line's bytes so far
  bool overlong_ = false;  // the current line exceeded the limit
  bool fatal_ = false;     // bad header: the rest is not read
  bool finished_ = false;
  int64_t line_no_ = 0;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

// Convenience for a file already in memory (tests, small files).
absl::StatusOr<Base> ImportCsv(absl::string_view contents,
                               const ImportOptions& options);

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_CSV_IMPORT_H_
