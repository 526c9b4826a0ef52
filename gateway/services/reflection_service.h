// gRPC server reflection (grpc.reflection.v1alpha, what grpcurl speaks) on
// the mTLS port, served by the gateway itself so that it follows the same
// policy as ctg.v1 (R8, R9): only an identity the gateway accepts gets an
// answer, each stream is rate-limited and is one audit event (recorded when
// the stream ends, with its outcome: a refused message is a refusal in the
// trail; the requests inside a stream are not events of their own).
//
// It describes the services of the authorization tables (ctg.v1, health,
// reflection) and the proto files they use, nothing else of the process.
//
// Thread-safe.
#ifndef CTG_GATEWAY_SERVICES_REFLECTION_SERVICE_H_
#define CTG_GATEWAY_SERVICES_REFLECTION_SERVICE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gateway/dispatcher.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace ctg::gateway {

class ReflectionService final
    : public grpc::reflection::v1alpha::ServerReflection::Service {
 public:
  // `dispatcher` must outlive the service. Each request of a stream is at
  // most `max_message_bytes` (limits.max_message_bytes; 0: unchecked), else
  // the stream ends RESOURCE_EXHAUSTED.
  explicit ReflectionService(Dispatcher* dispatcher,
                             int64_t max_message_bytes = 0);

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<
          grpc::reflection::v1alpha::ServerReflectionResponse,
          grpc::reflection::v1alpha::ServerReflectionRequest>* stream) override;

  // At most this many requests in one stream (then RESOURCE_EXHAUSTED).
  static constexpr int kMaxRequestsPerStream = 1000;

 private:
  // Answers one request; `sent` holds the files this stream already sent.
  grpc::reflection::v1alpha::ServerReflectionResponse Answer(
      const grpc::reflection::v1alpha::ServerReflectionRequest& request,
      std::set<std::string>& sent) const;

  Dispatcher* const dispatcher_;
  const int64_t max_message_bytes_;
  std::vector<std::string> services_;  // full names, sorted
  std::set<std::string> files_;        // the files they use, transitively
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_REFLECTION_SERVICE_H_
