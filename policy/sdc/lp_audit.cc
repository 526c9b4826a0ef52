#include "policy/sdc/lp_audit.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/sdc/internal/block_plan.h"
#include "policy/sdc/internal/lp_block_audit.h"

namespace ctg::policy::sdc {

using internal::AuditRole;

absl::StatusOr<AuditReport> AuditRelease(const TableModel& model, const Release& release,
                                         const ReleaseMemory& memory,
                                         const SdcConfig& config) {
  CTG_RETURN_IF_ERROR(model.Validate());
  CTG_ASSIGN_OR_RETURN(auto mem, internal::MatchMemory(model, memory));
  AuditReport report;
  report.blocks_total = static_cast<int64_t>(model.blocks.size());
  size_t next = 0;  // position in release.cells
  for (int32_t bi = 0; bi < static_cast<int32_t>(model.blocks.size()); ++bi) {
    const Block& b = model.blocks[bi];
    std::vector<internal::AuditCell> cells(b.num_cells);
    for (int32_t i = 0; i < b.num_cells; ++i) {
      const int32_t ci = b.first_cell + i;
      const Cell& c = model.cells[ci];
      AuditRole role = AuditRole::kIgnored;
      bool excluded = false;
      if (c.requested) {
        if (next >= release.cells.size() || release.cells[next].key != c.key) {
          return absl::InvalidArgumentError(absl::StrCat(
              "release does not match the model at cell ", c.key.ToString()));
        }
        const CellStatus s = release.cells[next++].status;
        role = s == CellStatus::kPublished ? AuditRole::kPublished : AuditRole::kMasked;
        excluded = s == CellStatus::kExcluded;
      } else {
        auto m = mem.find(ci);
        if (m != mem.end()) {
          role = m->second->state == MemoryEntry::State::kPublished ? AuditRole::kPublished
                                                                    : AuditRole::kMasked;
        } else if (ClassifyPrimary(c, b, config) != PrimaryReason::kNone) {
          role = AuditRole::kMasked;
        }
      }
      // A cell published earlier stays known even if this release masks it
      // (ProtectTable never does; an independent audit must still see it).
      auto m = mem.find(ci);
      if (m != mem.end() && m->second->state == MemoryEntry::State::kPublished) {
        role = AuditRole::kPublished;
      }
      cells[i] = internal::MakeAuditCell(c, b, role, excluded, config);
    }
    CTG_ASSIGN_OR_RETURN(internal::BlockAuditResult res,
                         internal::AuditBlock(model, bi, cells, config));
    report.cells_checked += res.cells_checked;
    for (CellInterval& br : res.breaches) report.breaches.push_back(std::move(br));
    ++report.blocks_audited;
  }
  if (next != release.cells.size()) {
    return absl::InvalidArgumentError("release lists cells the model does not request");
  }
  report.ran = true;
  report.complete = true;
  return report;
}

}  // namespace ctg::policy::sdc
