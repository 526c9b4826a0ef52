#include "gateway/services/extracts_service.h"

#include "gateway/services/not_yet.h"

namespace ctg::gateway {

grpc::Status ExtractsService::GetExtract(
    grpc::ServerContext* context, const ctg::v1::GetExtractRequest* /*request*/,
    grpc::ServerWriter<ctg::v1::ExtractChunk>* /*writer*/) {
  return dispatcher_->Read(context, "/ctg.v1.Extracts/GetExtract", [](Call&) {
    return NotYetImplemented("Extracts.GetExtract", 7);
  });
}

}  // namespace ctg::gateway
