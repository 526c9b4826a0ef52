// UTF-8 validation (RFC 3629): no overlong forms, no surrogates (U+D800 to
// U+DFFF), nothing above U+10FFFF. Internal to ctg_audit.
#ifndef CTG_AUDIT_INTERNAL_UTF8_H_
#define CTG_AUDIT_INTERNAL_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace ctg::audit::internal {

// Returns the byte offset of the first invalid sequence in `s`, or
// `s.size()` when all of `s` is well-formed UTF-8.
size_t FirstInvalidUtf8(absl::string_view s);

inline bool IsValidUtf8(absl::string_view s) {
  return FirstInvalidUtf8(s) == s.size();
}

// Appends the UTF-8 encoding of `code_point` (must be a Unicode scalar
// value) to `out`.
void AppendUtf8(char32_t code_point, std::string* out);

}  // namespace ctg::audit::internal

#endif  // CTG_AUDIT_INTERNAL_UTF8_H_
