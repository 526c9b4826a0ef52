// The LP audit of a release (GLPK): an independent check of the protection
// criterion, used by tests, by the feasibility preview and (through
// ProtectTable) as the safety net of every release.
//
// The reader is assumed to know every figure published in the release and in
// earlier releases to the same commune (memory; at their *current* value in
// the model, which overstates what a reader of an older base knows), the
// additivity of the table, that inner cells are >= 0, and, when zeros are
// published, that every requested masked (not excluded) cell is >= 1. For
// every masked cell (requested masked or excluded, hidden cells protected by
// the rules, cells masked in an earlier release) the audit computes the
// interval [min, max] of its value. The criterion (issue #5, domain.md):
//   - a cell masked by the frequency rule has max >= the R7 threshold (5);
//     a derived figure's contributors likewise (min_contributors);
//   - an excluded territory's total in the allocataire-count block has max >=
//     the R6 threshold (100);
//   - no masked cell's interval holds a single integer, except a cell of true
//     value 0 pinned by published zeros (zeros are figures by default, and a
//     zero discloses nobody).
// Amount blocks are audited on their contributor counts (the amounts share
// the same suppression pattern and model matrix).
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
absl::StatusOr<AuditReport> AuditRelease(const TableModel& model, const Release& release,
                                         const ReleaseMemory& memory,
                                         const SdcConfig& config);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_LP_AUDIT_H_
