#include "gateway/services/catalogue_service.h"

#include "gateway/services/not_yet.h"

namespace ctg::gateway {

grpc::Status CatalogueService::ListIndicators(
    grpc::ServerContext* context,
    const ctg::v1::ListIndicatorsRequest* /*request*/,
    ctg::v1::ListIndicatorsResponse* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Catalogue/ListIndicators",
      [](Call&) { return NotYetImplemented("Catalogue.ListIndicators", 4); });
}

grpc::Status CatalogueService::ListTerritories(
    grpc::ServerContext* context,
    const ctg::v1::ListTerritoriesRequest* /*request*/,
    ctg::v1::ListTerritoriesResponse* /*response*/) {
  return dispatcher_->Read(
      context, "/ctg.v1.Catalogue/ListTerritories",
      [](Call&) { return NotYetImplemented("Catalogue.ListTerritories", 4); });
}

}  // namespace ctg::gateway
