#include "audit/internal/json.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/str_cat.h"
#include "audit/internal/utf8.h"

namespace ctg::audit::internal {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// True for bytes that end a plain run inside a string literal (reader).
struct SpecialTable {
  bool special[256];
  constexpr SpecialTable() : special() {
    for (int c = 0; c < 0x20; ++c) special[c] = true;
    special[static_cast<int>('"')] = true;
    special[static_cast<int>('\\')] = true;
  }
};
constexpr SpecialTable kSpecial;

bool IsSpecial(char c) { return kSpecial.special[static_cast<uint8_t>(c)]; }

// True for bytes the writer may have to escape: the reader's, DEL, and the
// lead bytes of U+0085 (c2 85) and U+2028/U+2029 (e2 80 a8/a9).
struct EscapeTable {
  bool escape[256];
  constexpr EscapeTable() : escape() {
    const SpecialTable reader;
    for (int c = 0; c < 256; ++c) escape[c] = reader.special[c];
    escape[0x7f] = true;
    escape[0xc2] = true;
    escape[0xe2] = true;
  }
};
constexpr EscapeTable kEscape;

bool MayEscape(char c) { return kEscape.escape[static_cast<uint8_t>(c)]; }

// The escape of the line break starting at s[i] (U+0085 NEL, U+2028 LINE
// SEPARATOR, U+2029 PARAGRAPH SEPARATOR: generic line splitters break lines
// there), or nullptr. Sets *length to its UTF-8 length.
const char* LineBreakEscape(absl::string_view s, size_t i, size_t* length) {
  const absl::string_view rest = s.substr(i);
  if (rest.size() >= 2 && rest[0] == '\xc2' && rest[1] == '\x85') {
    *length = 2;
    return "\\u0085";
  }
  if (rest.size() >= 3 && rest[0] == '\xe2' && rest[1] == '\x80' &&
      (rest[2] == '\xa8' || rest[2] == '\xa9')) {
    *length = 3;
    return rest[2] == '\xa8' ? "\\u2028" : "\\u2029";
  }
  return nullptr;
}

}  // namespace

void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!MayEscape(c)) continue;
    if (c == '\xc2' || c == '\xe2') {
      size_t length = 0;
      const char* escape = LineBreakEscape(s, i, &length);
      if (escape == nullptr) continue;  // another character: copied as is
      out->append(s.data() + start, i - start);
      out->append(escape, 6);
      i += length - 1;
      start = i + 1;
      continue;
    }
    out->append(s.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        const char esc[6] = {'\\',
                             'u',
                             '0',
                             '0',
                             kHex[(static_cast<uint8_t>(c) >> 4) & 0xf],
                             kHex[static_cast<uint8_t>(c) & 0xf]};
        out->append(esc, sizeof(esc));
      }
    }
  }
  out->append(s.data() + start, s.size() - start);
  out->push_back('"');
}

absl::Status JsonCursor::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat("column ", column(), ": ", what));
}

absl::Status JsonCursor::Hex4(uint32_t* out) {
  if (text_.size() - pos_ < 4) return Error("truncated \\u escape");
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = text_[pos_ + i];
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return Error("bad hex digit in \\u escape");
    }
    v = v << 4 | d;
  }
  pos_ += 4;
  *out = v;
  return absl::OkStatus();
}

absl::Status JsonCursor::Escape(std::string* out) {
  // At the byte after the backslash.
  if (pos_ >= text_.size()) return Error("unterminated string");
  const char c = text_[pos_++];
  switch (c) {
    case '"':
      out->push_back('"');
      return absl::OkStatus();
    case '\\':
      out->push_back('\\');
      return absl::OkStatus();
    case '/':
      out->push_back('/');
      return absl::OkStatus();
    case 'b':
      out->push_back('\b');
      return absl::OkStatus();
    case 'f':
      out->push_back('\f');
      return absl::OkStatus();
    case 'n':
      out->push_back('\n');
      return absl::OkStatus();
    case 'r':
      out->push_back('\r');
      return absl::OkStatus();
    case 't':
      out->push_back('\t');
      return absl::OkStatus();
    case 'u':
      break;
    default:
      --pos_;
      return Error(absl::StrCat("unknown escape \\", absl::string_view(&c, 1)));
  }
  uint32_t cp;
  if (auto s = Hex4(&cp); !s.ok()) return s;
  if (cp >= 0xdc00 && cp <= 0xdfff) return Error("lone low surrogate escape");
  if (cp >= 0xd800 && cp <= 0xdbff) {
    if (text_.size() - pos_ < 6 || text_[pos_] != '\\' ||
        text_[pos_ + 1] != 'u') {
      return Error("high surrogate escape not followed by a low surrogate");
    }
    pos_ += 2;
    uint32_t low;
    if (auto s = Hex4(&low); !s.ok()) return s;
    if (low < 0xdc00 || low > 0xdfff) {
      return Error("high surrogate escape not followed by a low surrogate");
    }
    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
  }
  AppendUtf8(static_cast<char32_t>(cp), out);
  return absl::OkStatus();
}

