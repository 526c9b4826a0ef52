// The check of every string field of a request message for text no part of
// the gateway can hold: a NUL byte (policy::CheckNoNul). Nested messages,
// repeated fields and maps included; `bytes` fields are data, not text, and
// are not checked.
//
// Pure; thread-safe.
#ifndef CTG_GATEWAY_REQUEST_TEXT_H_
#define CTG_GATEWAY_REQUEST_TEXT_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace ctg::gateway {

// Errors: kInvalidArgument naming the first field holding a NUL byte by its
// path in the message, e.g. "scope.territories[1]: NUL byte ...".
absl::Status CheckRequestText(const google::protobuf::Message& request);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_REQUEST_TEXT_H_
