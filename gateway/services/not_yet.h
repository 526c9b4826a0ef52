// The answer of a method whose issue has not landed: UNIMPLEMENTED, saying
// so. Such methods are still authorized and audited like any other.
#ifndef CTG_GATEWAY_SERVICES_NOT_YET_H_
#define CTG_GATEWAY_SERVICES_NOT_YET_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace ctg::gateway {

inline absl::Status NotYetImplemented(absl::string_view method, int issue) {
  return absl::UnimplementedError(absl::StrCat(
      method, " is not implemented yet (tracked as issue #", issue, ")"));
}

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_NOT_YET_H_
