// The LP audit of a release (GLPK): an independent check of the protection
// criterion, used by tests, by the feasibility preview and (through
// ProtectTable) as the safety net of every release.
//
// The reader is the one of docs/secret-statistique.md ("The reader model"):
// every figure published in the release, in earlier releases to the same
// commune (memory, at their *current* value in the model) and in the open
// data (SdcConfig::open_data); additivity and the identities of linked
// indicators; inner cells >= 0; while zeros are published, every cell shown
// masked (now or earlier, not excluded) >= 1; the status words on the
// allocataire-count total of every territory of the release or the memory
// (excluded <= threshold - 1, shown >= threshold); every Bound between
// indicators (a sub-population never exceeds its population, per piece).
// Blocks tied by Bounds are audited as one LP. For every masked cell
// (requested masked or excluded, hidden cells protected by the rules, cells
// masked in an earlier release) the audit computes the interval [min, max]
// of its value and applies the criteria:
//   C1/C4 no masked cell's interval holds a single integer, except a cell of
//      true value 0 pinned by published zeros (zeros are figures);
//   C2 a cell masked by the frequency rule has max >= the R7 threshold (5);
//      a derived figure's contributors likewise (frequency_threshold);
//   C3 an excluded territory's (or small piece's) allocataire total keeps
//      min(max, threshold - 1) - min >= excluded_min_width.
// Each breach names its criterion. Amount blocks are audited on their
// contributor counts (the amounts share the same suppression pattern).
//
// Thread-safety: safe to call from several threads. GLPK's environment is
// process-global (thread-local at best), so all GLPK work is serialised by
// one internal mutex: concurrent audits wait for each other. GLPK's terminal
// output is switched off.
#ifndef CTG_POLICY_SDC_LP_AUDIT_H_
#define CTG_POLICY_SDC_LP_AUDIT_H_

#include "absl/status/statusor.h"
#include "policy/sdc/release.h"
#include "policy/sdc/release_memory.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc {

// Audits every block of `model` (ignores config.audit.mode and size limits).
// `memory` is the memory the release was made with (before recording it).
// InvalidArgument if the release does not list exactly the requested cells of
// the model in model order; Internal if GLPK fails. A breach is not an error:
// it is listed in the report (report.passed() is false).
absl::StatusOr<AuditReport> AuditRelease(const TableModel& model,
                                         const Release& release,
                                         const ReleaseMemory& memory,
                                         const SdcConfig& config);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_LP_AUDIT_H_
