// JSON string literals (RFC 8259), shared by everything the project writes
// as JSON by hand (the CLI's extract output, release receipts).
//
// The output is always valid JSON and valid UTF-8, whatever the input bytes:
//   - '"' and '\' are escaped; U+0000-U+001F become \b \f \n \r \t or \u00XX;
//   - DEL (U+007F), the C1 controls U+0080-U+009F and the separators U+2028
//     and U+2029 are written as \u escapes too (valid in JSON, but they
//     confuse terminals and JavaScript parsers);
//   - every other character, the apostrophe and accented letters included,
//     is copied as is (UTF-8);
//   - a byte that is not part of a valid UTF-8 sequence (overlong forms,
//     surrogates, code points above U+10FFFF, cut sequences) becomes U+FFFD.
//
// Pure functions: thread-safe.
#ifndef CTG_BASE_JSON_H_
#define CTG_BASE_JSON_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ctg {

// Appends `s` as a JSON string literal, quotes included, to `*out`.
void AppendJsonString(absl::string_view s, std::string* out);

// `s` as a JSON string literal, quotes included.
std::string JsonString(absl::string_view s);

}  // namespace ctg

#endif  // CTG_BASE_JSON_H_
