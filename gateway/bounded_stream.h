// Reads the messages of a client stream (or of a bidirectional one) for a
// service body, each checked against limits.max_message_bytes
// (policy::CheckMessageSize). gRPC's transport lets a message through up to
// limits.transport_max_message_bytes, so that the gateway refuses a larger
// one itself, as the call's outcome, recorded by the Dispatcher like any
// refusal (R9). The one request message of a unary or server-streaming call
// is checked by the audit interceptor instead (Dispatcher::CheckRequest).
//
// Not thread-safe (one per call, like the stream it reads).
#ifndef CTG_GATEWAY_BOUNDED_STREAM_H_
#define CTG_GATEWAY_BOUNDED_STREAM_H_

#include <grpcpp/support/sync_stream.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "policy/message_size.h"

namespace ctg::gateway {

template <typename Message>
class BoundedStreamReader {
 public:
  // `reader` must outlive this; `max_bytes` is limits.max_message_bytes.
  BoundedStreamReader(grpc::internal::ReaderInterface<Message>* reader,
                      int64_t max_bytes)
      : reader_(reader), max_bytes_(max_bytes) {}

  // True with the next message in `*message`; false at the end of the
  // stream (or when the client cut it: see the call's context). Errors:
  // kResourceExhausted "request: message K of the stream is N bytes, over
  // limits.max_message_bytes = M"; stop reading then.
  absl::StatusOr<bool> Next(Message* message) {
    if (!reader_->Read(message)) return false;
    ++count_;
    absl::Status size = policy::CheckMessageSize(
        static_cast<int64_t>(message->ByteSizeLong()), max_bytes_, count_);
    if (!size.ok()) return size;
    return true;
  }

 private:
  grpc::internal::ReaderInterface<Message>* const reader_;
  const int64_t max_bytes_;
  int count_ = 0;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_BOUNDED_STREAM_H_
