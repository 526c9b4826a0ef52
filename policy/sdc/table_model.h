// TableModel: the generic table the secret statistique engine protects.
//
// The unknowns are *inner cells* (rows): the finest cross-classification of a
// block (finest territory piece × finest category combination). Every figure
// that may be released, masked or merely protected is a *cell*: a sum of inner
// cells, i.e. one column of a sparse 0/1 model matrix X (design doc
// secondary-suppression.md §1). Hierarchies, QPV overlays and linked
// breakdowns are all just more columns over the same rows.
//
// A model is split into *blocks* (one indicator × one period). Blocks share no
// row: the Gauss step protects each on its own. Blocks tied by Bounds (a
// sub-population never exceeds its population) are audited together. Within a
// block every cell's value is known (it is a figure of the base); an inner
// cell's own value may be unknown (cross-classification of two breakdowns that
// the base does not hold), in which case only an upper bound is recorded.
//
// Cells are either *requested* (they will appear in the release as published,
// masked or excluded) or *hidden* (never released, but protected when they are
// sensitive: small pieces IRIS ∩ QPV, unrequested territories and categories).
//
// Most callers build a model with TableBuilder (table_builder.h); tests and
// special tables may fill one by hand and must then call Validate().
//
// Thread-compatible value type; the engine only reads it.
#ifndef CTG_POLICY_SDC_TABLE_MODEL_H_
#define CTG_POLICY_SDC_TABLE_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "policy/sdc/cell_key.h"

namespace ctg::policy::sdc {

enum class IndicatorKind {
  kCount,   // number of allocataires (or persons): value = count
  kAmount,  // amount paid: value = number of contributors, amount = euros
};

struct InnerCell {
  int32_t block = 0;
  // The count in this inner cell when value_known, else an upper bound on it
  // (e.g. the smallest marginal that contains it).
  int64_t value = 0;
  bool value_known = true;
};

struct Cell {
  CellKey key;
  // Sorted, distinct indices into TableModel::inner, all in the cell's block.
  std::vector<int32_t> rows;
  // Count, or number of contributors for an amount block. Never negative.
  int64_t value = 0;
  // Euros, amount blocks only. Never negative.
  int64_t amount = 0;
  // Allocataires of the cell's territory in its period (R6), or -1 when the
  // rule does not apply (the territory is never released nor protected by R6).
  int64_t territory_population = -1;
  bool requested = false;
  // A piece of the common refinement (IRIS ∩ QPV, IRIS minus its QPV parts)
  // that is not a territory of its own: never requested; R6 applies to it
  // only with SdcConfig::protect_small_pieces.
  bool piece = false;
};

// A linear identity every reader knows, within one block:
// sum(y[plus]) - sum(y[minus]) = 0. Used for linked indicators (an
// indicator's total equals a category of another one, piece by piece).
struct Identity {
  int32_t block = 0;
  std::vector<int32_t> plus, minus;  // sorted, disjoint rows of the block
};

// An inequality every reader knows, possibly across blocks of one period:
// sum(y[sub]) <= sum(y[pop]). A sub-population never exceeds its population
// (catalogue "bounded_by": RSA recipients <= allocataires), per piece, for the
// total and for every category both indicators have; a sum of cells of
// several indicators never exceeds a population (catalogue SumBound:
// allocataires + couples + children <= persons covered), per piece.
struct Bound {
  // Sorted, non-empty global rows of blocks of one period (either side may
  // span several blocks). `sub` may repeat a row: its coefficient is the
  // number of times it appears. `pop` rows are distinct.
  std::vector<int32_t> sub, pop;
};

struct Block {
  // The main indicator and the period; cells of `linked_indicators` (below)
  // live in the block too.
  BlockKey key;
  IndicatorKind kind = IndicatorKind::kCount;
  // True when the main indicator *is* the number of allocataires: its territory
  // totals are the R6 populations, and an excluded territory's total must keep
  // an upper bound >= the R6 threshold in the LP audit.
  bool allocataire_count = false;
  int32_t first_row = 0, num_rows = 0;  // rows [first_row, first_row+num_rows)
  int32_t first_cell = 0, num_cells = 0;  // cells likewise
  // Optional layout hint (set by TableBuilder): the rows are
  // layout_pieces × layout_per_piece, piece-major. Lets the engine use a
  // sparse hierarchical basis for large blocks (internal/hierarchy_basis.h).
  // 0: unknown.
  int32_t layout_pieces = 0, layout_per_piece = 0;
  // Other indicators of the same period tied to the main one by identities
  // (TableModel::identities): their cells are in this block.
  std::vector<std::string> linked_indicators;
};

struct TableModel {
  std::vector<Block> blocks;
  std::vector<InnerCell> inner;
  std::vector<Cell> cells;
  std::vector<Identity> identities;
  std::vector<Bound> bounds;

  // Checks the structural invariants and the data: at least one block and one
  // requested cell; contiguous, non-overlapping block ranges; every cell has
  // sorted distinct rows inside its block and a non-empty indicator/period
  // that match the block (its main or a linked indicator); no duplicate key;
  // identities have sorted disjoint rows inside their block and hold when
  // their rows' values are known; bounds have sorted rows (distinct on the
  // pop side) of blocks of one period, and hold when known; no negative value,
  // amount or population; every cell whose rows all have known values equals
  // their sum (additivity). Returns InvalidArgument naming the offending cell,
  // or OK.
  absl::Status Validate() const;

  // Total number of nonzeros of X (the sum of the cells' row counts).
  int64_t NumNonzeros() const;
};

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_TABLE_MODEL_H_
