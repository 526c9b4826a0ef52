#include "gateway/services/catalogue_service.h"

#include "gateway/services/not_yet.h"
#include "statbase/catalogue.h"

namespace ctg::gateway {

grpc::Status CatalogueService::ListIndicators(
    grpc::ServerContext* context, const ctg::v1::ListIndicatorsRequest* /*request*/,
    ctg::v1::ListIndicatorsResponse* response) {
  return dispatcher_->Read(context, "/ctg.v1.Catalogue/ListIndicators", [&](Call&) {
    for (const statbase::Indicator& indicator : statbase::Indicators()) {
      ctg::v1::Indicator* out = response->add_indicators();
      out->set_code(std::string(indicator.code));
      out->set_label(std::string(indicator.label));
      out->set_unit(indicator.unit == statbase::Unit::kCount ? ctg::v1::COUNT
                                                             : ctg::v1::EUROS_PER_MONTH);
      for (const statbase::Breakdown& breakdown : indicator.breakdowns) {
        ctg::v1::Breakdown* b = out->add_breakdowns();
        b->set_code(std::string(breakdown.code));
        b->set_label(std::string(breakdown.label));
        for (const statbase::Category& category : breakdown.categories) {
          ctg::v1::Category* c = b->add_categories();
          c->set_code(std::string(category.code));
          c->set_label(std::string(category.label));
        }
      }
    }
    return absl::OkStatus();
  });
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
