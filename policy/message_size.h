// The size bound of a message received from a client (limits.
// max_message_bytes), checked by the gateway itself rather than by gRPC's
// transport so that a refusal is an audited call like any other (R9: every
// access, allowed or denied, is recorded).
//
// Pure; thread-safe.
#ifndef CTG_POLICY_MESSAGE_SIZE_H_
#define CTG_POLICY_MESSAGE_SIZE_H_

#include <cstdint>

#include "absl/status/status.h"

namespace ctg::policy {

// Errors: kResourceExhausted when `bytes` (the message's serialized size)
// exceeds `max_bytes`: "request: the message is N bytes, over
// limits.max_message_bytes = M" for the one request message of a call
// (`stream_index` 0), "request: message K of the stream is N bytes, ..." for
// the K-th message (from 1) of a client stream.
absl::Status CheckMessageSize(int64_t bytes, int64_t max_bytes,
                              int stream_index = 0);

}  // namespace ctg::policy

#endif  // CTG_POLICY_MESSAGE_SIZE_H_
