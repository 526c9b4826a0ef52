// An independent model of policy/text.h ValidateText, written from its header
// and request_validation.h ("Text rules"), for the request_validation fuzz
// entry: UTF-8 decoded by RFC 3629's table of well-formed byte sequences
// (not by the code under test), blank = ASCII whitespace only.
#ifndef CTG_FUZZ_ENTRY_TEXT_MODEL_H_
#define CTG_FUZZ_ENTRY_TEXT_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"

namespace ctg::fuzz {

// The code points of `s`, or nullopt when it is not well-formed UTF-8.
inline std::optional<std::vector<uint32_t>> ModelUtf8(absl::string_view s) {
  struct Row {
    uint8_t lo0, hi0, lo1, hi1;
    int n;
  };
  // RFC 3629 §4 / Unicode Table 3-7.
  static constexpr Row kRows[] = {
      {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
      {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3},
      {0xEE, 0xEF, 0x80, 0xBF, 3}, {0xF0, 0xF0, 0x90, 0xBF, 4},
      {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
  };
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const uint8_t b0 = static_cast<uint8_t>(s[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    const Row* row = nullptr;
    for (const Row& r : kRows) {
      if (b0 >= r.lo0 && b0 <= r.hi0) row = &r;
    }
    if (row == nullptr || i + row->n > s.size()) return std::nullopt;
    const uint8_t b1 = static_cast<uint8_t>(s[i + 1]);
    if (b1 < row->lo1 || b1 > row->hi1) return std::nullopt;
    uint32_t cp = b0 & (row->n == 2 ? 0x1F : row->n == 3 ? 0x0F : 0x07);
    cp = (cp << 6) | (b1 & 0x3F);
    for (int k = 2; k < row->n; ++k) {
      const uint8_t b = static_cast<uint8_t>(s[i + k]);
      if (b < 0x80 || b > 0xBF) return std::nullopt;
      cp = (cp << 6) | (b & 0x3F);
    }
    out.push_back(cp);
    i += row->n;
  }
  return out;
}

inline bool ModelBlank(absl::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f' &&
        c != '\r') {
      return false;
    }
  }
  return true;
}

// C0 but (in paragraphs) tab and newline, DEL, C1, U+2028/9, bidi controls.
inline bool ModelForbidden(uint32_t c, bool paragraph) {
  if (paragraph && (c == '\n' || c == '\t')) return false;
  return c <= 0x1F || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Whether ValidateText(field, s, max_chars, presence, kind) must succeed.
inline bool ModelTextOk(absl::string_view s, size_t max_chars, bool required,
                        bool paragraph) {
  if (ModelBlank(s)) return !required;
  std::optional<std::vector<uint32_t>> cps = ModelUtf8(s);
  if (!cps.has_value()) return false;
  for (uint32_t c : *cps) {
    if (ModelForbidden(c, paragraph)) return false;
  }
  return cps->size() <= max_chars;
}

// No control character at all (C0, DEL, C1), valid UTF-8: what an error
// message may contain.
inline bool ModelPrintable(absl::string_view s) {
  std::optional<std::vector<uint32_t>> cps = ModelUtf8(s);
  if (!cps.has_value()) return false;
  for (uint32_t c : *cps) {
    if (ModelForbidden(c, /*paragraph=*/false)) return false;
  }
  return true;
}

}  // namespace ctg::fuzz

#endif  // CTG_FUZZ_ENTRY_TEXT_MODEL_H_
