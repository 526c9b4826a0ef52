// Each primary rule on its own (R6, R7, derived figures, singletons).
#include "policy/sdc/rules.h"

#include "gtest/gtest.h"

namespace ctg::policy::sdc {
namespace {

TEST(RulesTest, R6TerritoryThreshold) {
  SdcConfig c;
  EXPECT_TRUE(IsExcludedTerritory(0, c));
  EXPECT_TRUE(IsExcludedTerritory(99, c));
  EXPECT_FALSE(IsExcludedTerritory(100, c));
  EXPECT_FALSE(IsExcludedTerritory(-1, c));  // rule does not apply
  c.territory_threshold = 200;
  EXPECT_TRUE(IsExcludedTerritory(150, c));
}

TEST(RulesTest, R7FrequencyMasksOneToFourAndZerosOnlyOnRequest) {
  SdcConfig c;
  EXPECT_FALSE(IsSmallCount(0, c));
  for (int v = 1; v <= 4; ++v) EXPECT_TRUE(IsSmallCount(v, c)) << v;
  EXPECT_FALSE(IsSmallCount(5, c));
  c.mask_zeros = true;
  EXPECT_TRUE(IsSmallCount(0, c));
  c.frequency_threshold = 10;
  EXPECT_TRUE(IsSmallCount(9, c));
}

TEST(RulesTest, R7DerivedFiguresUseTheFrequencyThreshold) {
  SdcConfig c;
  EXPECT_TRUE(IsDerivedFigureMasked(4, c));
  EXPECT_FALSE(IsDerivedFigureMasked(5, c));
  EXPECT_FALSE(IsDerivedFigureMasked(0, c));
  c.frequency_threshold = 10;  // one R7 threshold, counts and contributors
  EXPECT_TRUE(IsDerivedFigureMasked(9, c));
  EXPECT_FALSE(IsDerivedFigureMasked(10, c));
}

TEST(RulesTest, R6OnACellCoversPiecesOnlyWhenAsked) {
  SdcConfig c;
  Cell cell;
  cell.territory_population = 99;
  EXPECT_TRUE(IsExcludedCell(cell, c));
  cell.piece = true;
  EXPECT_TRUE(IsExcludedCell(cell, c));
  c.protect_small_pieces = false;
  EXPECT_FALSE(IsExcludedCell(cell, c));
  cell.piece = false;
  cell.territory_population = 100;
  EXPECT_FALSE(IsExcludedCell(cell, c));
}

// R7 whatever the territory: counts in a count block, contributors in an
// amount block; a cell of an excluded territory may be one too.
TEST(RulesTest, SmallFigureIsR7OnCountsAndDerivedFigures) {
  SdcConfig config;
  Block count{{"N", "2023"}, IndicatorKind::kCount, false, 0, 1, 0, 1};
  Block amount = count;
  amount.kind = IndicatorKind::kAmount;
  Cell cell;
  cell.territory_population = 50;  // R6 excludes it
  for (int64_t v : {1, 4}) {
    cell.value = v;
    EXPECT_TRUE(IsSmallFigure(cell, count, config)) << v;
    EXPECT_TRUE(IsSmallFigure(cell, amount, config)) << v;
  }
  for (int64_t v : {0, 5, 120}) {
    cell.value = v;
    EXPECT_FALSE(IsSmallFigure(cell, count, config)) << v;
    EXPECT_FALSE(IsSmallFigure(cell, amount, config)) << v;
  }
  config.mask_zeros = true;
  cell.value = 0;
  EXPECT_TRUE(IsSmallFigure(cell, count, config));
  EXPECT_TRUE(IsSmallFigure(cell, amount, config));
}

TEST(RulesTest, ClassifyPrimaryOrder) {
  SdcConfig config;
  Block count{{"N", "2023"}, IndicatorKind::kCount, false, 0, 1, 0, 1};
  Block amount = count;
  amount.kind = IndicatorKind::kAmount;
  Cell cell;
  cell.value = 3;
  cell.territory_population = 50;
  EXPECT_EQ(ClassifyPrimary(cell, count, config),
            PrimaryReason::kExcludedTerritory);
  cell.territory_population = 500;
  EXPECT_EQ(ClassifyPrimary(cell, count, config), PrimaryReason::kSmallCount);
  EXPECT_EQ(ClassifyPrimary(cell, amount, config),
            PrimaryReason::kDerivedFigure);
  cell.value = 12;
  cell.amount = 1000;
  EXPECT_EQ(ClassifyPrimary(cell, amount, config), PrimaryReason::kNone);
  // A small hidden piece is protected by R6 only with protect_small_pieces.
  cell.piece = true;
  cell.territory_population = 40;
  EXPECT_EQ(ClassifyPrimary(cell, count, config),
            PrimaryReason::kExcludedTerritory);
  config.protect_small_pieces = false;
  EXPECT_EQ(ClassifyPrimary(cell, count, config), PrimaryReason::kNone);
}

TEST(RulesTest, SingletonRows) {
  SdcConfig c;
  EXPECT_TRUE(IsSingletonRow({0, 1, true}, c));
  EXPECT_FALSE(IsSingletonRow({0, 2, true}, c));
  EXPECT_FALSE(IsSingletonRow({0, 0, true}, c));
  EXPECT_TRUE(IsSingletonRow({0, 1, false}, c));  // unknown, bounded by 1
  c.mask_zeros = true;
  EXPECT_TRUE(IsSingletonRow({0, 0, true}, c));
  EXPECT_FALSE(IsSingletonRow({0, 1, true}, c));
}

}  // namespace
}  // namespace ctg::policy::sdc
