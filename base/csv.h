// RFC 4180 field quoting, shared by every CSV the project writes (the
// statistical base, extracts).
#ifndef CTG_BASE_CSV_H_
#define CTG_BASE_CSV_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ctg {

// Appends `field` to `out`, quoted when it contains a comma, a double quote,
// CR or LF (inner double quotes doubled).
inline void AppendCsvField(absl::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(field.data(), field.size());
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace ctg

#endif  // CTG_BASE_CSV_H_
