#include "policy/sdc/lp_audit.h"

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/sdc/internal/block_plan.h"
#include "policy/sdc/internal/lp_block_audit.h"

namespace ctg::policy::sdc {

using internal::AuditRole;

absl::StatusOr<AuditReport> AuditRelease(const TableModel& model,
                                         const Release& release,
                                         const ReleaseMemory& memory,
                                         const SdcConfig& config) {
  CTG_RETURN_IF_ERROR(model.Validate());
  ReleaseMemory known = memory;
  for (const OpenFigure& f : config.open_data) {
    if (known.Find(f.key) == nullptr) {
      CTG_RETURN_IF_ERROR(
          known.AddPublished(f.key, f.value, f.amount, "open-data"));
    }
  }
  // Open data outside the model is irrelevant here.
  ReleaseMemory relevant;
  {
    absl::flat_hash_set<CellKey> keys;
    for (const Cell& c : model.cells) keys.insert(c.key);
    for (const auto& [key, e] : known.entries()) {
      if (e.base_version == "open-data" && !keys.contains(key)) continue;
      CTG_RETURN_IF_ERROR(
          e.state == MemoryEntry::State::kPublished
              ? relevant.AddPublished(key, e.value, e.amount, e.base_version)
              : relevant.AddMasked(key, e.base_version));
    }
  }
  CTG_ASSIGN_OR_RETURN(auto mem, internal::MatchMemory(model, relevant));
  const internal::Visible visible = internal::VisibleTerritories(model, known);
  AuditReport report;
  report.blocks_total = static_cast<int64_t>(model.blocks.size());
  std::vector<internal::AuditCell> cells(model.cells.size());
  size_t next = 0;  // position in release.cells
  for (int32_t bi = 0; bi < static_cast<int32_t>(model.blocks.size()); ++bi) {
    const Block& b = model.blocks[bi];
    for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
      const Cell& c = model.cells[ci];
      AuditRole role = AuditRole::kIgnored;
      internal::CellPlan plan;
      plan.small_figure = IsSmallFigure(c, b, config);  // R7: C2 applies
      auto m = mem.find(ci);
      if (m != mem.end() && m->second->state == MemoryEntry::State::kMasked) {
        plan.seen_masked = true;
      }
      if (c.requested) {
        if (next >= release.cells.size() || release.cells[next].key != c.key) {
          return absl::InvalidArgumentError(absl::StrCat(
              "release does not match the model at cell ", c.key.ToString()));
        }
        const CellStatus s = release.cells[next++].status;
        role = s == CellStatus::kPublished ? AuditRole::kPublished
                                           : AuditRole::kMasked;
        if (s == CellStatus::kExcluded)
          plan.reason = MaskReason::kExcludedTerritory;
      } else if (m != mem.end()) {
        role = m->second->state == MemoryEntry::State::kPublished
                   ? AuditRole::kPublished
                   : AuditRole::kMasked;
      } else if (ClassifyPrimary(c, b, config) != PrimaryReason::kNone) {
        role = AuditRole::kMasked;
      }
      // A cell published earlier stays known even if this release masks it
      // (ProtectTable never does; an independent audit must still see it).
      if (m != mem.end() &&
          m->second->state == MemoryEntry::State::kPublished) {
        role = AuditRole::kPublished;
      }
      cells[ci] = internal::MakeAuditCell(c, b, role, plan, visible, config);
    }
  }
  if (next != release.cells.size()) {
    return absl::InvalidArgumentError(
        "release lists cells the model does not request");
  }
  for (const std::vector<int32_t>& comp : internal::Components(model)) {
    CTG_ASSIGN_OR_RETURN(internal::BlockAuditResult res,
                         internal::AuditComponent(model, comp, cells, config));
    report.cells_checked += res.cells_checked;
    report.lp_solves += res.lp_solves;
    for (CellInterval& br : res.breaches)
      report.breaches.push_back(std::move(br));
    report.blocks_audited += static_cast<int64_t>(comp.size());
  }
  report.ran = true;
  report.complete = true;
  return report;
}

}  // namespace ctg::policy::sdc
