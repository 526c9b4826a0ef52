#include "policy/sdc/table_model.h"

#include <algorithm>
#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace ctg::policy::sdc {
namespace {

absl::Status CheckBlocks(const TableModel& m) {
  if (m.blocks.empty())
    return absl::InvalidArgumentError("table is empty: no block");
  int32_t next_row = 0, next_cell = 0;
  for (const Block& b : m.blocks) {
    const std::string name = absl::StrCat(b.key.indicator, "/", b.key.period);
    if (b.key.indicator.empty() || b.key.period.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("block ", name, ": empty indicator or period"));
    }
    if (b.first_row != next_row || b.first_cell != next_cell ||
        b.num_rows <= 0 || b.num_cells <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "block ", name, ": rows and cells must be contiguous and non-empty"));
    }
    next_row += b.num_rows;
    next_cell += b.num_cells;
  }
  if (next_row != static_cast<int64_t>(m.inner.size()) ||
      next_cell != static_cast<int64_t>(m.cells.size())) {
    return absl::InvalidArgumentError("blocks do not cover all rows and cells");
  }
  return absl::OkStatus();
}

absl::Status CheckCell(const TableModel& m, const Block& b, int32_t block_index,
                       const Cell& c) {
  const std::string name = c.key.ToString();
  const bool indicator_ok =
      c.key.indicator == b.key.indicator ||
      std::find(b.linked_indicators.begin(), b.linked_indicators.end(),
                c.key.indicator) != b.linked_indicators.end();
  if (!indicator_ok || c.key.period != b.key.period) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cell ", name, ": indicator/period differ from its block"));
  }
  if (c.key.territory.empty() ||
      c.key.breakdown.empty() != c.key.category.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cell ", name, ": empty territory, or breakdown without category"));
  }
  if (c.value < 0 || c.amount < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cell ", name, ": negative value"));
  }
  if (c.rows.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cell ", name, ": no inner cell"));
  }
  int64_t sum = 0;
  bool all_known = true;
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const int32_t r = c.rows[i];
    if (r < b.first_row || r >= b.first_row + b.num_rows ||
        (i > 0 && r <= c.rows[i - 1])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cell ", name,
          ": inner cells must be sorted, distinct and in its block"));
    }
    const InnerCell& in = m.inner[r];
    if (in.block != block_index || in.value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("cell ", name, ": inner cell ", r, " is inconsistent"));
    }
    all_known = all_known && in.value_known;
    sum += in.value;
  }
  if (all_known && sum != c.value) {
    return absl::InvalidArgumentError(
        absl::StrCat("table not additive: cell ", name, " is ", c.value,
                     " but its inner cells sum to ", sum));
  }
  return absl::OkStatus();
}

absl::Status CheckIdentity(const TableModel& m, const Identity& id, size_t k) {
  auto bad = [k](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("identity ", k, ": ", why));
  };
  if (id.block < 0 || id.block >= static_cast<int32_t>(m.blocks.size())) {
    return bad("unknown block");
  }
  const Block& b = m.blocks[id.block];
  int64_t sum = 0;
  bool known = true;
  for (const auto* side : {&id.plus, &id.minus}) {
    for (size_t i = 0; i < side->size(); ++i) {
      const int32_t r = (*side)[i];
      if (r < b.first_row || r >= b.first_row + b.num_rows ||
          (i > 0 && r <= (*side)[i - 1])) {
        return bad("rows must be sorted, distinct and in its block");
      }
      known = known && m.inner[r].value_known;
      sum += side == &id.plus ? m.inner[r].value : -m.inner[r].value;
    }
  }
  std::vector<int32_t> common;
  std::set_intersection(id.plus.begin(), id.plus.end(), id.minus.begin(),
                        id.minus.end(), std::back_inserter(common));
  if (id.plus.empty() || id.minus.empty() || !common.empty()) {
    return bad("needs two non-empty disjoint sides");
  }
  if (known && sum != 0) return bad("does not hold on the inner cells");
  return absl::OkStatus();
}

absl::Status CheckBound(const TableModel& m, const Bound& bound, size_t k) {
  auto bad = [k](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("bound ", k, ": ", why));
  };
  int64_t sums[2] = {0, 0};
  bool known = true;
  const std::string* period = nullptr;
  for (int side_index : {0, 1}) {
    const std::vector<int32_t>& side = side_index == 0 ? bound.sub : bound.pop;
    if (side.empty()) return bad("empty side");
    for (size_t i = 0; i < side.size(); ++i) {
      const int32_t r = side[i];
      const bool ordered =
          i == 0 || r > side[i - 1] || (side_index == 0 && r == side[i - 1]);
      if (r < 0 || r >= static_cast<int32_t>(m.inner.size()) || !ordered) {
        return bad(
            "rows must be sorted, valid, and distinct on the population side");
      }
      const std::string& p = m.blocks[m.inner[r].block].key.period;
      if (period == nullptr) period = &p;
      if (p != *period) return bad("its rows belong to different periods");
      known = known && m.inner[r].value_known;
      sums[side_index] += m.inner[r].value;
    }
  }
  if (known && sums[0] > sums[1])
    return bad("does not hold on the inner cells");
  return absl::OkStatus();
}

// Keys are compared through pointers: national tables hold a million keys.
struct KeyPtrHash {
  size_t operator()(const CellKey* k) const { return absl::HashOf(*k); }
};
struct KeyPtrEq {
  bool operator()(const CellKey* a, const CellKey* b) const { return *a == *b; }
};

}  // namespace

absl::Status TableModel::Validate() const {
  if (absl::Status s = CheckBlocks(*this); !s.ok()) return s;
  absl::flat_hash_set<const CellKey*, KeyPtrHash, KeyPtrEq> seen;
  seen.reserve(cells.size());
  bool any_requested = false;
  for (int32_t bi = 0; bi < static_cast<int32_t>(blocks.size()); ++bi) {
    const Block& b = blocks[bi];
    for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
      const Cell& c = cells[ci];
      if (absl::Status s = CheckCell(*this, b, bi, c); !s.ok()) return s;
      if (!seen.insert(&c.key).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("cell ", c.key.ToString(), " appears twice"));
      }
      any_requested = any_requested || c.requested;
    }
  }
  if (!any_requested)
    return absl::InvalidArgumentError("table is empty: no requested cell");
  for (size_t k = 0; k < identities.size(); ++k) {
    if (absl::Status s = CheckIdentity(*this, identities[k], k); !s.ok())
      return s;
  }
  for (size_t k = 0; k < bounds.size(); ++k) {
    if (absl::Status s = CheckBound(*this, bounds[k], k); !s.ok()) return s;
  }
  return absl::OkStatus();
}

int64_t TableModel::NumNonzeros() const {
  int64_t n = 0;
  for (const Cell& c : cells) n += static_cast<int64_t>(c.rows.size());
  return n;
}

}  // namespace ctg::policy::sdc
