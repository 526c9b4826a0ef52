// The small subset of JSON (RFC 8259) the export format needs: strings,
// non-negative and signed integers, one flat object of strings. Internal to
// ctg_audit; see export_line.h for the public reader and writer.
#ifndef CTG_AUDIT_INTERNAL_JSON_H_
#define CTG_AUDIT_INTERNAL_JSON_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::audit::internal {

// Appends `s` (valid UTF-8) as a JSON string literal, quotes included:
// '"' and '\' are escaped, control characters below U+0020 become \b \f \n
// \r \t or \u00XX, and DEL and the characters that generic line splitters
// treat as line breaks (U+007F, U+0085, U+2028, U+2029) become \u007f,
// \u0085, \u2028, \u2029; everything else is copied as is.
void AppendJsonString(absl::string_view s, std::string* out);

// A cursor over one line of JSON text. Errors name the 1-based column.
class JsonCursor {
 public:
  explicit JsonCursor(absl::string_view text) : text_(text) {}

  size_t column() const { return pos_ + 1; }
  bool AtEnd() const { return pos_ >= text_.size(); }

  // Skips JSON whitespace (space, tab, CR, LF).
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }
  // Skips whitespace, then consumes `c` if it is next. False otherwise.
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // Skips whitespace; returns the next byte without consuming it, or '\0'
  // at the end.
  char Peek() {
    SkipSpace();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }

  // Reads a string literal into `*out` (replacing its contents): escapes
  // decoded, surrogate pairs joined, and the result checked to be UTF-8.
  // InvalidArgument on a missing quote, raw control character, bad escape,
  // lone surrogate or invalid UTF-8.
  absl::Status String(std::string* out);
  // Reads a string literal meant as an object key: `*out` views the text
  // itself when the literal has no escapes, else the decoded copy in
  // `*scratch`. Same errors as String().
  absl::Status Key(absl::string_view* out, std::string* scratch);
  // Reads a JSON integer with no sign, fraction or exponent that fits a
  // uint64 (no leading zeros).
  absl::Status Uint64(uint64_t* out);
  // Reads a JSON integer, optional '-', that fits an int32.
  absl::Status Int32(int32_t* out);

  // InvalidArgument "column N: <what>".
  absl::Status Error(absl::string_view what) const;

 private:
  static bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
  absl::Status Escape(std::string* out);
  // Uint64() without skipping whitespace first.
  absl::Status Digits(uint64_t* out);
  absl::Status Hex4(uint32_t* out);

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace ctg::audit::internal

#endif  // CTG_AUDIT_INTERNAL_JSON_H_