namespace {

// Length of the run of plain bytes (not '"', '\\' or a control character)
// at the start of [p, end); ORs every byte of the run into `*seen` so that the
// caller knows whether any was non-ASCII. Eight bytes at a time.
size_t PlainRun(const char* p, const char* end, uint64_t* seen) {
  const char* start = p;
  uint64_t acc = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time: find the first '"', '\\' or byte < 0x20.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i slash = _mm_set1_epi8('\\');
  const __m128i below = _mm_set1_epi8(0x1f);
  uint32_t high = 0;
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, slash)),
        _mm_cmpeq_epi8(_mm_min_epu8(x, below), x));
    const uint32_t mask = static_cast<uint32_t>(_mm_movemask_epi8(special));
    const uint32_t nonascii = static_cast<uint32_t>(_mm_movemask_epi8(x));
    if (mask != 0) {
      const int n = __builtin_ctz(mask);
      high |= nonascii & ((1u << n) - 1);
      p += n;
      if (high) acc |= 0x80;
      *seen |= acc;
      return static_cast<size_t>(p - start);
    }
    high |= nonascii;
    p += 16;
  }
  if (high) acc |= 0x80;
#else
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t quote = w ^ (kOnes * '"');
    const uint64_t slash = w ^ (kOnes * '\\');
    // Exact "some byte is zero" / "some byte is below 0x20" tests.
    const uint64_t special = ((quote - kOnes) & ~quote) |
                             ((slash - kOnes) & ~slash) |
                             ((w - kOnes * 0x20) & ~w);
    if (special & kHighs) break;
    acc |= w;
    p += 8;
  }
#endif
  while (p < end && !IsSpecial(*p)) {
    acc |= static_cast<uint8_t>(*p);
    ++p;
  }
  *seen |= acc;
  return static_cast<size_t>(p - start);
}

}  // namespace

absl::Status JsonCursor::String(std::string* out) {
  out->clear();
  SkipSpace();
  if (pos_ >= text_.size() || text_[pos_] != '"') {
    return Error("expected a string");
  }
  const size_t start_column = column();
  ++pos_;
  uint64_t seen = 0;
  const char* const end = text_.data() + text_.size();
  while (true) {
    const size_t run = PlainRun(text_.data() + pos_, end, &seen);
    out->append(text_.data() + pos_, run);
    pos_ += run;
    if (pos_ >= text_.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("column ", start_column, ": unterminated string"));
    }
    const char c = text_[pos_++];
    if (c == '"') break;
    if (c == '\\') {
      if (auto s = Escape(out); !s.ok()) return s;
      continue;
    }
    --pos_;
    return Error("raw control character in a string (must be escaped)");
  }
  // Escapes only ever produce valid UTF-8; raw bytes need checking unless
  // they were all ASCII.
  if (seen & 0x8080808080808080ull) {
    const size_t bad = FirstInvalidUtf8(*out);
    if (bad != out->size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column ", start_column, ": invalid UTF-8 in string (byte ", bad,
          " of its value)"));
    }
  }
  return absl::OkStatus();
}

absl::Status JsonCursor::Key(absl::string_view* out, std::string* scratch) {
  SkipSpace();
  if (pos_ < text_.size() && text_[pos_] == '"') {
    // Fast path: a plain ASCII literal is its own value.
    uint64_t seen = 0;
    const size_t run =
        PlainRun(text_.data() + pos_ + 1, text_.data() + text_.size(), &seen);
    const size_t close = pos_ + 1 + run;
    if (close < text_.size() && text_[close] == '"' &&
        !(seen & 0x8080808080808080ull)) {
      *out = text_.substr(pos_ + 1, run);
      pos_ = close + 1;
      return absl::OkStatus();
    }
  }
  if (auto s = String(scratch); !s.ok()) return s;
  *out = *scratch;
  return absl::OkStatus();
}

absl::Status JsonCursor::Uint64(uint64_t* out) {
  SkipSpace();
  return Digits(out);
}

absl::Status JsonCursor::Digits(uint64_t* out) {
  const size_t start = pos_;
  uint64_t v = 0;
  while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
    const uint64_t d = text_[pos_] - '0';
    if (v > (UINT64_MAX - d) / 10) return Error("integer overflows uint64");
    v = v * 10 + d;
    ++pos_;
  }
  if (pos_ == start) return Error("expected a non-negative integer");
  if (text_[start] == '0' && pos_ - start > 1) {
    pos_ = start;
    return Error("integer with a leading zero");
  }
  if (pos_ < text_.size() &&
      (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
    return Error("expected an integer, found a fraction or exponent");
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status JsonCursor::Int32(int32_t* out) {
  SkipSpace();
  bool negative = false;
  if (pos_ < text_.size() && text_[pos_] == '-') {
    negative = true;
    ++pos_;
  }
  uint64_t magnitude;
  if (auto s = Digits(&magnitude); !s.ok()) return s;
  const uint64_t limit = negative ? 2147483648ull : 2147483647ull;
  if (magnitude > limit) return Error("integer out of the int32 range");
  *out = negative ? static_cast<int32_t>(-static_cast<int64_t>(magnitude))
                  : static_cast<int32_t>(magnitude);
  return absl::OkStatus();
}

}  // namespace ctg::audit::internal
