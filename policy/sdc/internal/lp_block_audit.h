// The LP audit of one block (GLPK), shared by ProtectTable's safety net and
// the public AuditRelease (lp_audit.h). Internal to ctg_sdc.
//
// Variables: the block's inner cells, y >= 0 (fixed to 0 when a published
// cell of value 0 contains them). Constraints: every published cell equals its
// value; every masked cell the reader knows to be >= 1 (requested, not
// excluded, zeros published) is >= 1. For every masked cell, min and max of
// its sum give the interval a reader can compute.
//
// Thread-safety: GLPK keeps global (at best thread-local) state, so every
// call takes one process-wide mutex; concurrent audits are serialised, never
// unsafe. Each call frees the thread's GLPK environment when it is done.
#ifndef CTG_POLICY_SDC_INTERNAL_LP_BLOCK_AUDIT_H_
#define CTG_POLICY_SDC_INTERNAL_LP_BLOCK_AUDIT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/sdc/release.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::internal {

enum class AuditRole : uint8_t {
  kIgnored,    // hidden and not protected: neither known nor checked
  kPublished,  // known to the reader (this release or an earlier one)
  kMasked,     // masked or protected: its interval is checked
};

struct AuditCell {
  AuditRole role = AuditRole::kIgnored;
  bool known_positive = false;  // the reader knows it is >= 1
  int64_t required_upper = 0;   // 0: only "not a single value"
};

// The protection a masked cell needs (domain.md, issue criterion): the R7
// frequency threshold for small counts (min_contributors for derived
// figures), the R6 threshold for an excluded territory's total in the
// allocataire-count block, else 0.
int64_t RequiredUpper(const Cell& cell, const Block& block, const SdcConfig& config);

struct BlockAuditResult {
  int64_t cells_checked = 0;
  std::vector<CellInterval> breaches;
  // For each breach, the published cells (global indices) whose constraint
  // binds the violated bound (non-zero dual): suppressing one relaxes it.
  std::vector<std::vector<int32_t>> binding;
};

// `cells` has one entry per cell of the block (model.blocks[block]).
// Internal if GLPK fails or the published figures are inconsistent.
absl::StatusOr<BlockAuditResult> AuditBlock(const TableModel& model, int32_t block,
                                            const std::vector<AuditCell>& cells,
                                            const SdcConfig& config);

}  // namespace ctg::policy::sdc::internal

#endif  // CTG_POLICY_SDC_INTERNAL_LP_BLOCK_AUDIT_H_
