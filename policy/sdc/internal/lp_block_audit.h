// The LP audit of one *component* of a model (GLPK): the blocks of one
// period tied by Bounds (a sub-population never exceeds its population), or
// a single block. Shared by ProtectTable's repair loop and the public
// AuditRelease (lp_audit.h). Internal to ctg_sdc.
//
// The reader model of docs/secret-statistique.md, over the component's inner
// cells y >= 0 (fixed to 0 when a published cell of value 0 contains them):
//   - every published cell (this release, earlier ones, open data) equals its
//     value; identities of linked indicators hold;
//   - every Bound of the component holds (sum sub <= sum pop);
//   - a masked cell the reader knows to be >= 1 (shown "masked" while zeros
//     are published) is >= 1;
//   - a status word on an allocataire-count total: excluded <= threshold - 1,
//     shown >= threshold.
// For every masked cell still to check, min and max of its sum give the
// interval a reader can compute; the criteria C1-C3 are applied to it.
//
// Thread-safety: GLPK keeps global (at best thread-local) state, so every
// audit holds one process-wide mutex (a ComponentAuditor for its lifetime);
// concurrent audits are serialised, never unsafe. The thread's GLPK
// environment is freed when an auditor ends.
#ifndef CTG_POLICY_SDC_INTERNAL_LP_BLOCK_AUDIT_H_
#define CTG_POLICY_SDC_INTERNAL_LP_BLOCK_AUDIT_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/sdc/release.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::internal {

enum class AuditRole : uint8_t {
  kIgnored,    // hidden and not protected: neither known nor checked
  kPublished,  // known to the reader (this release, an earlier one, open data)
  kMasked,     // masked or protected: its interval is checked
};

// The status word a reader sees on a territory, carried by the territory's
// allocataire-count total (the R6 population).
enum class Label : uint8_t { kNone, kExcluded, kShown };

struct AuditCell {
  AuditRole role = AuditRole::kIgnored;
  bool known_positive = false;  // the reader knows it is >= 1
  Label label = Label::kNone;
  int64_t required_upper = 0;  // C2; 0: none
  int64_t required_width = 0;  // C3; 0: none
  bool check = true;  // kMasked: compute its interval (false: known to pass)
};

// C3: W for an R6-excluded territory's (or piece's) allocataire-count total,
// else 0.
int64_t RequiredWidth(const Cell& cell, const Block& block,
                      const SdcConfig& config);

// The blocks tied by Bounds, transitively: each component sorted, components
// ordered by their first block.
std::vector<std::vector<int32_t>> Components(const TableModel& model);

struct BlockAuditResult {
  int64_t cells_checked = 0;
  int64_t lp_solves = 0;          // simplex runs (the audit's main cost)
  std::vector<int32_t> breached;  // global cell index of each breach
  std::vector<CellInterval> breaches;
  // For each breach, whether its lower bound is the reader's exact minimum;
  // false only with Options::exact_breach_lower off (a C2 breach whose min
  // was not solved: its lower bound is a point the reader cannot rule out).
  std::vector<bool> lower_exact;
  // For each breach, the published cells (global indices) whose constraint
  // binds the violated bound (non-zero dual; for a published zero, the
  // reduced cost of an inner cell it fixes to 0): suppressing one relaxes
  // it.
  std::vector<std::vector<int32_t>> binding;
  // Only with ComponentAuditor::Options::exact_intervals: the reader's exact
  // [min, max] of every cell checked (global index), in check order.
  std::vector<std::pair<int32_t, std::pair<double, double>>> intervals;
};

class ComponentLp;

// The LP audit of one component, kept alive across the audits of a repair
// loop. Columns (inner cells) and the rows of identities and Bounds are built
// once; an audit only resets the bounds of the cells' rows and columns for
// their roles now (published equal to their value, masked with what the
// reader knows), adding a row when a cell first needs one. GLPK's last basis
// stays valid, so each audit warm-starts from the previous one instead of a
// cold start. The intervals do not depend on the starting basis (an LP's
// optimum is unique); only which optimal basis, hence which binding cells,
// may differ.
//
// The first auditor alive on a thread takes the process-wide GLPK mutex and
// the last one releases it (after freeing the thread's GLPK environment):
// use an auditor on the thread that made it; other threads' audits wait.
class ComponentAuditor {
 public:
  struct Options {
    // Testing: solve min and max of every checked cell (no shortcut through
    // known points) and return them in BlockAuditResult::intervals.
    bool exact_intervals = false;
    // Off (the repair loop): a C2 breach is reported as soon as its max
    // shows it, without solving its min (the repair only needs the max's
    // binding cells); ExactLower gives the min when a refusal names it.
    bool exact_breach_lower = true;
    // Testing: off starts the first solve from GLPK's plain crash basis
    // (glp_adv_basis) instead of the feasible basis built from the true
    // figures and the dual simplex.
    bool feasible_first_basis = true;
  };

  ComponentAuditor(const TableModel& model, std::vector<int32_t> blocks,
                   const SdcConfig& config, Options options);
  ComponentAuditor(const TableModel& model, std::vector<int32_t> blocks,
                   const SdcConfig& config)
      : ComponentAuditor(model, std::move(blocks), config, Options{}) {}
  ~ComponentAuditor();
  ComponentAuditor(const ComponentAuditor&) = delete;
  ComponentAuditor& operator=(const ComponentAuditor&) = delete;

  // `cells` has one entry per cell of the model; only the component's blocks
  // are read. Internal if GLPK fails or the published figures are
  // inconsistent.
  absl::StatusOr<BlockAuditResult> Audit(const std::vector<AuditCell>& cells);

  // The reader's exact minimum of cell `ci` (global index, of the component)
  // under the roles of the last Audit.
  absl::StatusOr<double> ExactLower(int32_t ci);

 private:
  std::unique_ptr<ComponentLp> lp_;
};

// One audit of one component (a fresh ComponentAuditor).
absl::StatusOr<BlockAuditResult> AuditComponent(
    const TableModel& model, const std::vector<int32_t>& blocks,
    const std::vector<AuditCell>& cells, const SdcConfig& config);

}  // namespace ctg::policy::sdc::internal

#endif  // CTG_POLICY_SDC_INTERNAL_LP_BLOCK_AUDIT_H_
