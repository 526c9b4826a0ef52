#include "policy/sdc/internal/hierarchy_basis.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace ctg::policy::sdc::internal {
namespace {

// Splits a cell's local rows into its pieces and its category (-1: all
// categories, i.e. the total). False if the cell is not piece-set × category.
bool Decompose(const std::vector<int32_t>& rows, int32_t per_piece,
               std::vector<int32_t>* pieces, int32_t* cat) {
  const int32_t p0 = rows[0] / per_piece;
  size_t width = 0;
  while (width < rows.size() && rows[width] / per_piece == p0) ++width;
  if (width == static_cast<size_t>(per_piece)) {
    *cat = -1;
  } else if (width == 1) {
    *cat = rows[0] % per_piece;
  } else {
    return false;
  }
  if (rows.size() % width != 0) return false;
  pieces->clear();
  for (size_t i = 0; i < rows.size(); i += width) {
    const int32_t p = rows[i] / per_piece;
    for (size_t k = 0; k < width; ++k) {
      const int32_t expect = width == 1
                                 ? p * per_piece + *cat
                                 : p * per_piece + static_cast<int32_t>(k);
      if (rows[i + k] != expect) return false;
    }
    pieces->push_back(p);
  }
  return true;
}

}  // namespace

std::optional<HierarchyBasis> HierarchyBasis::Build(const TableModel& m,
                                                    const Block& b) {
  if (b.layout_pieces <= 0 || b.layout_per_piece <= 0 ||
      static_cast<int64_t>(b.layout_pieces) * b.layout_per_piece !=
          b.num_rows) {
    return std::nullopt;
  }
  HierarchyBasis h;
  h.per_piece_ = b.layout_per_piece;
  const int32_t np = b.layout_pieces;
  // Areas: distinct piece sets of the cells.
  absl::flat_hash_map<std::vector<int32_t>, int32_t> area_index;
  std::vector<std::vector<int32_t>> areas;
  std::vector<int32_t> rows, pieces;
  for (int32_t i = 0; i < b.num_cells; ++i) {
    rows = m.cells[b.first_cell + i].rows;
    for (int32_t& r : rows) r -= b.first_row;
    int32_t cat = 0;
    if (!Decompose(rows, h.per_piece_, &pieces, &cat)) return std::nullopt;
    auto [it, inserted] =
        area_index.try_emplace(pieces, static_cast<int32_t>(areas.size()));
    if (inserted) areas.push_back(pieces);
    h.cell_node_.push_back(it->second);
    h.cell_cat_.push_back(cat);
  }
  // Per piece, the areas containing it, largest first: must form a chain.
  std::vector<std::vector<int32_t>> chain(np);
  for (int32_t a = 0; a < static_cast<int32_t>(areas.size()); ++a) {
    for (int32_t p : areas[a]) chain[p].push_back(a);
  }
  const int32_t na = static_cast<int32_t>(areas.size());
  h.parent_.assign(na, -1);
  std::vector<bool> parent_set(na, false);
  for (auto& c : chain) {
    std::sort(c.begin(), c.end(), [&](int32_t x, int32_t y) {
      return areas[x].size() > areas[y].size();
    });
    for (size_t k = 0; k < c.size(); ++k) {
      if (k > 0 && areas[c[k]].size() == areas[c[k - 1]].size())
        return std::nullopt;
      const int32_t parent = k == 0 ? -1 : c[k - 1];
      if (parent_set[c[k]] && h.parent_[c[k]] != parent)
        return std::nullopt;  // overlay
      h.parent_[c[k]] = parent;
      parent_set[c[k]] = true;
    }
  }
  // Leaves: one node per piece (the single-piece area, or a virtual node).
  h.leaf_of_piece_.assign(np, -1);
  for (int32_t p = 0; p < np; ++p) {
    const auto& c = chain[p];
    if (!c.empty() && areas[c.back()].size() == 1) {
      h.leaf_of_piece_[p] = c.back();
    } else {
      h.leaf_of_piece_[p] = static_cast<int32_t>(h.parent_.size());
      h.parent_.push_back(c.empty() ? -1 : c.back());
    }
  }
  const int32_t nodes = static_cast<int32_t>(h.parent_.size());
  h.children_.assign(nodes, {});
  for (int32_t n = 0; n < nodes; ++n) {
    if (h.parent_[n] >= 0) h.children_[h.parent_[n]].push_back(n);
  }
  h.basis_index_.assign(nodes, 0);
  for (int32_t n = 0; n < nodes; ++n) {
    if (!h.children_[n].empty())
      h.basis_index_[h.children_[n].back()] = -1;  // last child
  }
  for (int32_t n = 0; n < nodes; ++n) {
    if (h.basis_index_[n] >= 0) h.basis_index_[n] = h.num_nodes_basis_++;
  }
  h.memo_.resize(nodes);
  return h;
}

