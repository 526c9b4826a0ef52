// The canonical name of a status code, as gRPC and abseil spell it in logs,
// answers and reports ("INVALID_ARGUMENT"). gRPC's and abseil's codes are
// the same numbers, so one table (abseil's) serves both.
#ifndef CTG_BASE_STATUS_CODE_NAME_H_
#define CTG_BASE_STATUS_CODE_NAME_H_

#include <string>

#include "absl/status/status.h"

namespace ctg {

// "OK", "CANCELLED", ... "UNAUTHENTICATED"; "UNKNOWN" for a number that is
// no code (what gRPC makes of one).
inline std::string StatusCodeName(int code) {
  std::string name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? "UNKNOWN" : name;
}

}  // namespace ctg

#endif  // CTG_BASE_STATUS_CODE_NAME_H_
