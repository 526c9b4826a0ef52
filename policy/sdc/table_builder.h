// BuildTable: turns what the statistical base holds (figures per piece, per
// indicator and period, with their breakdowns) into the TableModel the engine
// protects.
//
// Per block (indicator × period):
//   - inner cells: piece × one category of every breakdown. With one
//     breakdown (or none) their values are the base's figures. With several
//     breakdowns of the same indicator (e.g. allocataires by family type AND
//     by age of the head), each a partition of the total, the
//     cross-classification is unknown: the inner cells are the cross cells
//     with unknown values (upper bound: the smallest marginal containing
//     them). The breakdowns are thereby *linked tables sharing the total
//     margin in one global formulation* (design doc §1 "global"): the Gauss
//     step needs only the structure, and the LP audit ranges over every cross
//     table consistent with the published margins, which is exactly what a
//     reader can do.
//   - cells: for every territory of the geography and every hidden piece, the
//     total and every category of every breakdown. Cells of requested
//     territories and breakdowns are requested; the others are hidden
//     (protected when sensitive).
//   - R6 populations: allocataires per (piece, period), given explicitly or
//     taken from the period's allocataire-count block (its piece totals); a
//     territory's population is the sum over its pieces.
//
// Errors: InvalidArgument naming the block and piece/category for unknown
// pieces, breakdowns or categories, duplicate or negative figures, a piece
// without a total, categories that do not add up to the total (not additive),
// territory figures that differ from the sum of their pieces, no allocataire
// count for a period, an empty request, a bounded_by or sum bound relation
// that the figures contradict (a sub-population above its population), more
// than 4,000,000 inner cells in one block, a block given twice, or a
// total_equals relation that names an absent cell, a linked indicator, or does
// not hold piece by piece.
//
// Pure function, thread-safe.
#ifndef CTG_POLICY_SDC_TABLE_BUILDER_H_
#define CTG_POLICY_SDC_TABLE_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "policy/sdc/geography.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc {

struct Breakdown {
  std::string code;                     // e.g. "family_type"
  std::vector<std::string> categories;  // a partition of the total
};

// One figure of the base for one piece (or, in TerritoryFigure, a territory).
struct Figure {
  std::string piece;
  std::string breakdown;  // empty: the piece's total
  std::string category;   // empty iff breakdown is empty
  int64_t count = 0;      // count, or number of contributors (amount blocks)
  int64_t amount = 0;     // euros (amount blocks)
};

// A cell of an indicator, by codes (breakdown and category empty: the total).
struct CellName {
  std::string indicator;
  std::string breakdown;
  std::string category;
};

// A cell of another indicator that an indicator's total equals, in every
// territory (catalogue relation "total_equals": single-parent families =
// allocataires whose family type is single parent). Empty indicator: none.
using TotalEquals = CellName;

struct BlockInput {
  std::string indicator;
  std::string period;
  IndicatorKind kind = IndicatorKind::kCount;
  bool allocataire_count = false;  // this indicator is the R6 population
  std::vector<Breakdown> breakdowns;
  // Every piece needs its total; missing category figures are zeros.
  std::vector<Figure> figures;
  // Optional territory-level figures the base computed on its own (Figure's
  // `piece` holds the territory code): checked against the sums.
  std::vector<Figure> territory_figures;
  // When set, this block and the named one (same period, same kind, itself
  // unlinked) become one model block tied by identities per piece, so that a
  // figure masked in one cannot be read in the other.
  TotalEquals total_equals;
  // When set, this indicator never exceeds that one (same period), per piece,
  // for the total and for every category of a breakdown both have (same
  // breakdown and category codes): the model gets one Bound per such pair.
  // Ignored when that indicator is not among the blocks of the period.
  std::string bounded_by;
};

// A sum of cells of several indicators of one period that never exceeds an
// indicator's total, per piece (catalogue SumBound: allocataires + couples +
// children <= persons covered). A term may name a quantity twice (the
// couples are in the allocataires' total and in their category). Terms of an
// indicator absent from the period's blocks are left out (each is >= 0, so
// the rest still holds); ignored when the population or every term is absent.
struct SumBoundInput {
  std::vector<CellName> terms;
  std::string population;  // an indicator code: its total
};

struct PieceAllocataires {
  std::string period;
  std::string piece;
  int64_t allocataires = 0;
};

struct TableInput {
  std::vector<BlockInput> blocks;
  // Applied to every period of `blocks`.
  std::vector<SumBoundInput> sum_bounds;
  // R6 populations per piece; a period without entries takes them from its
  // allocataire_count block.
  std::vector<PieceAllocataires> allocataires;
  // Territories to release (empty: every territory of the geography).
  std::vector<std::string> requested_territories;
  // Breakdowns to release (empty: all); totals are always released.
  std::vector<std::string> requested_breakdowns;
};

absl::StatusOr<TableModel> BuildTable(const Geography& geography,
                                      const TableInput& input);

// R5-R7 apply to what is released: marks requested exactly the cells of
// `model` that are released territories (never pieces) among `territories`,
// of an indicator among `indicators`, and totals or of a breakdown among
// `breakdowns` (empty: totals only); every other cell is not requested.
void MarkRequested(absl::Span<const std::string> territories,
                   absl::Span<const std::string> indicators,
                   absl::Span<const std::string> breakdowns, TableModel& model);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_TABLE_BUILDER_H_
