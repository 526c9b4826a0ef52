// The ctg.v1.Statistics service: the Caf administrator loads or replaces the
// statistical base of one period (all or nothing).
#ifndef CTG_GATEWAY_SERVICES_STATISTICS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_STATISTICS_SERVICE_H_

#include "ctg/v1/statistics.grpc.pb.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "store/backend.h"

namespace ctg::gateway {

class StatisticsService final : public ctg::v1::Statistics::Service {
 public:
  StatisticsService(Dispatcher* dispatcher, const Config* config)
      : dispatcher_(dispatcher), config_(config) {}

  // Reads the whole stream into a validated statbase::Base (nothing touches
  // the database meanwhile), then replaces the period in one transaction
  // with its audit event. Errors: INVALID_ARGUMENT listing up to 100 errors
  // with their line and field; RESOURCE_EXHAUSTED beyond
  // limits.max_import_bytes; CANCELLED when the stream is cut.
  grpc::Status ImportStatistics(
      grpc::ServerContext* context,
      grpc::ServerReader<ctg::v1::ImportStatisticsChunk>* reader,
      ctg::v1::ImportStatisticsResponse* response) override;

 private:
  Dispatcher* const dispatcher_;
  const Config* const config_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_STATISTICS_SERVICE_H_