const SparseVec& HierarchyBasis::Expand(int32_t node) const {
  if (memo_[node].has_value()) return *memo_[node];
  SparseVec v;
  if (basis_index_[node] >= 0) {
    v.idx.push_back(basis_index_[node]);
    v.val.push_back(1);
  } else {
    // A last child: its parent minus its siblings.
    absl::flat_hash_map<int32_t, int64_t> acc;
    const SparseVec& p = Expand(parent_[node]);
    for (size_t k = 0; k < p.idx.size(); ++k) acc[p.idx[k]] += p.val[k];
    for (int32_t s : children_[parent_[node]]) {
      if (s != node) acc[basis_index_[s]] -= 1;
    }
    std::vector<std::pair<int32_t, int64_t>> items(acc.begin(), acc.end());
    std::sort(items.begin(), items.end());
    for (const auto& [i, x] : items) {
      if (x == 0) continue;
      v.idx.push_back(i);
      v.val.push_back(x);
    }
  }
  memo_[node] = std::move(v);
  return *memo_[node];
}

SparseVec HierarchyBasis::Category(int32_t x, bool total) const {
  const int32_t k = per_piece_;
  SparseVec c;
  if (total || k == 1) {
    c.idx.push_back(k - 1);
    c.val.push_back(1);
  } else if (x < k - 1) {
    c.idx.push_back(x);
    c.val.push_back(1);
  } else {  // the last category: the total minus the others
    for (int32_t y = 0; y < k - 1; ++y) {
      c.idx.push_back(y);
      c.val.push_back(-1);
    }
    c.idx.push_back(k - 1);
    c.val.push_back(1);
  }
  return c;
}

SparseVec HierarchyBasis::Product(const SparseVec& t, const SparseVec& c,
                                  int32_t per_piece) {
  SparseVec out;
  for (size_t i = 0; i < t.idx.size(); ++i) {
    for (size_t j = 0; j < c.idx.size(); ++j) {
      out.idx.push_back(t.idx[i] * per_piece + c.idx[j]);
      out.val.push_back(t.val[i] * c.val[j]);
    }
  }
  return out;
}

SparseVec HierarchyBasis::Column(int32_t local) const {
  const int32_t cat = cell_cat_[local];
  return Product(Expand(cell_node_[local]), Category(cat, cat < 0), per_piece_);
}

SparseVec HierarchyBasis::Rows(const std::vector<int32_t>& local_rows) const {
  absl::flat_hash_map<int32_t, int64_t> acc;
  for (int32_t r : local_rows) {
    const SparseVec v = Product(Expand(leaf_of_piece_[r / per_piece_]),
                                Category(r % per_piece_, false), per_piece_);
    for (size_t k = 0; k < v.idx.size(); ++k) acc[v.idx[k]] += v.val[k];
  }
  std::vector<std::pair<int32_t, int64_t>> items(acc.begin(), acc.end());
  std::sort(items.begin(), items.end());
  SparseVec out;
  for (const auto& [i, x] : items) {
    if (x == 0) continue;
    out.idx.push_back(i);
    out.val.push_back(x);
  }
  return out;
}

}  // namespace ctg::policy::sdc::internal
