// The relations between indicators that a reader knows from the indicators'
// definitions (docs/statistics-csv-format.md, domain.md "The reader knows
// more than the table"), written independently of the engine: every one is a
// linear (in)equality between cells of one area (a piece of the commune's
// geography), so it holds in every territory, which is a sum of areas.
//
// relations_test.cc checks that every relation the catalogue declares
// (bounded_by, total_equals) is in this list.
//
// Immutable static data; thread-safe.
#ifndef CTG_TESTS_ATTACK_RELATIONS_H_
#define CTG_TESTS_ATTACK_RELATIONS_H_

#include <string>
#include <vector>

namespace ctg::attack {

// A cell of an indicator by codes; breakdown and category empty for the
// total.
struct CellName {
  std::string indicator;
  std::string breakdown;
  std::string category;
  friend bool operator==(const CellName&, const CellName&) = default;
};

struct Term {
  int coefficient = 1;
  CellName cell;
};

// sum(coefficient × count) <= 0, or == 0 when `equality`. Counts are the
// cells' counts (for an amount indicator: its contributors).
struct Relation {
  std::string name;
  std::vector<Term> terms;
  bool equality = false;
  // True by definition but not declared by the catalogue (bounded_by,
  // total_equals): an engine modelling only the catalogue misses it.
  bool beyond_catalogue = false;
};

// Every relation, expanded: a sub-population bound yields one relation for
// the total and one per category of each breakdown both indicators share.
const std::vector<Relation>& DefinitionalRelations();

}  // namespace ctg::attack

#endif  // CTG_TESTS_ATTACK_RELATIONS_H_
