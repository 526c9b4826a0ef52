// CellKey: the identity of one figure of the statistical base, stable across
// releases and base versions, so that the memory of past releases can find a
// cell again: (territory, period, indicator, breakdown, category).
//
// An indicator's total has an empty breakdown and an empty category. Territory
// codes are INSEE codes (commune "33069", IRIS "330690101", QPV "QN03301M");
// internal pieces of the common refinement (IRIS ∩ QPV, IRIS minus its QPV
// parts) get codes made by the table builder and are never released.
//
// CellKey is a plain value type: copyable, comparable, hashable (absl), no
// invariants beyond "indicator and period are non-empty" which the table model
// checks. Thread-compatible.
#ifndef CTG_POLICY_SDC_CELL_KEY_H_
#define CTG_POLICY_SDC_CELL_KEY_H_

#include <compare>
#include <string>
#include <utility>

namespace ctg::policy::sdc {

struct CellKey {
  std::string territory;
  std::string period;
  std::string indicator;
  std::string breakdown;  // empty for the indicator's total
  std::string category;   // empty iff breakdown is empty

  bool is_total() const { return breakdown.empty(); }

  // "territory/period/indicator/breakdown=category" (or ".../indicator" for a
  // total): for error messages and previews, not for parsing.
  std::string ToString() const;

  friend auto operator<=>(const CellKey&, const CellKey&) = default;
  friend bool operator==(const CellKey&, const CellKey&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const CellKey& k) {
    return H::combine(std::move(h), k.territory, k.period, k.indicator,
                      k.breakdown, k.category);
  }
};

// The block a cell belongs to: one indicator over one period. Blocks share no
// inner cell (different indicators are treated as independent statistics).
struct BlockKey {
  std::string indicator;
  std::string period;

  friend auto operator<=>(const BlockKey&, const BlockKey&) = default;
  friend bool operator==(const BlockKey&, const BlockKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const BlockKey& k) {
    return H::combine(std::move(h), k.indicator, k.period);
  }
};

inline BlockKey BlockOf(const CellKey& k) { return {k.indicator, k.period}; }

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_CELL_KEY_H_
