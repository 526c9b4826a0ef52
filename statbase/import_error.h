// Errors found while importing a statistical base, and the bounded list that
// collects them. Not thread-safe (one list per import).
#ifndef CTG_STATBASE_IMPORT_ERROR_H_
#define CTG_STATBASE_IMPORT_ERROR_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::statbase {

struct ImportError {
  // 1-based line of the file; 0 when the error is about the base as a whole
  // (sums, missing rows), found after the last line.
  int64_t line = 0;
  // CSV column name ("count"), or empty when the error is about the line or
  // the base as a whole.
  std::string field;
  std::string message;
  // Last line of a run of consecutive lines that failed with the same field
  // and message (ErrorList groups them); 0 for a single line.
  int64_t last_line = 0;

  // `line 12, field "count": "-3" is negative`, `line 3: expected 10 fields,
  // found 9`, `lines 2–101 (100 lines), field "period": "2022" differs from
  // the imported period "2023"` for a run, or the bare message when line is 0.
  std::string ToString() const;

  friend bool operator==(const ImportError&, const ImportError&) = default;
  friend std::ostream& operator<<(std::ostream& os, const ImportError& e) {
    return os << e.ToString();
  }
};

// Keeps the first `limit` errors and counts the rest. An error with the same
// field and message as a kept one, on the line right after that one's last
// line, extends it into a run (one entry, "lines 2–101 (100 lines)"), so that
// a file whose every row fails the same way reports one line, not one per row.
class ErrorList {
 public:
  static constexpr int64_t kDefaultLimit = 100;

  explicit ErrorList(int64_t limit = kDefaultLimit) : limit_(limit) {}

  void Add(int64_t line, absl::string_view field, std::string message);
  void Add(ImportError error);

  bool empty() const { return total_ == 0; }
  // Every error found, kept or not.
  int64_t total() const { return total_; }
  // The first min(total(), limit) errors or runs of errors, in the order found.
  const std::vector<ImportError>& kept() const { return kept_; }

  // OkStatus when empty; otherwise InvalidArgument whose message is
  //   "<subject>: <total> error(s)\n<error>\n<error>...[\n... and N more]"
  // with one kept error per line.
  absl::Status ToStatus(absl::string_view subject) const;

  // One line for an audit fact: "<total> error(s); first: <first kept error>",
  // cut to at most `max_bytes` bytes (on a UTF-8 boundary, ending "[...]");
  // empty when there is no error.
  std::string Summary(size_t max_bytes = kSummaryMaxBytes) const;
  static constexpr size_t kSummaryMaxBytes = 300;

 private:
  int64_t limit_;
  int64_t total_ = 0;
  int64_t represented_ = 0;  // errors that kept_ covers, runs counted in full
  std::vector<ImportError> kept_;
  // For each (field, message) of a kept error, the index of its latest entry.
  absl::flat_hash_map<std::pair<std::string, std::string>, size_t> latest_;
};

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_IMPORT_ERROR_H_
