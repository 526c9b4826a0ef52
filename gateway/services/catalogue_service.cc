#include "gateway/services/catalogue_service.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/services/paging.h"
#include "statbase/catalogue.h"
#include "store/statistics_store.h"

namespace ctg::gateway {
namespace {

void AddTerritory(const store::TerritoryRow& row,
                  ctg::v1::ListTerritoriesResponse* response) {
  ctg::v1::Territory* t = response->add_territories();
  t->set_code(row.code);
  t->set_name(row.name);
  t->set_level(static_cast<ctg::v1::TerritoryLevel>(row.level));
  t->set_parent(row.commune);
}

// One page of the territories of `request.period()` (any period kept in the
// base), within `convention`'s perimeter when given. Errors: kNotFound for a
// period the base does not hold.
absl::Status PeriodTerritories(
    store::ReadSession& session, const ctg::v1::ListTerritoriesRequest& request,
    const std::string& commune,
    const std::optional<store::ConventionRow>& convention, int page_size,
    ctg::v1::ListTerritoriesResponse* response) {
  CTG_ASSIGN_OR_RETURN(auto period,
                       session.statistics().GetPeriod(request.period()));
  if (!period) {
    return absl::NotFoundError(absl::StrCat("period: ", request.period(),
                                            " is not in the statistical base"));
  }
  CTG_ASSIGN_OR_RETURN(auto rows, session.statistics().ListPeriodTerritories(
                                      request.period(), commune));
  std::string last;
  for (const store::TerritoryRow& row : rows) {
    if (row.code <= request.page_token()) continue;
    if (request.level() != 0 && row.level != request.level()) continue;
    if (convention && !InPerimeter(*convention, row.code, row.commune))
      continue;
    if (response->territories_size() == page_size) {
      response->set_next_page_token(last);
      return absl::OkStatus();
    }
    AddTerritory(row, response);
    last = row.code;
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status CatalogueService::ListIndicators(
    grpc::ServerContext* context,
    const ctg::v1::ListIndicatorsRequest* /*request*/,
    ctg::v1::ListIndicatorsResponse* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.Catalogue/ListIndicators", [&](Call&) {
        for (const statbase::Indicator& indicator : statbase::Indicators()) {
          ctg::v1::Indicator* out = response->add_indicators();
          out->set_code(std::string(indicator.code));
          out->set_label(std::string(indicator.label));
          out->set_unit(indicator.unit == statbase::Unit::kCount
                            ? ctg::v1::COUNT
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
    const ctg::v1::ListTerritoriesRequest* request,
    ctg::v1::ListTerritoriesResponse* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.Catalogue/ListTerritories", [&](Call& call) {
        CTG_ASSIGN_OR_RETURN(int page_size,
                             PageSize(request->page_size(), config_->limits));
        const policy::Identity& who = call.identity();
        std::string commune = request->commune();
        if (who.IsCommune()) {
          // A commune sees its own perimeter only.
          if (!commune.empty() && commune != who.organisation)
            return absl::OkStatus();
          commune = who.organisation;
        }
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          std::optional<store::ConventionRow> convention;
          if (who.IsCommune()) {
            auto current = CurrentConvention(session, who.organisation,
                                             CafDay(call.now()));
            if (!current.ok())
              return absl::OkStatus();  // no convention: nothing to ask about
            convention = *current;
          }
          std::string after = request->page_token();
          if (!request->period().empty()) {
            CTG_RETURN_IF_ERROR(PeriodTerritories(
                session, *request, commune, convention, page_size, response));
            call.AddFact("returned",
                         absl::StrCat(response->territories_size()));
            return absl::OkStatus();
          }
          while (response->territories_size() < page_size) {
            CTG_ASSIGN_OR_RETURN(
                auto rows, session.statistics().ListTerritories(
                               commune, request->level(), after, page_size));
            for (const store::TerritoryRow& row : rows) {
              after = row.code;
              if (convention &&
                  !InPerimeter(*convention, row.code, row.commune))
                continue;
              ctg::v1::Territory* t = response->add_territories();
              t->set_code(row.code);
              t->set_name(row.name);
              t->set_level(static_cast<ctg::v1::TerritoryLevel>(row.level));
              t->set_parent(row.commune);
              if (response->territories_size() == page_size) break;
            }
            if (static_cast<int>(rows.size()) < page_size) {
              after.clear();  // no more rows
              break;
            }
          }
          response->set_next_page_token(after);
          call.AddFact("returned", absl::StrCat(response->territories_size()));
          return absl::OkStatus();
        });
      });
}

grpc::Status CatalogueService::ListPeriods(
    grpc::ServerContext* context,
    const ctg::v1::ListPeriodsRequest* /*request*/,
    ctg::v1::ListPeriodsResponse* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.Catalogue/ListPeriods", [&](Call& call) {
        const policy::Identity& who = call.identity();
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          std::optional<store::ConventionRow> convention;
          std::string commune;
          if (who.IsCommune()) {
            // A commune counts only what it may ask about: its perimeter.
            auto current = CurrentConvention(session, who.organisation,
                                             CafDay(call.now()));
            if (!current.ok())
              return absl::OkStatus();  // no convention: nothing to ask about
            convention = *current;
            commune = who.organisation;
          }
          CTG_ASSIGN_OR_RETURN(std::vector<store::PeriodRow> periods,
                               session.statistics().ListPeriods());
          for (const store::PeriodRow& p : periods) {
            CTG_ASSIGN_OR_RETURN(
                auto rows,
                session.statistics().ListPeriodTerritories(p.period, commune));
            ctg::v1::Period* out = response->add_periods();
            out->set_period(p.period);
            out->set_base_version(p.base_version);
            out->mutable_import_time()->set_seconds(p.import_time_us / 1000000);
            for (const store::TerritoryRow& row : rows) {
              if (convention &&
                  !InPerimeter(*convention, row.code, row.commune))
                continue;
              switch (static_cast<ctg::v1::TerritoryLevel>(row.level)) {
                case ctg::v1::COMMUNE:
                  out->set_communes(out->communes() + 1);
                  break;
                case ctg::v1::IRIS:
                  out->set_iris(out->iris() + 1);
                  break;
                case ctg::v1::QPV:
                  out->set_qpv(out->qpv() + 1);
                  break;
                default:
                  break;
              }
            }
          }
          call.AddFact("returned", absl::StrCat(response->periods_size()));
          return absl::OkStatus();
        });
      });
}

}  // namespace ctg::gateway
