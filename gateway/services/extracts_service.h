// The ctg.v1.Extracts service: thin, every call goes through the Dispatcher.
#ifndef CTG_GATEWAY_SERVICES_EXTRACTS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_EXTRACTS_SERVICE_H_

#include "ctg/v1/extracts.grpc.pb.h"
#include "gateway/dispatcher.h"

namespace ctg::gateway {

class ExtractsService final : public ctg::v1::Extracts::Service {
 public:
  explicit ExtractsService(Dispatcher* dispatcher) : dispatcher_(dispatcher) {}

  grpc::Status GetExtract(
      grpc::ServerContext* context, const ctg::v1::GetExtractRequest* request,
      grpc::ServerWriter<ctg::v1::ExtractChunk>* writer) override;

 private:
  Dispatcher* const dispatcher_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_EXTRACTS_SERVICE_H_
