// ProtectTable: the secret statistique engine's entry point. Given a table
// model, the memory of what was already released to the same commune and the
// configuration, it decides for every requested cell whether it is
// published, masked or excluded:
//
//   1. primary suppression: the rules (rules.h: R6 territories, R7 small
//      counts and derived figures), plus every cell masked
//      in an earlier release (memory);
//   2. forced publication: cells published in an earlier release (the reader
//      knows them) and the identities of linked indicators; zero figures are
//      the first candidates (published unless that would reveal a cell);
//   3. secondary suppression by exact Gaussian elimination (Langsrud), block by
//      block (Gauss sees equalities only), preferring to suppress small cells;
//   4. the LP audit (GLPK) of the full reader model (lp_audit.h), one LP per
//      component of blocks tied by Bounds: any breach of the criteria C1-C3
//      adds suppressions (the binding published cell of smallest value, in
//      any block of the component) and step 3 is re-run for that block,
//      until no breach remains.
//
// Errors (never a partial release):
//   - InvalidArgument: the model is invalid (TableModel::Validate).
//   - FailedPrecondition: "unsafe": earlier releases already reveal a cell that
//     is confidential now, or a memory cell is not in the model, or no
//     suppression can satisfy the audit; the message names the cell and the
//     criterion (C1, C2, C3). Nothing is released.
//   - OutOfRange: exact arithmetic overflowed 128 bits (not seen in practice).
//   - Internal: GLPK failed.
//
// Deterministic: the same inputs and seed give the same release (the seed
// only chooses the components of a sampled audit). Thread-safe; GLPK calls are
// serialised internally (see lp_audit.h).
#ifndef CTG_POLICY_SDC_SUPPRESSOR_H_
#define CTG_POLICY_SDC_SUPPRESSOR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/sdc/release.h"
#include "policy/sdc/release_memory.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc {

absl::StatusOr<Release> ProtectTable(const TableModel& model,
                                     const ReleaseMemory& memory,
                                     const SdcConfig& config,
                                     absl::string_view base_version,
                                     uint64_t seed = 0);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_SUPPRESSOR_H_
