#include "gateway/scope_context.h"

#include <string>
#include <vector>

#include "base/status_macros.h"
#include "gateway/conventions.h"
#include "statbase/catalogue.h"
#include "store/statistics_store.h"

namespace ctg::gateway {
namespace {

// Territories read per query while expanding a perimeter.
constexpr int kTerritoryPage = 1000;

}  // namespace

policy::CatalogueView CatalogueIndicators() {
  policy::CatalogueView view;
  for (const statbase::Indicator& indicator : statbase::Indicators()) {
    std::set<std::string>& breakdowns =
        view.indicators[std::string(indicator.code)];
    for (const statbase::Breakdown& breakdown : indicator.breakdowns) {
      breakdowns.insert(std::string(breakdown.code));
    }
  }
  return view;
}

absl::StatusOr<policy::CatalogueView> LoadCatalogueView(
    store::ReadSession& session) {
  policy::CatalogueView view = CatalogueIndicators();
  CTG_ASSIGN_OR_RETURN(std::vector<store::PeriodRow> periods,
                       session.statistics().ListPeriods());
  for (const store::PeriodRow& p : periods) view.periods.insert(p.period);
  return view;
}

absl::StatusOr<policy::Perimeter> LoadPerimeter(
    store::ReadSession& session, const store::ConventionRow& convention) {
  policy::Perimeter perimeter;
  perimeter.convention_id = convention.id;
  perimeter.territories.insert(convention.perimeter.begin(),
                               convention.perimeter.end());
  bool commune_only = convention.perimeter.size() == 1 &&
                      convention.perimeter[0] == convention.commune;
  if (!commune_only) return perimeter;
  // The commune code alone covers the commune and all its IRIS and QPVs.
  std::string after;
  while (true) {
    CTG_ASSIGN_OR_RETURN(
        std::vector<store::TerritoryRow> rows,
        session.statistics().ListTerritories(convention.commune, /*level=*/0,
                                             after, kTerritoryPage));
    for (const store::TerritoryRow& row : rows) {
      if (InPerimeter(convention, row.code, row.commune))
        perimeter.territories.insert(row.code);
      after = row.code;
    }
    if (static_cast<int>(rows.size()) < kTerritoryPage) break;
  }
  return perimeter;
}

absl::StatusOr<ScopeContext> LoadScopeContext(
    store::ReadSession& session, const store::ConventionRow& convention) {
  ScopeContext context;
  CTG_ASSIGN_OR_RETURN(context.catalogue, LoadCatalogueView(session));
  CTG_ASSIGN_OR_RETURN(context.perimeter, LoadPerimeter(session, convention));
  return context;
}

}  // namespace ctg::gateway
