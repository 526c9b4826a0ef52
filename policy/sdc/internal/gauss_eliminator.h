// Secondary suppression by Gaussian elimination (Langsrud; design doc
// secondary-suppression.md §2-3, §6). Internal to ctg_sdc: the public entry
// point is ProtectTable (suppressor.h).
//
// Input: the columns of the model matrix X for one block, as sorted lists of
// row indices (0/1 entries), split into
//   - candidates, in priority order (an earlier candidate is preferred for
//     publication); the first `num_forced` are forced (published without any
//     check: cells published in an earlier release, identities of linked
//     indicators);
//   - primaries (cells that must not be derivable).
// Output: which candidates must be suppressed (secondary), and which
// primaries are already revealed by the forced cells alone ("unsafe", §2.5).
//
// Guarantee (§2.4): no primary, and no secondary chosen by the reveal test,
// lies in the linear span of the published candidates. With
// SingletonMethod::kAnySum, no published candidate reduces to a combination of
// singleton rows only.
//
// Arithmetic is exact: int64 with overflow checks, redone in __int128 when
// int64 overflows; OutOfRange if even that overflows (never a release).
//
// Pure function, thread-safe (no shared state).
#ifndef CTG_POLICY_SDC_INTERNAL_GAUSS_ELIMINATOR_H_
#define CTG_POLICY_SDC_INTERNAL_GAUSS_ELIMINATOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/sdc/rules.h"

namespace ctg::policy::sdc::internal {

struct GaussProblem {
  int32_t num_rows = 0;
  std::vector<bool> singleton_row;  // size num_rows (may be empty: none)
  std::vector<std::vector<int32_t>> candidates;
  int32_t num_forced = 0;
  std::vector<std::vector<int32_t>> primaries;
  // Optional coefficients, parallel to the row lists (empty: all 1). Used
  // when the columns are expressed in another basis (hierarchy_basis.h).
  std::vector<std::vector<int64_t>> candidate_values;
  std::vector<std::vector<int64_t>> primary_values;
};

struct GaussResult {
  std::vector<bool> secondary;            // one per candidate
  std::vector<int32_t> unsafe_primaries;  // indices into primaries
  bool used_wide_integers = false;        // int64 overflowed, __int128 used
};

// InvalidArgument if a column has a row out of range or unsorted rows;
// OutOfRange if exact arithmetic overflows __int128.
absl::StatusOr<GaussResult> RunGauss(const GaussProblem& problem,
                                     SingletonMethod method);

}  // namespace ctg::policy::sdc::internal

#endif  // CTG_POLICY_SDC_INTERNAL_GAUSS_ELIMINATOR_H_
