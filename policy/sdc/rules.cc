#include "policy/sdc/rules.h"

namespace ctg::policy::sdc {

// R6.
bool IsExcludedTerritory(int64_t allocataires, const SdcConfig& config) {
  return allocataires >= 0 && allocataires < config.territory_threshold;
}

// R6, on a cell of the table (pieces too when protect_small_pieces).
bool IsExcludedCell(const Cell& cell, const SdcConfig& config) {
  return (!cell.piece || config.protect_small_pieces) &&
         IsExcludedTerritory(cell.territory_population, config);
}

// R7 (frequency).
bool IsSmallCount(int64_t count, const SdcConfig& config) {
  if (count == 0) return config.mask_zeros;
  return count > 0 && count < config.frequency_threshold;
}

// R7 (derived figures): the frequency threshold, on the contributors.
bool IsDerivedFigureMasked(int64_t contributors, const SdcConfig& config) {
  if (contributors == 0) return config.mask_zeros;
  return contributors > 0 && contributors < config.frequency_threshold;
}

// R7, counts and derived figures.
bool IsSmallFigure(const Cell& cell, const Block& block,
                   const SdcConfig& config) {
  return block.kind == IndicatorKind::kCount
             ? IsSmallCount(cell.value, config)
             : IsDerivedFigureMasked(cell.value, config);
}

PrimaryReason ClassifyPrimary(const Cell& cell, const Block& block,
                              const SdcConfig& config) {
  if (IsExcludedCell(cell, config)) {  // R6
    return PrimaryReason::kExcludedTerritory;
  }
  if (!IsSmallFigure(cell, block, config)) return PrimaryReason::kNone;
  return block.kind == IndicatorKind::kCount ? PrimaryReason::kSmallCount
                                             : PrimaryReason::kDerivedFigure;
}

// Group attribute disclosure (optional, R7 in spirit: a figure about every
// contributor of a territory at once).
bool IsGroupDisclosure(int64_t category_value, int64_t total,
                       const SdcConfig& config) {
  return config.group_disclosure && total > 0 && category_value == total;
}

bool IsSingletonRow(const InnerCell& row, const SdcConfig& config) {
  if (config.mask_zeros) return row.value_known ? row.value == 0 : true;
  // An unknown inner cell is a singleton when its upper bound is 1.
  return row.value == 1;
}

}  // namespace ctg::policy::sdc
