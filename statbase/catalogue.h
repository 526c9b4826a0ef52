// The catalogue: the fixed list of indicators the Caf's statistical base holds,
// with their French labels, units and breakdowns.
//
// Every indicator has a total and zero or more breakdowns; the categories of a
// breakdown partition the indicator's total (they sum to it exactly). A *cell*
// is one figure of one territory: an indicator's total, or one category of one
// of its breakdowns. Cells are numbered densely (CellId) in catalogue order:
// for each indicator, its total, then each breakdown's categories in order.
//
// Different indicator codes are different quantities, except where the
// catalogue states a relation explicitly (Indicator::total_equals: the same
// number published twice; Indicator::bounded_by: never more than another
// indicator; SumBound: a sum of cells never more than an indicator). The
// secret statistique engine must treat linked quantities as one table
// (total_equals) and assume every reader knows the inequalities (bounded_by,
// SumBound).
//
// Everything here is immutable static data: thread-safe, no ownership.
#ifndef CTG_STATBASE_CATALOGUE_H_
#define CTG_STATBASE_CATALOGUE_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ctg::statbase {

// Mirrors ctg.v1.Unit.
enum class Unit : uint8_t {
  // Number of allocataires, persons or children.
  kCount = 1,
  // Euros per month (whole euros), with the number of contributing
  // allocataires as the cell's count.
  kEurosPerMonth = 2,
};

struct Category {
  absl::string_view code;
  absl::string_view label;  // French
};

struct Breakdown {
  absl::string_view code;
  absl::string_view label;  // French
  absl::Span<const Category> categories;
};

// One cell named by codes; breakdown and category are empty for the total.
struct CellRef {
  absl::string_view indicator;
  absl::string_view breakdown;
  absl::string_view category;
};

struct Indicator {
  absl::string_view code;
  absl::string_view label;  // French, e.g. "Familles monoparentales"
  Unit unit;
  absl::Span<const Breakdown> breakdowns;
  // What is counted, in French, for ListIndicators and the documentation.
  absl::string_view definition;
  // When set (indicator non-empty), this indicator's total is, by definition,
  // the same number as that cell of another indicator, in every territory.
  // The importer checks it.
  CellRef total_equals;
  // When non-empty, this indicator's count never exceeds that indicator's, in
  // every territory, for the total and for every breakdown both indicators
  // have (category by category). The importer checks it. For an amount
  // indicator this bounds the number of contributors.
  absl::string_view bounded_by;
};

// A sum of cells that never exceeds another indicator's total, in every
// territory, by definition rather than by a single bounded_by: the persons
// covered are the allocataires, their spouses (one per couple), their
// children and other dependants, so allocataires + couples + children never
// exceed them. A term may repeat a quantity (the couples are in the
// allocataires' total and again as their own category). The importer checks
// it when the population and every term's indicator are in the base; the
// secret statistique engine must assume every reader knows it.
struct SumBound {
  absl::Span<const CellRef> terms;
  absl::string_view population;  // an indicator code: its total bounds the sum
};

// Index of an indicator in Indicators().
using IndicatorId = uint16_t;
// Index of a cell in the catalogue's dense numbering (see above).
using CellId = uint16_t;

// Every indicator, in catalogue order (stable: new indicators are appended).
absl::Span<const Indicator> Indicators();

// Every SumBound the catalogue states.
absl::Span<const SumBound> SumBounds();

// Lookups by code; nullptr / nullopt when unknown.
const Indicator* FindIndicator(absl::string_view code);
std::optional<IndicatorId> FindIndicatorId(absl::string_view code);
const Breakdown* FindBreakdown(const Indicator& indicator,
                               absl::string_view code);
const Category* FindCategory(const Breakdown& breakdown,
                             absl::string_view code);

// The cell numbering.
struct CellKey {
  IndicatorId indicator;
  int16_t breakdown;  // index in Indicator::breakdowns, -1 for the total
  int16_t category;   // index in Breakdown::categories, -1 for the total
};

// Number of cells per territory over the whole catalogue.
CellId CellCount();
// The cell of an indicator's total.
CellId TotalCell(IndicatorId indicator);
// The cell of category `category` of breakdown `breakdown` of `indicator`.
// Indices must be valid (checked with assert).
CellId CategoryCell(IndicatorId indicator, int breakdown, int category);
// Cells of one indicator are contiguous: [FirstCell, FirstCell + CellsOf).
CellId FirstCell(IndicatorId indicator);
CellId CellsOf(IndicatorId indicator);
CellKey KeyOf(CellId cell);
// Codes of a cell (breakdown and category empty for a total).
CellRef RefOf(CellId cell);
// The cell named by codes; nullopt if any code is unknown, or if exactly one
// of breakdown and category is empty.
std::optional<CellId> FindCell(absl::string_view indicator,
                               absl::string_view breakdown,
                               absl::string_view category);

// Amount cells (cells of kEurosPerMonth indicators) are numbered densely too,
// for compact storage of amounts. nullopt for a count cell.
uint16_t AmountCellCount();
std::optional<uint16_t> AmountSlotOf(CellId cell);

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_CATALOGUE_H_
