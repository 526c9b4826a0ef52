// Renders a Base as a statistics CSV file in canonical form: the header, then
// territories sorted by code (bytewise), and for each territory its cells in
// catalogue order (indicators the base holds only); LF line ends, no BOM, a
// field quoted only when it holds a comma or a double quote. The canonical
// rendering is what Base::digest() hashes, and it re-imports to an equal Base.
#ifndef CTG_STATBASE_CSV_EXPORT_H_
#define CTG_STATBASE_CSV_EXPORT_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "base/csv.h"
#include "statbase/base.h"

namespace ctg::statbase {

// Calls `sink` with consecutive slices of the rendering (about 64 KiB each);
// the slices are only valid during the call.
void WriteCanonicalCsv(const Base& base,
                       absl::FunctionRef<void(absl::string_view)> sink);

// The whole rendering in one string (small bases, tests).
std::string CanonicalCsv(const Base& base);

// RFC 4180 quoting (base/csv.h).
using ::ctg::AppendCsvField;

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_CSV_EXPORT_H_
