// An independent check of the Gauss step for tests: which masked or
// protected cells (of value > 0) are linear combinations of what a reader
// knows (cells published now or earlier, identities of linked indicators).
// Exact elimination modulo the prime 2^31 - 1 (a false answer needs the
// prime to divide a small determinant). Small tables only: dense rows.
#ifndef CTG_TESTS_POLICY_SDC_RANK_CHECK_H_
#define CTG_TESTS_POLICY_SDC_RANK_CHECK_H_

#include <string>
#include <vector>

#include "policy/sdc/release.h"
#include "policy/sdc/release_memory.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::testing {

std::vector<std::string> DerivableMaskedCells(const TableModel& model,
                                              const Release& release,
                                              const ReleaseMemory& memory,
                                              const SdcConfig& config);

}  // namespace ctg::policy::sdc::testing

#endif  // CTG_TESTS_POLICY_SDC_RANK_CHECK_H_
