// UTF-8 for the audit trail: the project's one decoder (base/utf8.h) under
// the names the audit code uses. Internal to ctg_audit.
#ifndef CTG_AUDIT_INTERNAL_UTF8_H_
#define CTG_AUDIT_INTERNAL_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "base/utf8.h"

namespace ctg::audit::internal {

// Returns the byte offset of the first invalid sequence in `s`, or
// `s.size()` when all of `s` is well-formed UTF-8.
inline size_t FirstInvalidUtf8(absl::string_view s) {
  return utf8::FirstInvalid(s);
}

inline bool IsValidUtf8(absl::string_view s) { return utf8::IsValid(s); }

// Appends the UTF-8 encoding of `code_point` (must be a Unicode scalar
// value) to `out`.
inline void AppendUtf8(char32_t code_point, std::string* out) {
  utf8::Append(code_point, out);
}

}  // namespace ctg::audit::internal

#endif  // CTG_AUDIT_INTERNAL_UTF8_H_
