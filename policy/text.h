// Checks of free text received from clients (names, reasons, purposes):
// valid UTF-8, no control characters (newlines allowed where text spans
// lines), bounded length in characters. Pure; thread-safe.
#ifndef CTG_POLICY_TEXT_H_
#define CTG_POLICY_TEXT_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::policy {

struct TextRule {
  bool required = false;
  size_t max_chars = 200;
  bool multiline = false;  // allow '\n' (and '\t')
};

// Errors: kInvalidArgument naming `field`: empty while required, invalid
// UTF-8, a control character, more than max_chars characters.
absl::Status CheckText(absl::string_view field, absl::string_view value, const TextRule& rule);

// Number of Unicode code points, or -1 when `value` is not valid UTF-8.
long Utf8Length(absl::string_view value);

}  // namespace ctg::policy

#endif  // CTG_POLICY_TEXT_H_
