#include "policy/text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ctg::policy {

long Utf8Length(absl::string_view s) {
  long count = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and out-of-range code points are invalid.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += len;
    ++count;
  }
  return count;
}

absl::Status CheckText(absl::string_view field, absl::string_view value, const TextRule& rule) {
  if (value.empty()) {
    if (rule.required) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
    return absl::OkStatus();
  }
  long length = Utf8Length(value);
  if (length < 0) return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
  if (static_cast<size_t>(length) > rule.max_chars) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is ", length,
                                                   " characters long; the limit is ", rule.max_chars));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = value[i];
    bool allowed_space = rule.multiline && (c == '\n' || c == '\t');
    bool c1 = c == 0xC2 && i + 1 < value.size() &&
              static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(value[i + 1]) <= 0x9F;
    if (((c < 0x20 || c == 0x7F) && !allowed_space) || c1) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " contains a control character at byte ", i));
    }
  }
  if (absl::StripAsciiWhitespace(value).empty() && rule.required) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  return absl::OkStatus();
}

}  // namespace ctg::policy
