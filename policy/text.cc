#include "policy/text.h"

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

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

// Decodes the UTF-8 sequence at text[i]: its code point and length, or a
// length of 0 when the bytes are not well-formed UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF are not).
std::pair<uint32_t, size_t> DecodeUtf8(absl::string_view text, size_t i) {
  auto byte = [&](size_t k) -> uint32_t {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
  };
  auto cont = [&](size_t k, uint32_t lo = 0x80, uint32_t hi = 0xBF) {
    return byte(k) >= lo && byte(k) <= hi;
  };
  uint32_t b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    return {((b0 & 0x1F) << 6) | (byte(1) & 0x3F), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    uint32_t lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
    if (cont(1, lo, hi) && cont(2)) {
      return {((b0 & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F),
              3};
    }
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    uint32_t lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (cont(1, lo, hi) && cont(2) && cont(3)) {
      return {((b0 & 0x07) << 18) | ((byte(1) & 0x3F) << 12) |
                  ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F),
              4};
    }
  }
  return {0, 0};
}

bool IsForbiddenControl(uint32_t c, TextKind kind) {
  if (kind == TextKind::kParagraph && (c == '\n' || c == '\t')) return false;
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

bool IsBlank(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The person segment of a SPIFFE ID, as policy/identity.cc accepts it.
}  // namespace

absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          size_t max_chars, Presence presence, TextKind kind) {
  if (IsBlank(text)) {
    return presence == Presence::kRequired ? Invalid(field, "required")
                                           : absl::OkStatus();
  }
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    auto [c, length] = DecodeUtf8(text, i);
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
    size_t length = DecodeUtf8(text, i).second;
    if (length == 0) return -1;
    i += length;
  }
  return count;
}

size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  return DecodeUtf8(text, i).second;
}

}  // namespace ctg::policy
