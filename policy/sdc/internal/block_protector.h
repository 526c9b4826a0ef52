// Secondary suppression of one block, with the LP audit's repair loop
// (internal to ctg_sdc; ProtectTable in suppressor.h is the entry point).
//
// Given the block's plan (internal/block_plan.h), runs the Gauss step
// (internal/gauss_eliminator.h) in the inner-cell basis, or in the
// hierarchical basis for large nested blocks (internal/hierarchy_basis.h,
// with subSum singleton protection); identities of linked indicators are
// forced first. When `audit` is set, audits the result (GLPK) and, while a
// breach remains, suppresses one more published cell per breach (a binding
// one, else the nearest) as a new primary and runs again.
//
// Errors: FailedPrecondition when earlier releases reveal a protected cell
// ("unsafe") or a breach cannot be repaired; whatever RunGauss/AuditBlock
// return. Pure, thread-safe (GLPK is serialised inside AuditBlock).
#ifndef CTG_POLICY_SDC_INTERNAL_BLOCK_PROTECTOR_H_
#define CTG_POLICY_SDC_INTERNAL_BLOCK_PROTECTOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/sdc/internal/block_plan.h"
#include "policy/sdc/release.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::internal {

struct BlockOutcome {
  std::vector<CellPlan> plan;    // final roles (audit repairs are primaries)
  std::vector<bool> suppressed;  // candidates made secondary by the Gauss step
};

// `report` (not owned) gains the cells checked and the repair rounds.
absl::StatusOr<BlockOutcome> ProtectBlock(const TableModel& model, int32_t block,
                                          std::vector<CellPlan> plan,
                                          const SdcConfig& config, bool audit,
                                          AuditReport* report);

}  // namespace ctg::policy::sdc::internal

#endif  // CTG_POLICY_SDC_INTERNAL_BLOCK_PROTECTOR_H_
