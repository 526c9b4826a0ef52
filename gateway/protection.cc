#include "gateway/protection.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/sdc/geography.h"
#include "policy/sdc/suppressor.h"
#include "policy/sdc/table_builder.h"
#include "statbase/catalogue.h"

namespace ctg::gateway {
namespace {

namespace sdc = ::ctg::policy::sdc;
using statbase::TerritoryId;

absl::StatusOr<TerritoryId> Find(const statbase::Base& base,
                                 const std::string& code) {
  auto id = base.FindTerritory(code);
  if (!id) {
    return absl::InvalidArgumentError(
        absl::StrCat("territory ", code, " is not in the statistical base of ",
                     base.period()));
  }
  return *id;
}

// The commune's layout as the engine wants it: its IRIS, and its QPV parts.
absl::StatusOr<sdc::CommuneLayout> LayoutOf(const statbase::Base& base,
                                            const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(TerritoryId id, Find(base, commune));
  sdc::CommuneLayout layout{.commune = commune};
  for (TerritoryId iris : base.territory(id).parts)
    layout.iris.push_back(base.territory(iris).code);
  for (TerritoryId t : base.sorted_territories()) {
    const statbase::Territory& piece = base.territory(t);
    if (piece.level != statbase::TerritoryLevel::kIrisQpv ||
        piece.commune != id)
      continue;
    layout.qpv_parts.push_back(
        {base.territory(piece.qpv).code, base.territory(piece.iris).code});
  }
  return layout;
}

// The figure of a geography piece for one cell: a base piece (IRIS ∩ QPV),
// an IRIS minus its QPV parts ("<iris>-"), or an undivided territory.
absl::StatusOr<statbase::CellValue> PieceValue(const statbase::Base& base,
                                               const std::string& piece,
                                               statbase::CellId cell) {
  if (absl::EndsWith(piece, "-")) {
    CTG_ASSIGN_OR_RETURN(TerritoryId iris,
                         Find(base, piece.substr(0, piece.size() - 1)));
    statbase::CellValue rest = *base.Value(iris, cell);
    for (TerritoryId part : base.territory(iris).parts) {
      statbase::CellValue v = *base.Value(part, cell);
      rest.count -= v.count;
      rest.amount -= v.amount;
    }
    return rest;
  }
  CTG_ASSIGN_OR_RETURN(TerritoryId id, Find(base, piece));
  return *base.Value(id, cell);
}

// The figures of one indicator for every piece.
absl::Status AddFigures(const statbase::Base& base, const sdc::Geography& geo,
                        statbase::IndicatorId indicator,
                        sdc::BlockInput& block) {
  const statbase::CellId first = statbase::FirstCell(indicator);
  for (const std::string& piece : geo.pieces()) {
    for (statbase::CellId cell = first;
         cell < first + statbase::CellsOf(indicator); ++cell) {
      CTG_ASSIGN_OR_RETURN(statbase::CellValue v,
                           PieceValue(base, piece, cell));
      statbase::CellRef ref = statbase::RefOf(cell);
      block.figures.push_back({.piece = piece,
                               .breakdown = std::string(ref.breakdown),
                               .category = std::string(ref.category),
                               .count = v.count,
                               .amount = v.amount});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<sdc::BlockInput> BlockFor(const statbase::Base& base,
                                         const sdc::Geography& geo,
                                         const statbase::Indicator& indicator) {
  auto id = statbase::FindIndicatorId(indicator.code);
  if (!id || !base.has_indicator(*id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("indicator ", indicator.code,
                     " is not in the statistical base of ", base.period()));
  }
  sdc::BlockInput block{
      .indicator = std::string(indicator.code),
      .period = base.period(),
      .kind = indicator.unit == statbase::Unit::kCount
                  ? sdc::IndicatorKind::kCount
                  : sdc::IndicatorKind::kAmount,
      .allocataire_count =
          indicator.code == statbase::PopulationIndicator().code,
      .total_equals = {std::string(indicator.total_equals.indicator),
                       std::string(indicator.total_equals.breakdown),
                       std::string(indicator.total_equals.category)},
      .bounded_by = std::string(indicator.bounded_by)};
  for (const statbase::Breakdown& b : indicator.breakdowns) {
    sdc::Breakdown out{.code = std::string(b.code)};
    for (const statbase::Category& c : b.categories)
      out.categories.emplace_back(c.code);
    block.breakdowns.push_back(std::move(out));
  }
  CTG_RETURN_IF_ERROR(AddFigures(base, geo, *id, block));
  return block;
}

// The catalogue's sum bounds, which every reader knows.
std::vector<sdc::SumBoundInput> SumBoundInputs() {
  std::vector<sdc::SumBoundInput> out;
  for (const statbase::SumBound& bound : statbase::SumBounds()) {
    sdc::SumBoundInput in{.population = std::string(bound.population)};
    for (const statbase::CellRef& t : bound.terms) {
      in.terms.push_back({std::string(t.indicator), std::string(t.breakdown),
                          std::string(t.category)});
    }
    out.push_back(std::move(in));
  }
  return out;
}

// Requested indicators, the indicators of every earlier release to the
// commune (their published figures are known to the reader, and a catalogue
// relation may tie them to a requested cell: a single-parent family total
// published once is the allocataires' single-parent cell, R7), plus,
// transitively, the ones they are tied to by a catalogue relation
// (total_equals: a figure masked in one must not be read in the other;
// bounded_by: the reader knows a sub-population never exceeds its
// population, and R6 status words bound the allocataires; a sum bound's
// population when one of its terms is in), which stay
// unreleased unless requested. The allocataire count is always in: it
// carries the R6 status words.
std::vector<const statbase::Indicator*> ModelIndicators(
    const policy::Scope& scope, const sdc::ReleaseMemory& memory) {
  std::set<std::string> codes(scope.indicators.begin(), scope.indicators.end());
  codes.insert(std::string(statbase::PopulationIndicator().code));
  for (const auto& [key, entry] : memory.entries()) codes.insert(key.indicator);
  for (bool grew = true; grew;) {
    grew = false;
    for (const std::string& code : std::set<std::string>(codes)) {
      const statbase::Indicator* i = statbase::FindIndicator(code);
      if (i == nullptr) continue;
      for (absl::string_view to : {i->total_equals.indicator, i->bounded_by}) {
        if (!to.empty() && codes.insert(std::string(to)).second) grew = true;
      }
    }
    for (const statbase::SumBound& bound : statbase::SumBounds()) {
      for (const statbase::CellRef& term : bound.terms) {
        if (codes.count(std::string(term.indicator)) &&
            codes.insert(std::string(bound.population)).second) {
          grew = true;
        }
      }
    }
  }
  std::vector<const statbase::Indicator*> out;
  for (const statbase::Indicator& i : statbase::Indicators()) {
    if (codes.count(std::string(i.code))) out.push_back(&i);
  }
  return out;
}

absl::Status AddPopulations(const statbase::Base& base,
                            const sdc::Geography& geo, sdc::TableInput& input) {
  const statbase::CellId total =
      statbase::TotalCell(statbase::PopulationIndicatorId());
  for (const std::string& piece : geo.pieces()) {
    CTG_ASSIGN_OR_RETURN(statbase::CellValue v, PieceValue(base, piece, total));
    input.allocataires.push_back({base.period(), piece, v.count});
  }
  return absl::OkStatus();
}

}  // namespace

sdc::SdcConfig SdcConfigFrom(const SecretStatistiqueConfig& config) {
  sdc::SdcConfig out = config.rules;
  out.audit.mode = config.lp_audit == "off"       ? sdc::AuditMode::kOff
                   : config.lp_audit == "sampled" ? sdc::AuditMode::kSampled
                                                  : sdc::AuditMode::kAlways;
  out.audit.max_rows = config.lp_audit_max_cells;
  return out;
}

absl::StatusOr<sdc::TableModel> BuildScopeModel(
    const std::string& commune, const BasesByPeriod& bases,
    const policy::Scope& scope, const sdc::ReleaseMemory& memory) {
  if (bases.empty()) return absl::InvalidArgumentError("no period to release");
  const statbase::Base& first = *bases.begin()->second;
  CTG_ASSIGN_OR_RETURN(sdc::CommuneLayout layout, LayoutOf(first, commune));
  for (const auto& [period, base] : bases) {
    CTG_ASSIGN_OR_RETURN(sdc::CommuneLayout other, LayoutOf(*base, commune));
    if (other.iris != layout.iris ||
        other.qpv_parts.size() != layout.qpv_parts.size()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the territories of commune ", commune,
                       " differ between ", first.period(), " and ", period,
                       ": request these periods separately"));
    }
  }
  for (const std::string& code : scope.territories) {
    CTG_RETURN_IF_ERROR(Find(first, code).status());
  }
  CTG_ASSIGN_OR_RETURN(sdc::Geography geo, sdc::CommuneGeography(layout));
  sdc::TableInput input;
  input.sum_bounds = SumBoundInputs();
  for (const auto& [period, base] : bases) {
    for (const statbase::Indicator* indicator :
         ModelIndicators(scope, memory)) {
      // A related indicator the base lacks is knowledge no reader has.
      auto id = statbase::FindIndicatorId(indicator->code);
      const bool requested =
          std::find(scope.indicators.begin(), scope.indicators.end(),
                    indicator->code) != scope.indicators.end();
      if (!requested && id && !base->has_indicator(*id)) continue;
      CTG_ASSIGN_OR_RETURN(sdc::BlockInput block,
                           BlockFor(*base, geo, *indicator));
      input.blocks.push_back(std::move(block));
    }
    CTG_RETURN_IF_ERROR(AddPopulations(*base, geo, input));
  }
  CTG_ASSIGN_OR_RETURN(sdc::TableModel model, sdc::BuildTable(geo, input));
  sdc::MarkRequested(scope.territories, scope.indicators, scope.breakdowns,
                     model);
  return model;
}

absl::StatusOr<sdc::Release> ProtectScope(const std::string& commune,
                                          const BasesByPeriod& bases,
                                          const policy::Scope& scope,
                                          const sdc::ReleaseMemory& memory,
                                          const sdc::SdcConfig& config,
                                          const std::string& base_version) {
  CTG_ASSIGN_OR_RETURN(sdc::TableModel model,
                       BuildScopeModel(commune, bases, scope, memory));
  // The whole memory: entries of the model's blocks are known figures, and
  // any entry of a period tells the reader its territory's status word.
  CTG_ASSIGN_OR_RETURN(sdc::Release release,
                       sdc::ProtectTable(model, memory, config, base_version));
  std::sort(release.cells.begin(), release.cells.end(),
            [](const sdc::ReleasedCell& a, const sdc::ReleasedCell& b) {
              return a.key < b.key;
            });
  return release;
}

}  // namespace ctg::gateway
