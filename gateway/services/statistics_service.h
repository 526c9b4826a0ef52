// The ctg.v1.Statistics service: thin, every call goes through the Dispatcher.
#ifndef CTG_GATEWAY_SERVICES_STATISTICS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_STATISTICS_SERVICE_H_

#include "ctg/v1/statistics.grpc.pb.h"
#include "gateway/dispatcher.h"

namespace ctg::gateway {

class StatisticsService final : public ctg::v1::Statistics::Service {
 public:
  explicit StatisticsService(Dispatcher* dispatcher)
      : dispatcher_(dispatcher) {}

  grpc::Status ImportStatistics(
      grpc::ServerContext* context,
      grpc::ServerReader<ctg::v1::ImportStatisticsChunk>* reader,
      ctg::v1::ImportStatisticsResponse* response) override;

 private:
  Dispatcher* const dispatcher_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_STATISTICS_SERVICE_H_
