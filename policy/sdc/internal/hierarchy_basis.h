// A sparse basis for the inner cells of a hierarchical block, so that the
// Gauss step does not fill in (internal to ctg_sdc).
//
// In the inner-cell basis, publishing a national total and then eliminating
// makes every column that shares its pivot row dense (a complement), and a
// table of 35,000 communes needs tens of gigabytes. The Gauss decisions only
// depend on linear spans, not on the basis, so the elimination may run on
// the columns rewritten in any basis. For territories that nest (a laminar
// family: nation > départements > communes > IRIS) crossed with one
// breakdown, take
//   territories: the indicator vector of every node of the territory tree
//     except the last child of each node (a last child is its parent minus
//     its siblings);
//   categories: the total, and every category but the last (the last is the
//     total minus the others);
// and their products. Nearly every cell is then a single basis vector.
//
// Build() returns nullopt when the block does not have that shape (a QPV
// overlay, several breakdowns, no layout hint): the caller keeps the
// inner-cell basis. Immutable after Build; thread-compatible.
#ifndef CTG_POLICY_SDC_INTERNAL_HIERARCHY_BASIS_H_
#define CTG_POLICY_SDC_INTERNAL_HIERARCHY_BASIS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::internal {

struct SparseVec {
  std::vector<int32_t> idx;  // sorted basis indices
  std::vector<int64_t> val;  // non-zero coefficients
};

class HierarchyBasis {
 public:
  static std::optional<HierarchyBasis> Build(const TableModel& model,
                                             const Block& block);

  int32_t size() const { return num_nodes_basis_ * per_piece_; }
  // The block's cell `local` (0-based within the block) in this basis.
  SparseVec Column(int32_t local) const;
  // The sum of the unit vectors of some inner cells (block-local rows).
  SparseVec Rows(const std::vector<int32_t>& local_rows) const;

 private:
  HierarchyBasis() = default;
  const SparseVec& Expand(int32_t node) const;  // territory node in the basis
  SparseVec Category(int32_t x, bool total) const;
  static SparseVec Product(const SparseVec& t, const SparseVec& c,
                           int32_t per_piece);

  int32_t per_piece_ = 1;
  int32_t num_nodes_basis_ = 0;
  std::vector<int32_t> cell_node_;  // per cell: its territory node
  std::vector<int32_t> cell_cat_;   // per cell: category index, -1 for total
  std::vector<int32_t> leaf_of_piece_;
  std::vector<int32_t> parent_;  // per node, -1 for roots
  std::vector<std::vector<int32_t>> children_;
  std::vector<int32_t> basis_index_;  // per node, -1 for a last child
  mutable std::vector<std::optional<SparseVec>> memo_;
};

}  // namespace ctg::policy::sdc::internal

#endif  // CTG_POLICY_SDC_INTERNAL_HIERARCHY_BASIS_H_
