// Errors found while importing a statistical base, and the bounded list that
// collects them. Not thread-safe (one list per import).
#ifndef CTG_STATBASE_IMPORT_ERROR_H_
#define CTG_STATBASE_IMPORT_ERROR_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

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

  // `line 12, field "count": "-3" is negative`, `line 3: expected 10 fields,
  // found 9`, or the bare message when line is 0.
  std::string ToString() const;

  friend bool operator==(const ImportError&, const ImportError&) = default;
  friend std::ostream& operator<<(std::ostream& os, const ImportError& e) {
    return os << e.ToString();
  }
};

// Keeps the first `limit` errors and counts the rest.
class ErrorList {
 public:
  static constexpr int64_t kDefaultLimit = 100;

  explicit ErrorList(int64_t limit = kDefaultLimit) : limit_(limit) {}

  void Add(int64_t line, absl::string_view field, std::string message);
  void Add(ImportError error);

  bool empty() const { return total_ == 0; }
  // Every error found, kept or not.
  int64_t total() const { return total_; }
  // The first min(total(), limit) errors, in the order found.
  const std::vector<ImportError>& kept() const { return kept_; }

  // OkStatus when empty; otherwise InvalidArgument whose message is
  //   "<subject>: <total> error(s)\n<error>\n<error>...[\n... and N more]"
  // with one kept error per line.
  absl::Status ToStatus(absl::string_view subject) const;

 private:
  int64_t limit_;
  int64_t total_ = 0;
  std::vector<ImportError> kept_;
};

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_IMPORT_ERROR_H_
