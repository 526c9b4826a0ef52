// Release: the outcome of protecting a table (ProtectTable, suppressor.h):
// for every requested cell, whether it is published, masked or excluded, the
// reason (for the Caf's reviewers only: an extract shows one "masked" marker
// and never the reason), the information loss and the LP audit report.
//
// Plain value types, thread-compatible.
#ifndef CTG_POLICY_SDC_RELEASE_H_
#define CTG_POLICY_SDC_RELEASE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "policy/sdc/cell_key.h"

namespace ctg::policy::sdc {

enum class CellStatus {
  kPublished,
  kMasked,    // no figure (small count or protection: never says which)
  kExcluded,  // R6: territory under the allocataire threshold, no figure
};

// Why a cell is masked. Internal: reviewers' preview only.
enum class MaskReason {
  kNone,               // published
  kExcludedTerritory,  // R6
  kSmallCount,         // R7: count 1-4 (or 0 with mask_zeros)
  kDerivedFigure,      // R7: amount or mean over fewer than 5 contributors
  kEarlierRelease,     // masked in an earlier release to the same commune
  kSecondary,          // protects another cell (Gauss step or audit repair)
  kGroupDisclosure,    // optional: one category holds the whole total
};

const char* MaskReasonName(MaskReason reason);
const char* CellStatusName(CellStatus status);

struct ReleasedCell {
  CellKey key;
  CellStatus status = CellStatus::kPublished;
  MaskReason reason = MaskReason::kNone;
  // The figure: count (contributors for amounts) and, for amount blocks, the
  // amount. The extract must show them only when status is kPublished.
  int64_t value = 0;
  int64_t amount = 0;
  bool amount_block = false;
};

// One masked cell's feasible interval as a reader can compute it (LP audit),
// and the protection the criterion asks for.
struct CellInterval {
  CellKey key;
  double lower = 0;
  double upper = 0;            // +infinity when unbounded
  int64_t required_upper = 0;  // C2; 0: only "not a single value"
  // C3: minimum width of [lower, min(upper, territory_threshold - 1)].
  int64_t required_width = 0;
  bool breach = false;
  // The criterion it breaches: "C1" (a single value), "C2" (max below the
  // frequency threshold) or "C3" (excluded territory interval too narrow).
  std::string criterion;
};

struct AuditReport {
  bool ran = false;       // false: mode kOff, or nothing masked
  bool complete = false;  // every block audited (not sampled or truncated)
  int64_t blocks_audited = 0;
  int64_t blocks_total = 0;
  int64_t cells_checked = 0;
  int64_t lp_solves = 0;      // simplex runs of the LP audit
  int64_t repair_rounds = 0;  // extra suppressions added after a breach
  std::vector<CellInterval> breaches;  // empty in any returned Release
  bool passed() const { return ran && breaches.empty(); }
};

struct InformationLoss {
  int64_t cells_secondary = 0;  // requested cells masked only to protect others
  int64_t value_secondary = 0;  // sum of their values (counts)
  int64_t cells_masked = 0;     // all masked requested cells
  int64_t value_masked = 0;     // sum of their values
};

struct ExcludedTerritory {
  std::string territory;
  std::string period;
  int64_t allocataires = 0;  // internal: never shown to the commune
};

struct Release {
  std::string base_version;
  std::vector<ReleasedCell> cells;  // the requested cells, in model order
  std::vector<ExcludedTerritory> excluded;  // requested territories only
  InformationLoss loss;
  AuditReport audit;
};

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_RELEASE_H_
