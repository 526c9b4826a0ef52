// The ctg.v1.Catalogue service: thin, every call goes through the Dispatcher.
#ifndef CTG_GATEWAY_SERVICES_CATALOGUE_SERVICE_H_
#define CTG_GATEWAY_SERVICES_CATALOGUE_SERVICE_H_

#include "ctg/v1/catalogue.grpc.pb.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "store/backend.h"

namespace ctg::gateway {

class CatalogueService final : public ctg::v1::Catalogue::Service {
 public:
  CatalogueService(Dispatcher* dispatcher, store::Backend* db,
                   const Config* config)
      : dispatcher_(dispatcher), db_(db), config_(config) {}

  grpc::Status ListIndicators(
      grpc::ServerContext* context,
      const ctg::v1::ListIndicatorsRequest* request,
      ctg::v1::ListIndicatorsResponse* response) override;
  grpc::Status ListTerritories(
      grpc::ServerContext* context,
      const ctg::v1::ListTerritoriesRequest* request,
      ctg::v1::ListTerritoriesResponse* response) override;
  grpc::Status ListPeriods(grpc::ServerContext* context,
                           const ctg::v1::ListPeriodsRequest* request,
                           ctg::v1::ListPeriodsResponse* response) override;

 private:
  Dispatcher* const dispatcher_;
  store::Backend* const db_;
  const Config* const config_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_CATALOGUE_SERVICE_H_
