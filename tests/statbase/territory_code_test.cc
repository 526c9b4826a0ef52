#include "statbase/territory_code.h"

#include "gtest/gtest.h"

namespace ctg::statbase {
namespace {

TEST(TerritoryCodeTest, CommuneCodes) {
  for (const char* ok : {"33069", "2A004", "2B033", "97101", "01001"}) {
    EXPECT_TRUE(IsCommuneCode(ok)) << ok;
  }
  for (const char* bad :
       {"3306", "330690", "2C004", "2a004", "A3069", "3306A", "", "33 69"}) {
    EXPECT_FALSE(IsCommuneCode(bad)) << bad;
  }
}

TEST(TerritoryCodeTest, IrisCodes) {
  EXPECT_TRUE(IsIrisCode("330690101"));
  EXPECT_TRUE(IsIrisCode("2A0040000"));
  EXPECT_FALSE(IsIrisCode("33069010"));
  EXPECT_FALSE(IsIrisCode("3306901011"));
  EXPECT_FALSE(IsIrisCode("33069010A"));
  EXPECT_FALSE(IsIrisCode("2C0040000"));
  EXPECT_EQ(CommuneOfIris("330690101"), "33069");
}

TEST(TerritoryCodeTest, QpvCodes) {
  for (const char* ok :
       {"QN03302M", "QP033003", "QN02A01M", "QP02B001", "QN97101M"}) {
    EXPECT_TRUE(IsQpvCode(ok)) << ok;
  }
  for (const char* bad : {"QX03302M", "qn03302M", "QN03302m", "QN0330",
                          "QN03302MM", "QN2A001M", "QN0C301M"}) {
    EXPECT_FALSE(IsQpvCode(bad)) << bad;
  }
}

TEST(TerritoryCodeTest, PieceCodes) {
  EXPECT_TRUE(IsPieceCode("330690102+QN03302M"));
  EXPECT_FALSE(IsPieceCode("330690102-QN03302M"));
  EXPECT_FALSE(IsPieceCode("33069+QN03302M"));
  EXPECT_FALSE(IsPieceCode("330690102+QN0330"));
  EXPECT_EQ(IrisOfPiece("330690102+QN03302M"), "330690102");
  EXPECT_EQ(QpvOfPiece("330690102+QN03302M"), "QN03302M");
}

TEST(TerritoryCodeTest, LevelsAreDisjoint) {
  for (const char* code :
       {"33069", "330690101", "QN03302M", "330690102+QN03302M"}) {
    int levels = 0;
    for (TerritoryLevel level :
         {TerritoryLevel::kCommune, TerritoryLevel::kIris, TerritoryLevel::kQpv,
          TerritoryLevel::kIrisQpv}) {
      levels += HasLevelShape(level, code) ? 1 : 0;
    }
    EXPECT_EQ(levels, 1) << code;
  }
}

TEST(TerritoryCodeTest, LevelNamesRoundTrip) {
  for (TerritoryLevel level :
       {TerritoryLevel::kCommune, TerritoryLevel::kIris, TerritoryLevel::kQpv,
        TerritoryLevel::kIrisQpv}) {
    EXPECT_EQ(ParseTerritoryLevel(TerritoryLevelName(level)), level);
  }
  EXPECT_EQ(ParseTerritoryLevel("Commune"), std::nullopt);
}

}  // namespace
}  // namespace ctg::statbase
