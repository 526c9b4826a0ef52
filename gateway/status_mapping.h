// The one place where internal absl::Status values become gRPC statuses.
#ifndef CTG_GATEWAY_STATUS_MAPPING_H_
#define CTG_GATEWAY_STATUS_MAPPING_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ctg::gateway {

// Same code (absl and gRPC share the canonical codes), same message, cut
// to its first 2 KiB (at a line break when there is one) with a note giving
// its size: a longer one would not reach the client.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_STATUS_MAPPING_H_
