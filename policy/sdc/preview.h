// The feasibility preview for the Caf's reviewers (R1 étude de faisabilité):
// which territories are excluded (R6), how many cells would be masked and
// why, how many published, the information loss, and whether the LP audit
// proved the protection. Reasons are internal: never show them to a commune.
//
// Plain value type built from a Release (ProtectTable); thread-compatible.
#ifndef CTG_POLICY_SDC_PREVIEW_H_
#define CTG_POLICY_SDC_PREVIEW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "policy/sdc/release.h"

namespace ctg::policy::sdc {

struct MaskedCellView {
  CellKey key;
  // The word the commune sees for this cell: kMasked or kExcluded (an
  // extract shows exactly this, never the reason).
  CellStatus status = CellStatus::kMasked;
  MaskReason reason = MaskReason::kNone;  // reviewers only
};

struct FeasibilityPreview {
  std::vector<ExcludedTerritory> excluded;  // R6, (territory, period) pairs
  int64_t cells_total = 0;                  // requested cells
  int64_t cells_published = 0;
  int64_t cells_excluded = 0;      // cells of excluded territories
  int64_t cells_masked_small = 0;  // R7 small counts and derived figures
  int64_t cells_masked_secondary = 0;
  int64_t cells_masked_earlier = 0;  // masked because masked earlier
  int64_t cells_masked_group = 0;    // optional group-disclosure rule
  // What the commune will see: cells shown "masked" (every reason but R6)
  // and cells shown "excluded" (R6), as in the extract.
  int64_t cells_shown_masked = 0;
  int64_t cells_shown_excluded = 0;
  InformationLoss loss;
  std::vector<MaskedCellView> masked;  // masked and excluded cells, model order
  bool audit_ran = false;
  bool audit_complete = false;  // every block audited (not sampled)
  bool audit_passed = false;
};

FeasibilityPreview MakePreview(const Release& release);

// A short human-readable summary (one line per figure, then excluded
// territories), for logs and the CLI's review screen.
std::string FormatPreview(const FeasibilityPreview& preview);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_PREVIEW_H_
