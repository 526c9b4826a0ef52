#include "gateway/services/request_message_parts.h"

#include "absl/strings/str_cat.h"

namespace ctg::gateway {

absl::StatusOr<policy::RequestState> StoredStateOf(int state,
                                                   const std::string& id) {
  std::optional<policy::RequestState> stored =
      policy::RequestStateFromNumber(state);
  if (!stored) {
    return absl::DataLossError(
        absl::StrCat("request ", id, " has an unknown stored state ", state));
  }
  return *stored;
}

}  // namespace ctg::gateway
