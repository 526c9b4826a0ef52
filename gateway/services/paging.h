// AIP-158 pagination for list methods: page_size 0 takes the default, larger
// than the maximum is clamped, negative is an error; the page token is the
// last key returned (opaque to clients).
#ifndef CTG_GATEWAY_SERVICES_PAGING_H_
#define CTG_GATEWAY_SERVICES_PAGING_H_

#include <algorithm>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gateway/config.h"

namespace ctg::gateway {

inline absl::StatusOr<int> PageSize(int requested, const LimitsConfig& limits) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", requested, " is negative"));
  }
  if (requested == 0) return limits.default_page_size;
  return std::min(requested, limits.max_page_size);
}

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_PAGING_H_
