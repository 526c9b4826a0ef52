// Helpers shared by the tests of policy/sdc: small hand-made tables built
// through the public builder, and short cell names for assertions.
#ifndef CTG_TESTS_POLICY_SDC_SDC_TEST_UTIL_H_
#define CTG_TESTS_POLICY_SDC_SDC_TEST_UTIL_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/sdc/release.h"
#include "policy/sdc/table_builder.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::testing {

// IRIS code of the i-th IRIS of commune 33069 ("330690001" for i = 0).
std::string Iris(int i);

// One commune (33069) with one IRIS per row of `counts` and one breakdown "k"
// whose categories are "1".."n" (the columns). R6 populations default to
// 1000 per IRIS. Indicator "N", period "2023".
absl::StatusOr<TableModel> MakeGrid(
    const std::vector<std::vector<int64_t>>& counts,
    std::vector<int64_t> populations = {});

// The same input, for tests that change it before building.
TableInput GridInput(const std::vector<std::vector<int64_t>>& counts,
                     std::vector<int64_t> populations = {});
absl::StatusOr<Geography> GridGeography(size_t num_iris);

// "A2" for IRIS A (the first) category 2, "A." for its total, ".1" for the
// commune's category 1, ".." for the commune total; other territories keep
// their code ("QN03301M.", "QN03301M1").
std::string ShortName(const CellKey& key);

// Short names of the masked (or excluded) requested cells.
std::set<std::string> Masked(const Release& release);
std::set<std::string> MaskedWithReason(const Release& release,
                                       MaskReason reason);

}  // namespace ctg::policy::sdc::testing

#endif  // CTG_TESTS_POLICY_SDC_SDC_TEST_UTIL_H_
