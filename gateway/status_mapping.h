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

// The answer to a call whose audit event could not be recorded; `why` is
// the error of the store write that carried the event (and, for a call
// that changes something, its changes: one transaction). kUnavailable,
// saying what is true of the call:
//   - `why` store::IsOutcomeUnknown (the database's answer to the COMMIT
//     was lost): the call may have been done, event included; the client
//     is told to check before retrying it;
//   - any other error: nothing was done (the write was rolled back).
// `changes`: false for a read, whose event alone was being written (it
// changed nothing either way; its answer is withheld).
grpc::Status NotRecordedStatus(const absl::Status& why, bool changes);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_STATUS_MAPPING_H_
