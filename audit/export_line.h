// One line of the JSON Lines audit export (layout in audit_log_format.h,
// specification in docs/audit-log-format.md): writer and strict reader.
//
//   std::string line;
//   AppendExportLine(record, &line);            // appends JSON and '\n'
//   ExportRecord back;
//   absl::Status s = ParseExportLine(line_without_newline, &back);
//
// All functions are thread-safe (distinct records per thread).
#ifndef CTG_AUDIT_EXPORT_LINE_H_
#define CTG_AUDIT_EXPORT_LINE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "audit/event.h"
#include "audit/hash.h"

namespace ctg::audit {

// An exported event with what the gateway recorded alongside it.
struct ExportRecord {
  Event event;
  // The leaf hash stored when the event was appended (not recomputed).
  Hash leaf_hash{};
  // Signed note of the periodic checkpoint whose tree size is
  // event.sequence; empty when there is none.
  std::string checkpoint;

  friend bool operator==(const ExportRecord&, const ExportRecord&) = default;
};

// Appends the JSON object of `record` and a '\n' to `*out`. Fields appear in
// the order of audit_log_format.h, without whitespace; `checkpoint` only when
// non-empty. Strings escape '"', '\\', control characters, DEL, U+0085,
// U+2028 and U+2029, so that no line splitter breaks a line inside them.
// The event must pass ValidateEvent() (in particular, strings must be
// UTF-8), or the line will not read back.
void AppendExportLine(const ExportRecord& record, std::string* out);
std::string FormatExportLine(const ExportRecord& record);

// Parses one line (without its '\n'; JSON whitespace, including a trailing
// '\r', is allowed between tokens) into `*record`, reusing its storage.
// Strict: InvalidArgument naming the column and the field for malformed
// JSON, an unknown or duplicate field, a missing required field, a value of
// the wrong type or range, a bad timestamp or hex hash, a duplicate fact
// key, invalid UTF-8, or anything after the closing brace. Facts are sorted
// by key on the way in. The event is fully validated (ValidateEvent()).
// Callers prefix the line number.
absl::Status ParseExportLine(absl::string_view line, ExportRecord* record);
absl::StatusOr<ExportRecord> ParseExportLine(absl::string_view line);

}  // namespace ctg::audit

#endif  // CTG_AUDIT_EXPORT_LINE_H_
