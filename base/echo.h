// Client-supplied text echoed in an error message (a file name, an id, a
// field's value): bounded and made safe to print, so that whatever a client
// sends, the message stays short, one line, valid UTF-8, and shows what the
// text was.
//
//   absl::StrCat("request \"", BoundedEcho(id), "\" not found")
//
// Pure; thread-safe.
#ifndef CTG_BASE_ECHO_H_
#define CTG_BASE_ECHO_H_

#include <cstddef>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/utf8.h"

namespace ctg {

// Bytes of echoed text at most (before the " (N bytes)" of a cut text).
inline constexpr size_t kMaxEchoBytes = 200;

namespace echo_internal {

// Control characters (C0, DEL, C1), line and paragraph separators, and the
// bidirectional controls that can make a text read as another.
inline bool IsUnsafe(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x2028 || c == 0x2029 ||
         c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

inline std::string Escape(const char* format, unsigned value) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

}  // namespace echo_internal

// `text` with each unsafe character (see IsUnsafe) escaped as \xNN or
// \uNNNN, each byte that is not UTF-8 as \xNN, and, when the result would
// exceed `max_bytes`, cut at a character boundary and followed by
// "… (N bytes)" giving the original size.
inline std::string BoundedEcho(absl::string_view text,
                               size_t max_bytes = kMaxEchoBytes) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const utf8::Sequence seq = utf8::Decode(text, i);
    const char32_t c = seq.code_point;
    size_t n = seq.length;
    std::string escaped;
    if (n == 0) {
      escaped =
          echo_internal::Escape("\\x%02X", static_cast<unsigned char>(text[i]));
      n = 1;
    } else if (echo_internal::IsUnsafe(c)) {
      escaped = echo_internal::Escape(c < 0x100 ? "\\x%02X" : "\\u%04X", c);
    }
    const size_t piece = escaped.empty() ? n : escaped.size();
    if (out.size() + piece > max_bytes) {
      absl::StrAppend(&out, "\u2026 (", text.size(), " bytes)");
      return out;
    }
    if (escaped.empty()) {
      out.append(text.data() + i, n);
    } else {
      out += escaped;
    }
    i += n;
  }
  return out;
}

}  // namespace ctg

#endif  // CTG_BASE_ECHO_H_
