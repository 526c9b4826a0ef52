#include "tests/attack/relations.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "statbase/catalogue.h"

namespace ctg::attack {
namespace {

// `sub` counts a sub-population of `super`'s population: at most it in total
// and, for each breakdown in `shared`, category by category.
void AddSubPopulation(const std::string& sub, const std::string& super,
                      const std::vector<std::string>& shared,
                      std::vector<Relation>& out) {
  out.push_back({absl::StrCat(sub, " <= ", super),
                 {{1, {sub, "", ""}}, {-1, {super, "", ""}}},
                 false});
  const statbase::Indicator* indicator = statbase::FindIndicator(sub);
  for (const std::string& breakdown : shared) {
    const statbase::Breakdown* b =
        indicator ? statbase::FindBreakdown(*indicator, breakdown) : nullptr;
    if (b == nullptr) {
      std::cerr << "relations.cc: " << sub << " has no breakdown " << breakdown
                << "\n";
      std::abort();
    }
    for (const statbase::Category& c : b->categories) {
      std::string cat(c.code);
      out.push_back(
          {absl::StrCat(sub, " <= ", super, " (", breakdown, "=", cat, ")"),
           {{1, {sub, breakdown, cat}}, {-1, {super, breakdown, cat}}},
           false});
    }
  }
}

std::vector<Relation> Build() {
  std::vector<Relation> out;
  // Recipients of a benefit are allocataires (foyers), counted by the same
  // family type or age of the head.
  AddSubPopulation("rsa", "allocataires", {"family_type"}, out);
  AddSubPopulation("aah", "allocataires", {"age_head"}, out);
  AddSubPopulation("housing_aid", "allocataires", {}, out);
  AddSubPopulation("paje", "allocataires", {}, out);
  AddSubPopulation("low_income", "allocataires", {"family_type"}, out);
  // Those paid a housing aid this month are among those entitled to it.
  AddSubPopulation("housing_aid_amount", "housing_aid", {"aid_type"}, out);
  // Persons covered: the allocataires, their spouses, their children and
  // other dependants.
  AddSubPopulation("allocataires", "persons_covered", {}, out);
  AddSubPopulation("children", "persons_covered", {}, out);
  out.push_back(
      {"allocataires + spouses + children <= persons_covered",
       {{1, {"allocataires", "", ""}},
        {1, {"allocataires", "family_type", "couple_without_children"}},
        {1, {"allocataires", "family_type", "couple_with_children"}},
        {1, {"children", "", ""}},
        {-1, {"persons_covered", "", ""}}},
       false});
  // Single-parent families and couples with children are allocataires of
  // that family type: the same number.
  out.push_back(
      {"single_parent_families = allocataires (family_type=single_parent)",
       {{1, {"single_parent_families", "", ""}},
        {-1, {"allocataires", "family_type", "single_parent"}}},
       true});
  out.push_back(
      {"couples_with_children = allocataires "
       "(family_type=couple_with_children)",
       {{1, {"couples_with_children", "", ""}},
        {-1, {"allocataires", "family_type", "couple_with_children"}}},
       true});
  return out;
}

}  // namespace

const std::vector<Relation>& DefinitionalRelations() {
  static const std::vector<Relation>* const relations =
      new std::vector<Relation>(Build());
  return *relations;
}

}  // namespace ctg::attack
