#include "gateway/protection.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/sdc/geography.h"
#include "policy/sdc/scope_model.h"
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

absl::Status AddPiecePopulations(const statbase::Base& base,
                                 const sdc::Geography& geo,
                                 sdc::TableInput& input) {
  const statbase::CellId total =
      statbase::TotalCell(statbase::PopulationIndicatorId());
  for (const std::string& piece : geo.pieces()) {
    CTG_ASSIGN_OR_RETURN(statbase::CellValue v, PieceValue(base, piece, total));
    input.allocataires.push_back({base.period(), piece, v.count});
  }
  return absl::OkStatus();
}

// The catalogue's relations, as policy/sdc reads them.
const sdc::ScopeCatalogue& Catalogue() {
  static const auto* catalogue = [] {
    auto* out = new sdc::ScopeCatalogue;
    for (const statbase::Indicator& i : statbase::Indicators()) {
      out->indicators.push_back({std::string(i.code),
                                 std::string(i.total_equals.indicator),
                                 std::string(i.bounded_by)});
    }
    out->population = std::string(statbase::PopulationIndicator().code);
    out->sum_bounds = SumBoundInputs();
    return out;
  }();
  return *catalogue;
}

// One period's statistical base behind the engine's PeriodSource.
class BasePeriod final : public sdc::PeriodSource {
 public:
  explicit BasePeriod(const statbase::Base& base) : base_(base) {}

  const std::string& period() const override { return base_.period(); }
  absl::StatusOr<sdc::CommuneLayout> Layout(
      const std::string& commune) const override {
    return LayoutOf(base_, commune);
  }
  absl::Status CheckTerritory(const std::string& code) const override {
    return Find(base_, code).status();
  }
  bool HasIndicator(const std::string& code) const override {
    auto id = statbase::FindIndicatorId(code);
    return id && base_.has_indicator(*id);
  }
  absl::StatusOr<sdc::BlockInput> Block(
      const sdc::Geography& geo, const std::string& indicator) const override {
    const statbase::Indicator* i = statbase::FindIndicator(indicator);
    if (i == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("indicator ", indicator,
                       " is not in the statistical base of ", base_.period()));
    }
    return BlockFor(base_, geo, *i);
  }
  absl::Status AddPopulations(const sdc::Geography& geo,
                              sdc::TableInput& input) const override {
    return AddPiecePopulations(base_, geo, input);
  }

 private:
  const statbase::Base& base_;
};

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
  std::vector<BasePeriod> periods;
  periods.reserve(bases.size());
  for (const auto& [period, base] : bases) periods.emplace_back(*base);
  std::vector<const sdc::PeriodSource*> sources;
  for (const BasePeriod& p : periods) sources.push_back(&p);
  return sdc::BuildScopeModel(commune, sources, Catalogue(), scope, memory);
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
