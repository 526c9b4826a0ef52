// UTF-8 (RFC 3629), the one decoder of the project: well-formed sequences
// only (no overlong forms, no surrogates U+D800-U+DFFF, nothing above
// U+10FFFF). Header-only; pure; thread-safe.
#ifndef CTG_BASE_UTF8_H_
#define CTG_BASE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"

namespace ctg::utf8 {

// One decoded sequence: its code point and its length in bytes (1-4), or a
// length of 0 when the bytes at that offset are not well-formed UTF-8.
struct Sequence {
  char32_t code_point = 0;
  size_t length = 0;
};

// Decodes the sequence starting at s[i] (i < s.size()).
inline Sequence Decode(absl::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  const uint8_t c = p[i];
  if (c < 0x80) return {c, 1};
  size_t len;
  char32_t cp;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;  // no overlong 3-byte forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;  // no overlong 4-byte forms
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return {};  // continuation byte, overlong 2-byte lead, or 0xF5..0xFF
  }
  if (i + len > n) return {};
  if (p[i + 1] < lo || p[i + 1] > hi) return {};
  cp = (cp << 6) | (p[i + 1] & 0x3F);
  for (size_t k = 2; k < len; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (p[i + k] & 0x3F);
  }
  return {cp, len};
}

// The byte offset of the first ill-formed sequence of `s`, or `s.size()`
// when all of `s` is well-formed. ASCII runs are skipped eight bytes at a
// time.
inline size_t FirstInvalid(absl::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const size_t len = Decode(s, i).length;
    if (len == 0) return i;
    i += len;
  }
  return n;
}

inline bool IsValid(absl::string_view s) { return FirstInvalid(s) == s.size(); }

// Appends the UTF-8 encoding of `code_point` (a Unicode scalar value) to
// `out`.
inline void Append(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace ctg::utf8

#endif  // CTG_BASE_UTF8_H_
