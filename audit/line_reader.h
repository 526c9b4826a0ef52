// Splits an export into lines, from memory or from a std::istream read in
// large chunks, with 1-based line numbers and a cap on line length.
#ifndef CTG_AUDIT_LINE_READER_H_
#define CTG_AUDIT_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "audit/audit_log_format.h"

namespace ctg::audit {

// Not thread-safe. The text or stream must outlive the reader; a line
// returned by Next() stays valid until the next call.
class LineReader {
 public:
  // Reads lines from `text`.
  explicit LineReader(absl::string_view text,
                      size_t max_line_bytes = kMaxExportLineBytes);
  // Reads lines from `*in`.
  explicit LineReader(std::istream* in,
                      size_t max_line_bytes = kMaxExportLineBytes);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Sets `*line` to the next line without its '\n' and returns true, or
  // returns false at the end of the input. A final line without '\n' is a
  // line; an input ending in '\n' has no empty last line. Errors:
  // InvalidArgument "line N: longer than M bytes" (reading stops there);
  // DataLoss when the stream fails other than at its end.
  absl::StatusOr<bool> Next(absl::string_view* line);

  // Number of the line last returned (0 before the first).
  uint64_t line_number() const { return line_number_; }
  // Bytes consumed so far, newlines included.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  absl::StatusOr<bool> NextFromStream(absl::string_view* line);
  absl::Status TooLong() const;

  absl::string_view text_;      // memory mode: what is left
  std::istream* in_ = nullptr;  // stream mode
  std::string buffer_;          // stream mode: buffer_[begin_, end_) unread
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  size_t max_line_bytes_;
  uint64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
};

}  // namespace ctg::audit

#endif  // CTG_AUDIT_LINE_READER_H_
