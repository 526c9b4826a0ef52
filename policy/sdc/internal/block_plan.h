// The role of every cell of one block before secondary suppression: which
// cells are primary (and why), forced (known to the reader), candidates for
// publication, or ignored. Applies the rules (rules.h) and the memory of
// earlier releases (release_memory.h). Internal to ctg_sdc.
#ifndef CTG_POLICY_SDC_INTERNAL_BLOCK_PLAN_H_
#define CTG_POLICY_SDC_INTERNAL_BLOCK_PLAN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "policy/sdc/internal/lp_block_audit.h"
#include "policy/sdc/release.h"
#include "policy/sdc/release_memory.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::internal {

enum class Role : uint8_t {
  kIgnored,    // hidden, not sensitive, never released before
  kCandidate,  // requested: published unless the Gauss step suppresses it
  kForced,     // published without check: published in an earlier release
  kPrimary,    // must not be derivable (requested: masked; hidden: protected)
};

struct CellPlan {
  Role role = Role::kIgnored;
  MaskReason reason = MaskReason::kNone;  // primaries only
  // Shown "masked" (not excluded) to this commune in an earlier release.
  bool seen_masked = false;
  // R7 applies to its value (IsSmallFigure), decided with `reason`: the LP
  // audit's C2 holds for it even when the reason is R6.
  bool small_figure = false;
};

// (territory, period) pairs whose status word a reader sees: territories of
// requested cells, and territories of the model named by any memory entry
// of that period, whatever its indicator (pieces never have one).
using Visible = absl::flat_hash_set<std::pair<std::string, std::string>>;
Visible VisibleTerritories(const TableModel& model,
                           const ReleaseMemory& memory);

// The memory entries of each block of the model, by global cell index.
// FailedPrecondition when an entry belongs to a block of the model but names a
// cell the model does not have (the territory structure changed).
absl::StatusOr<absl::flat_hash_map<int32_t, const MemoryEntry*>> MatchMemory(
    const TableModel& model, const ReleaseMemory& memory);

// FailedPrecondition ("unsafe") when a cell published earlier is confidential
// now (the base was replaced): it cannot be protected.
absl::StatusOr<std::vector<CellPlan>> PlanBlock(
    const TableModel& model, int32_t block,
    const absl::flat_hash_map<int32_t, const MemoryEntry*>& memory,
    const SdcConfig& config);

// What the LP audit sees of a cell, given its role: the reader's knowledge
// (>= 1 when shown masked while zeros are figures; the status word of its
// territory on the allocataire-count total) and the criteria C2 (from the
// plan's small_figure), C3.
AuditCell MakeAuditCell(const Cell& cell, const Block& block, AuditRole role,
                        const CellPlan& plan, const Visible& visible,
                        const SdcConfig& config);

}  // namespace ctg::policy::sdc::internal

#endif  // CTG_POLICY_SDC_INTERNAL_BLOCK_PLAN_H_
