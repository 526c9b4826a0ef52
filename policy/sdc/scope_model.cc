#include "policy/sdc/scope_model.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::policy::sdc {
namespace {

const CatalogueIndicator* Find(const ScopeCatalogue& catalogue,
                               const std::string& code) {
  for (const CatalogueIndicator& i : catalogue.indicators) {
    if (i.code == code) return &i;
  }
  return nullptr;
}

// One round of the closure: the codes `codes` is tied to; true if it grew.
bool AddRelated(const ScopeCatalogue& catalogue, std::set<std::string>& codes) {
  bool grew = false;
  for (const std::string& code : std::set<std::string>(codes)) {
    const CatalogueIndicator* i = Find(catalogue, code);
    if (i == nullptr) continue;
    for (const std::string* to : {&i->total_equals, &i->bounded_by}) {
      if (!to->empty() && codes.insert(*to).second) grew = true;
    }
  }
  for (const SumBoundInput& bound : catalogue.sum_bounds) {
    for (const CellName& term : bound.terms) {
      if (codes.count(term.indicator) &&
          codes.insert(bound.population).second) {
        grew = true;
      }
    }
  }
  return grew;
}

// The periods must have the same territories: one geography serves them all.
absl::StatusOr<CommuneLayout> CommonLayout(
    const std::string& commune,
    const std::vector<const PeriodSource*>& periods) {
  const PeriodSource& first = *periods.front();
  CTG_ASSIGN_OR_RETURN(CommuneLayout layout, first.Layout(commune));
  for (const PeriodSource* source : periods) {
    CTG_ASSIGN_OR_RETURN(CommuneLayout other, source->Layout(commune));
    if (other.iris != layout.iris ||
        other.qpv_parts.size() != layout.qpv_parts.size()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the territories of commune ", commune,
                       " differ between ", first.period(), " and ",
                       source->period(), ": request these periods separately"));
    }
  }
  return layout;
}

}  // namespace

std::vector<std::string> ModelIndicators(
    const std::vector<std::string>& requested, const ReleaseMemory& memory,
    const ScopeCatalogue& catalogue) {
  std::set<std::string> codes(requested.begin(), requested.end());
  codes.insert(catalogue.population);
  for (const auto& [key, entry] : memory.entries()) codes.insert(key.indicator);
  while (AddRelated(catalogue, codes)) {
  }
  std::vector<std::string> out;
  for (const CatalogueIndicator& i : catalogue.indicators) {
    if (codes.count(i.code)) out.push_back(i.code);
  }
  return out;
}

absl::StatusOr<TableModel> BuildScopeModel(
    const std::string& commune, const std::vector<const PeriodSource*>& periods,
    const ScopeCatalogue& catalogue, const Scope& scope,
    const ReleaseMemory& memory) {
  if (periods.empty())
    return absl::InvalidArgumentError("no period to release");
  CTG_ASSIGN_OR_RETURN(CommuneLayout layout, CommonLayout(commune, periods));
  for (const std::string& code : scope.territories) {
    CTG_RETURN_IF_ERROR(periods.front()->CheckTerritory(code));
  }
  CTG_ASSIGN_OR_RETURN(Geography geo, CommuneGeography(layout));
  TableInput input;
  input.sum_bounds = catalogue.sum_bounds;
  const std::vector<std::string> indicators =
      ModelIndicators(scope.indicators, memory, catalogue);
  for (const PeriodSource* source : periods) {
    for (const std::string& indicator : indicators) {
      // A related indicator the base lacks is knowledge no reader has.
      const bool requested =
          std::find(scope.indicators.begin(), scope.indicators.end(),
                    indicator) != scope.indicators.end();
      if (!requested && !source->HasIndicator(indicator)) continue;
      CTG_ASSIGN_OR_RETURN(BlockInput block, source->Block(geo, indicator));
      input.blocks.push_back(std::move(block));
    }
    CTG_RETURN_IF_ERROR(source->AddPopulations(geo, input));
  }
  CTG_ASSIGN_OR_RETURN(TableModel model, BuildTable(geo, input));
  MarkRequested(scope.territories, scope.indicators, scope.breakdowns, model);
  return model;
}

}  // namespace ctg::policy::sdc
