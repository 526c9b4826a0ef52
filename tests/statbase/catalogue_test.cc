#include "statbase/catalogue.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::statbase {
namespace {

TEST(CatalogueTest, HasTheIndicatorsTheConventionNames) {
  for (const char* code :
       {"allocataires", "persons_covered", "children", "single_parent_families",
        "couples_with_children", "rsa", "aah", "housing_aid", "paje",
        "low_income", "housing_aid_amount"}) {
    EXPECT_NE(FindIndicator(code), nullptr) << code;
  }
  EXPECT_EQ(FindIndicator("nope"), nullptr);
}

TEST(CatalogueTest, CodesAreUniqueAndLabelsPresent) {
  std::set<std::string> codes;
  for (const Indicator& ind : Indicators()) {
    EXPECT_TRUE(codes.insert(std::string(ind.code)).second) << ind.code;
    EXPECT_FALSE(ind.label.empty());
    EXPECT_FALSE(ind.definition.empty());
    std::set<std::string> breakdowns;
    for (const Breakdown& b : ind.breakdowns) {
      EXPECT_TRUE(breakdowns.insert(std::string(b.code)).second);
      EXPECT_FALSE(b.label.empty());
      EXPECT_GE(b.categories.size(), 2u) << b.code;
      std::set<std::string> cats;
      for (const Category& c : b.categories) {
        EXPECT_TRUE(cats.insert(std::string(c.code)).second);
        EXPECT_FALSE(c.label.empty());
        // Codes are plain: no CSV quoting ever needed.
        EXPECT_EQ(std::string(c.code).find_first_of(",\" "), std::string::npos);
      }
    }
  }
}

TEST(CatalogueTest, BreakdownsTheIssueAsksFor) {
  const Indicator* children = FindIndicator("children");
  ASSERT_NE(children, nullptr);
  const Breakdown* age = FindBreakdown(*children, "age_band");
  ASSERT_NE(age, nullptr);
  std::vector<std::string> codes;
  for (const Category& c : age->categories) codes.emplace_back(c.code);
  EXPECT_THAT(codes, ::testing::ElementsAre("0_2", "3_5", "6_11", "12_17"));

  const Indicator* housing = FindIndicator("housing_aid");
  ASSERT_NE(housing, nullptr);
  const Breakdown* aid = FindBreakdown(*housing, "aid_type");
  ASSERT_NE(aid, nullptr);
  EXPECT_NE(FindCategory(*aid, "apl"), nullptr);
  EXPECT_NE(FindCategory(*aid, "alf"), nullptr);
  EXPECT_NE(FindCategory(*aid, "als"), nullptr);
  EXPECT_EQ(FindCategory(*aid, "APL"), nullptr);

  const Indicator* alloc = FindIndicator("allocataires");
  ASSERT_NE(alloc, nullptr);
  EXPECT_NE(FindBreakdown(*alloc, "family_type"), nullptr);
  EXPECT_NE(FindBreakdown(*alloc, "age_head"), nullptr);
  EXPECT_EQ(FindIndicator("housing_aid_amount")->unit, Unit::kEurosPerMonth);
  EXPECT_EQ(alloc->unit, Unit::kCount);
}

TEST(CatalogueTest, CellNumberingIsDenseAndConsistent) {
  CellId expected = 0;
  for (IndicatorId i = 0; i < Indicators().size(); ++i) {
    EXPECT_EQ(FirstCell(i), expected);
    EXPECT_EQ(TotalCell(i), expected);
    const Indicator& ind = Indicators()[i];
    CellId n = 1;
    for (const Breakdown& b : ind.breakdowns) n += b.categories.size();
    EXPECT_EQ(CellsOf(i), n);
    expected += n;
  }
  EXPECT_EQ(CellCount(), expected);
  for (CellId cell = 0; cell < CellCount(); ++cell) {
    const CellRef ref = RefOf(cell);
    EXPECT_EQ(FindCell(ref.indicator, ref.breakdown, ref.category), cell);
    const CellKey key = KeyOf(cell);
    if (key.breakdown >= 0) {
      EXPECT_EQ(CategoryCell(key.indicator, key.breakdown, key.category), cell);
    }
  }
}

TEST(CatalogueTest, FindCellRejectsHalfNamedCells) {
  EXPECT_EQ(FindCell("housing_aid", "aid_type", ""), std::nullopt);
  EXPECT_EQ(FindCell("housing_aid", "", "apl"), std::nullopt);
  EXPECT_EQ(FindCell("housing_aid", "aid_type", "nope"), std::nullopt);
  EXPECT_EQ(FindCell("housing_aid", "nope", "apl"), std::nullopt);
  EXPECT_EQ(FindCell("nope", "", ""), std::nullopt);
  EXPECT_NE(FindCell("housing_aid", "", ""), std::nullopt);
}

TEST(CatalogueTest, AmountSlotsOnlyForAmountIndicators) {
  uint16_t slots = 0;
  for (CellId cell = 0; cell < CellCount(); ++cell) {
    const bool amount =
        Indicators()[KeyOf(cell).indicator].unit == Unit::kEurosPerMonth;
    EXPECT_EQ(AmountSlotOf(cell).has_value(), amount);
    if (amount) {
      EXPECT_EQ(*AmountSlotOf(cell), slots++);
    }
  }
  EXPECT_EQ(AmountCellCount(), slots);
  EXPECT_GE(slots, 1);
}

TEST(CatalogueTest, RelationsNameExistingCells) {
  for (const Indicator& ind : Indicators()) {
    if (!ind.total_equals.indicator.empty()) {
      EXPECT_NE(FindCell(ind.total_equals.indicator, ind.total_equals.breakdown,
                         ind.total_equals.category),
                std::nullopt)
          << ind.code;
    }
    if (!ind.bounded_by.empty()) {
      EXPECT_NE(FindIndicator(ind.bounded_by), nullptr) << ind.code;
    }
  }
  EXPECT_EQ(FindIndicator("single_parent_families")->total_equals.category,
            "single_parent");
  EXPECT_EQ(FindIndicator("couples_with_children")->total_equals.category,
            "couple_with_children");
  EXPECT_EQ(FindIndicator("housing_aid_amount")->bounded_by, "housing_aid");
}

}  // namespace
}  // namespace ctg::statbase
