// Checks of free text received from clients (purposes, names, reasons):
// valid UTF-8, no control characters (newline and tab allowed in
// paragraphs), no line or paragraph separators nor bidirectional overrides
// (which can disguise what a reviewer reads), bounded length in characters.
// Pure; thread-safe.
#ifndef CTG_POLICY_TEXT_H_
#define CTG_POLICY_TEXT_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::policy {

enum class Presence { kRequired, kOptional };
enum class TextKind { kLine, kParagraph };  // kParagraph allows \n and \t

// Errors: kInvalidArgument "<field>: ..." for a blank required text, invalid
// UTF-8 (with the byte offset), a forbidden character (with its code point
// and position), more than `max_chars` characters. kOptional accepts an
// empty or blank text.
absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          size_t max_chars, Presence presence, TextKind kind);

// Client text never holds a NUL byte (U+0000), in any field, free text or
// identifier: PostgreSQL's text type cannot store one and C strings end at
// it, so one value could mean different things to different parts of the
// gateway. Errors: kInvalidArgument "<field>: NUL byte (U+0000) at byte N;
// text may not contain NUL".
absl::Status CheckNoNul(absl::string_view field, absl::string_view text);

// True when `text` is empty or ASCII whitespace only: blank text counts as
// missing.
bool IsBlank(absl::string_view text);

// Number of Unicode code points, or -1 when `text` is not valid UTF-8.
long Utf8Length(absl::string_view text);

// Length in bytes of the well-formed UTF-8 sequence at text[i], 0 if none
// (or if i is past the end). Decoding is base/utf8.h's.
size_t Utf8SequenceLength(absl::string_view text, size_t i);

}  // namespace ctg::policy

#endif  // CTG_POLICY_TEXT_H_
