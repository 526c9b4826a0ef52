#include "policy/text.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/utf8.h"

namespace ctg::policy {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

std::string CodePoint(uint32_t c) {
  std::string hex = absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c)));
  if (hex.size() < 4) hex.insert(0, 4 - hex.size(), '0');
  return absl::StrCat("U+", hex);
}

bool IsForbiddenControl(uint32_t c, TextKind kind) {
  if (kind == TextKind::kParagraph && (c == '\n' || c == '\t')) return false;
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

absl::Status CheckNoNul(absl::string_view field, absl::string_view text) {
  size_t at = text.find('\0');
  if (at == absl::string_view::npos) return absl::OkStatus();
  return Invalid(field, absl::StrCat("NUL byte (U+0000) at byte ", at,
                                     "; text may not contain NUL"));
}

bool IsBlank(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          size_t max_chars, Presence presence, TextKind kind) {
  if (IsBlank(text)) {
    return presence == Presence::kRequired ? Invalid(field, "required")
                                           : absl::OkStatus();
  }
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    auto [c, length] = utf8::Decode(text, i);
    if (length == 0) {
      return Invalid(field, absl::StrCat("invalid UTF-8 at byte ", i));
    }
    if (IsForbiddenControl(c, kind)) {
      return Invalid(field,
                     absl::StrCat("control character ", CodePoint(c),
                                  " at character ", chars,
                                  kind == TextKind::kParagraph
                                      ? "; only newline and tab are allowed"
                                      : "; a single line of text is expected"));
    }
    i += length;
    ++chars;
  }
  if (chars > max_chars) {
    return Invalid(field,
                   absl::StrCat(chars, " characters, at most ", max_chars));
  }
  return absl::OkStatus();
}

long Utf8Length(absl::string_view text) {
  long count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    size_t length = utf8::Decode(text, i).length;
    if (length == 0) return -1;
    i += length;
  }
  return count;
}

size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  return i < text.size() ? utf8::Decode(text, i).length : 0;
}

}  // namespace ctg::policy
