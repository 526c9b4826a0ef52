// Secondary suppression of the blocks of one component (blocks tied by
// Bounds; internal to ctg_sdc; ProtectTable in suppressor.h is the entry
// point), with the LP audit's repair loop over the whole component.
//
// Each block runs the Gauss step (internal/gauss_eliminator.h) on its own, in
// the inner-cell basis or, for large nested blocks, in the hierarchical basis
// (internal/hierarchy_basis.h, with subSum singleton protection); identities
// of linked indicators are forced first. Gauss sees only equalities. When
// `audit` is set, the component is audited as one LP (every block, every
// Bound, the status words; internal/lp_block_audit.h) and, while a breach
// remains, one more published cell per breach (a binding one, a sibling of
// the breached cell when the last round did not widen its interval, a
// binding zero of this release, else the nearest) becomes a primary and
// the Gauss step of its block runs again. A secondary the reader computes
// anyway (C1 with nothing left to suppress) is published again.
// Cells that passed are not re-checked while the published set only shrinks
// (fewer equalities only widen intervals).
//
// Errors: FailedPrecondition when earlier releases reveal a protected cell
// ("unsafe") or a breach cannot be repaired (the message names the cell and
// the criterion); whatever RunGauss/ComponentAuditor return. Pure,
// thread-safe: the audited repair loop holds the GLPK mutex (one
// ComponentAuditor for the whole loop), so audited components of several
// threads run one at a time.
#ifndef CTG_POLICY_SDC_INTERNAL_BLOCK_PROTECTOR_H_
#define CTG_POLICY_SDC_INTERNAL_BLOCK_PROTECTOR_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/sdc/internal/block_plan.h"
#include "policy/sdc/internal/lp_block_audit.h"
#include "policy/sdc/release.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::internal {

struct BlockOutcome {
  std::vector<CellPlan> plan;    // final roles (audit repairs are primaries)
  std::vector<bool> suppressed;  // candidates made secondary by the Gauss step
};

// What the audit sees of cell `ci` (global index) given its role now.
using AuditCellFn =
    std::function<AuditCell(int32_t ci, AuditRole role, const CellPlan& plan)>;

// `blocks`: the component (Components() in lp_block_audit.h); `plans`: one
// per block, in the same order. Returns one outcome per block, same order.
// `report` (not owned) gains the cells checked and the repair rounds.
absl::StatusOr<std::vector<BlockOutcome>> ProtectComponent(
    const TableModel& model, const std::vector<int32_t>& blocks,
    std::vector<std::vector<CellPlan>> plans, const SdcConfig& config,
    bool audit, const AuditCellFn& audit_cell, AuditReport* report);

}  // namespace ctg::policy::sdc::internal

#endif  // CTG_POLICY_SDC_INTERNAL_BLOCK_PROTECTOR_H_
