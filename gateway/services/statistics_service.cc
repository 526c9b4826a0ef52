#include "gateway/services/statistics_service.h"

#include "gateway/services/not_yet.h"

namespace ctg::gateway {

grpc::Status StatisticsService::ImportStatistics(
    grpc::ServerContext* context,
    grpc::ServerReader<ctg::v1::ImportStatisticsChunk>* /*reader*/,
    ctg::v1::ImportStatisticsResponse* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Statistics/ImportStatistics", [](Call&) {
        return NotYetImplemented("Statistics.ImportStatistics", 4);
      });
}

}  // namespace ctg::gateway
