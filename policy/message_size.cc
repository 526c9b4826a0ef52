#include "policy/message_size.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace ctg::policy {

// R9: the refusal is the gateway's, so it is recorded like any other.
absl::Status CheckMessageSize(int64_t bytes, int64_t max_bytes,
                              int stream_index) {
  if (bytes <= max_bytes) return absl::OkStatus();
  std::string which = stream_index == 0 ? "the message"
                                        : absl::StrCat("message ", stream_index,
                                                       " of the stream");
  return absl::ResourceExhaustedError(
      absl::StrCat("request: ", which, " is ", bytes,
                   " bytes, over limits.max_message_bytes = ", max_bytes));
}

}  // namespace ctg::policy
