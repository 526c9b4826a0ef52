// The attacker's relations cannot silently fall behind the catalogue: every
// relation the catalogue declares must be in DefinitionalRelations().
#include "tests/attack/relations.h"

#include <algorithm>
#include <string>

#include "gtest/gtest.h"
#include "statbase/catalogue.h"

namespace ctg::attack {
namespace {

bool SameTerms(const Relation& r, const std::vector<Term>& terms) {
  if (r.terms.size() != terms.size()) return false;
  return std::all_of(terms.begin(), terms.end(), [&](const Term& t) {
    return std::any_of(r.terms.begin(), r.terms.end(), [&](const Term& u) {
      return u.coefficient == t.coefficient && u.cell == t.cell;
    });
  });
}

bool Listed(const std::vector<Term>& terms, bool equality) {
  const auto& all = DefinitionalRelations();
  return std::any_of(all.begin(), all.end(), [&](const Relation& r) {
    return r.equality == equality && SameTerms(r, terms);
  });
}

std::string Str(absl::string_view s) { return std::string(s); }

TEST(AttackRelationsTest,
     EveryCatalogueBoundIsListedForTotalAndSharedCategories) {
  int checked = 0;
  for (const statbase::Indicator& ind : statbase::Indicators()) {
    if (ind.bounded_by.empty()) continue;
    const std::string sub = Str(ind.code), super = Str(ind.bounded_by);
    EXPECT_TRUE(Listed({{1, {sub, "", ""}}, {-1, {super, "", ""}}}, false))
        << sub << " <= " << super << " (total) is missing";
    const statbase::Indicator* big = statbase::FindIndicator(ind.bounded_by);
    ASSERT_NE(big, nullptr) << ind.bounded_by;
    for (const statbase::Breakdown& b : ind.breakdowns) {
      if (statbase::FindBreakdown(*big, b.code) == nullptr) continue;
      for (const statbase::Category& c : b.categories) {
        EXPECT_TRUE(Listed({{1, {sub, Str(b.code), Str(c.code)}},
                            {-1, {super, Str(b.code), Str(c.code)}}},
                           false))
            << sub << " <= " << super << " (" << b.code << "=" << c.code
            << ") is missing";
      }
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(AttackRelationsTest, EveryCatalogueIdentityIsListed) {
  int checked = 0;
  for (const statbase::Indicator& ind : statbase::Indicators()) {
    if (ind.total_equals.indicator.empty()) continue;
    EXPECT_TRUE(Listed(
        {{1, {Str(ind.code), "", ""}},
         {-1,
          {Str(ind.total_equals.indicator), Str(ind.total_equals.breakdown),
           Str(ind.total_equals.category)}}},
        true))
        << ind.code << " = " << ind.total_equals.indicator << " is missing";
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(AttackRelationsTest, EveryCatalogueSumBoundIsListed) {
  ASSERT_FALSE(statbase::SumBounds().empty());
  for (const statbase::SumBound& bound : statbase::SumBounds()) {
    std::vector<Term> terms;
    for (const statbase::CellRef& t : bound.terms) {
      terms.push_back(
          {1, {Str(t.indicator), Str(t.breakdown), Str(t.category)}});
    }
    terms.push_back({-1, {Str(bound.population), "", ""}});
    EXPECT_TRUE(Listed(terms, false))
        << "sum bound of " << bound.population << " is missing";
  }
}

TEST(AttackRelationsTest, EveryRelationNamesCatalogueCells) {
  for (const Relation& r : DefinitionalRelations()) {
    for (const Term& t : r.terms) {
      EXPECT_TRUE(statbase::FindCell(t.cell.indicator, t.cell.breakdown,
                                     t.cell.category))
          << r.name << ": " << t.cell.indicator << "/" << t.cell.breakdown
          << "/" << t.cell.category;
    }
  }
}

}  // namespace
}  // namespace ctg::attack
