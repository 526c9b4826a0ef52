#include "base/json.h"

#include <cstdint>

namespace ctg {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(uint32_t code_point, std::string* out) {
  const char esc[6] = {'\\',
                       'u',
                       kHex[(code_point >> 12) & 0xf],
                       kHex[(code_point >> 8) & 0xf],
                       kHex[(code_point >> 4) & 0xf],
                       kHex[code_point & 0xf]};
  out->append(esc, sizeof(esc));
}

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at s[i] and its code point,
// or 0 when the bytes there are not one (RFC 3629, section 4).
size_t DecodeUtf8(absl::string_view s, size_t i, uint32_t* code_point) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const size_t left = s.size() - i;
  const uint8_t b0 = b(0);
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left < 2 || !IsContinuation(b(1))) return 0;
    *code_point = (b0 & 0x1Fu) << 6 | (b(1) & 0x3Fu);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !IsContinuation(b(1)) || !IsContinuation(b(2))) return 0;
    if (b0 == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b(1) > 0x9F) return 0;  // surrogate
    *code_point = (b0 & 0x0Fu) << 12 | (b(1) & 0x3Fu) << 6 | (b(2) & 0x3Fu);
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !IsContinuation(b(1)) || !IsContinuation(b(2)) ||
        !IsContinuation(b(3))) {
      return 0;
    }
    if (b0 == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b(1) > 0x8F) return 0;  // above U+10FFFF
    *code_point = (b0 & 0x07u) << 18 | (b(1) & 0x3Fu) << 12 |
                  (b(2) & 0x3Fu) << 6 | (b(3) & 0x3Fu);
    return 4;
  }
  return 0;
}

}  // namespace

void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    const auto u = static_cast<uint8_t>(c);
    if (u >= 0x20 && u < 0x7F && c != '"' && c != '\\') {
      out->push_back(c);
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        ++i;
        continue;
      case '\\':
        out->append("\\\\");
        ++i;
        continue;
      case '\b':
        out->append("\\b");
        ++i;
        continue;
      case '\f':
        out->append("\\f");
        ++i;
        continue;
      case '\n':
        out->append("\\n");
        ++i;
        continue;
      case '\r':
        out->append("\\r");
        ++i;
        continue;
      case '\t':
        out->append("\\t");
        ++i;
        continue;
      default:
        break;
    }
    uint32_t code_point = 0;
    const size_t n = DecodeUtf8(s, i, &code_point);
    if (n == 0) {
      out->append("\xEF\xBF\xBD");  // U+FFFD for one stray byte
      ++i;
    } else if (code_point < 0x20 ||
               (code_point >= 0x7F && code_point <= 0x9F) ||
               code_point == 0x2028 || code_point == 0x2029) {
      AppendUnicodeEscape(code_point, out);
      i += n;
    } else {
      out->append(s.data() + i, n);
      i += n;
    }
  }
  out->push_back('"');
}

std::string JsonString(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(s, &out);
  return out;
}

}  // namespace ctg
