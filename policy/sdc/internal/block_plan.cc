#include "policy/sdc/internal/block_plan.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace ctg::policy::sdc::internal {
namespace {

MaskReason ToMaskReason(PrimaryReason r) {
  switch (r) {
    case PrimaryReason::kNone:
      return MaskReason::kNone;
    case PrimaryReason::kExcludedTerritory:
      return MaskReason::kExcludedTerritory;
    case PrimaryReason::kSmallCount:
      return MaskReason::kSmallCount;
    case PrimaryReason::kDerivedFigure:
      return MaskReason::kDerivedFigure;
    case PrimaryReason::kGroupDisclosure:
      return MaskReason::kGroupDisclosure;
  }
  return MaskReason::kNone;
}

}  // namespace

absl::StatusOr<absl::flat_hash_map<int32_t, const MemoryEntry*>> MatchMemory(
    const TableModel& model, const ReleaseMemory& memory) {
  absl::flat_hash_map<int32_t, const MemoryEntry*> out;
  if (memory.empty()) return out;
  std::map<BlockKey, std::vector<const std::pair<const CellKey, MemoryEntry>*>>
      by_block;
  for (const auto& entry : memory.entries())
    by_block[BlockOf(entry.first)].push_back(&entry);
  for (const Block& b : model.blocks) {
    std::vector<const std::pair<const CellKey, MemoryEntry>*> entries;
    for (const std::string* ind = &b.key.indicator; ind != nullptr;) {
      auto it = by_block.find(BlockKey{*ind, b.key.period});
      if (it != by_block.end())
        entries.insert(entries.end(), it->second.begin(), it->second.end());
      const size_t next =
          ind == &b.key.indicator ? 0 : (ind - b.linked_indicators.data()) + 1;
      ind = next < b.linked_indicators.size() ? &b.linked_indicators[next]
                                              : nullptr;
    }
    if (entries.empty()) continue;
    absl::flat_hash_map<CellKey, int32_t> index;
    for (int32_t c = b.first_cell; c < b.first_cell + b.num_cells; ++c) {
      index[model.cells[c].key] = c;
    }
    for (const auto* entry : entries) {
      auto found = index.find(entry->first);
      if (found == index.end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "cell ", entry->first.ToString(),
            " of an earlier release is not in the current table: the "
            "territories or "
            "categories changed; the release cannot be checked against it"));
      }
      out[found->second] = &entry->second;
    }
  }
  return out;
}

absl::StatusOr<std::vector<CellPlan>> PlanBlock(
    const TableModel& model, int32_t block,
    const absl::flat_hash_map<int32_t, const MemoryEntry*>& memory,
    const SdcConfig& config) {
  const Block& b = model.blocks[block];
  std::vector<CellPlan> plan(b.num_cells);
  // Totals per (territory, indicator), for the optional group-disclosure rule.
  absl::flat_hash_map<std::pair<std::string, std::string>, int64_t> totals;
  if (config.group_disclosure) {
    for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
      const Cell& c = model.cells[ci];
      if (c.key.is_total())
        totals[{c.key.territory, c.key.indicator}] = c.value;
    }
  }
  for (int32_t i = 0; i < b.num_cells; ++i) {
    const int32_t ci = b.first_cell + i;
    const Cell& c = model.cells[ci];
    MaskReason rule = ToMaskReason(ClassifyPrimary(c, b, config));
    if (rule == MaskReason::kNone && config.group_disclosure &&
        !c.key.is_total() &&
        IsGroupDisclosure(c.value, totals[{c.key.territory, c.key.indicator}],
                          config)) {
      rule = MaskReason::kGroupDisclosure;  // R7 option: group attribute
                                            // disclosure
    }
    auto mem = memory.find(ci);
    const MemoryEntry* e = mem == memory.end() ? nullptr : mem->second;
    CellPlan& p = plan[i];
    const bool small_figure = IsSmallFigure(c, b, config);  // R7
    if (e != nullptr && e->state == MemoryEntry::State::kMasked) {
      p = {Role::kPrimary,
           rule != MaskReason::kNone ? rule : MaskReason::kEarlierRelease,
           /*seen_masked=*/true};
    } else if (e != nullptr) {
      if (rule != MaskReason::kNone) {
        return absl::FailedPreconditionError(absl::StrCat(
            "unsafe: cell ", c.key.ToString(),
            " was published in an earlier release (base ", e->base_version,
            ", value ", e->value, ") but is now confidential (",
            MaskReasonName(rule), "); the release is refused"));
      }
      p = {Role::kForced, MaskReason::kNone};
    } else if (rule != MaskReason::kNone) {
      p = {Role::kPrimary, rule};
    } else if (c.requested) {
      p = {Role::kCandidate, MaskReason::kNone};
    }
    p.small_figure = small_figure;
  }
  return plan;
}

Visible VisibleTerritories(const TableModel& model,
                           const ReleaseMemory& memory) {
  Visible out, territories;
  for (const Cell& c : model.cells) {
    if (c.piece) continue;
    if (c.requested) out.insert({c.key.territory, c.key.period});
    if (!memory.empty()) territories.insert({c.key.territory, c.key.period});
  }
  for (const auto& [key, entry] : memory.entries()) {
    std::pair<std::string, std::string> t{key.territory, key.period};
    if (territories.contains(t)) out.insert(std::move(t));
  }
  return out;
}

AuditCell MakeAuditCell(const Cell& cell, const Block& block, AuditRole role,
                        const CellPlan& plan, const Visible& visible,
                        const SdcConfig& config) {
  AuditCell a;
  a.role = role;
  // Status words (reader model 4): excluded <= threshold - 1, shown >= it.
  if (block.allocataire_count && cell.key.is_total() && !cell.piece &&
      cell.key.indicator == block.key.indicator &&
      cell.territory_population >= 0 &&
      visible.contains(std::make_pair(cell.key.territory, cell.key.period))) {
    a.label = IsExcludedTerritory(cell.territory_population, config)
                  ? Label::kExcluded
                  : Label::kShown;
  }
  if (role != AuditRole::kMasked) return a;
  const bool excluded = plan.reason == MaskReason::kExcludedTerritory ||
                        IsExcludedTerritory(cell.territory_population, config);
  // Reader model 3: a cell shown "masked" is >= 1 while zeros are figures.
  a.known_positive = (cell.requested || plan.seen_masked) && !cell.piece &&
                     !excluded && cell.value >= 1 && !config.mask_zeros;
  // C2: the R7 frequency threshold for small counts and derived figures.
  a.required_upper = plan.small_figure ? config.frequency_threshold : 0;
  a.required_width = RequiredWidth(cell, block, config);
  return a;
}

}  // namespace ctg::policy::sdc::internal
