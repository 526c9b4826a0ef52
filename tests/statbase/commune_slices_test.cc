// The per-commune slices of a base, in particular a QPV straddling two
// communes: each commune's slice must re-import on its own, with the QPV
// restricted to that commune's pieces.
#include "statbase/commune_slices.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "statbase/csv_export.h"
#include "statbase/csv_import.h"
#include "tests/statbase/fixture.h"
#include "tests/testing/status_matchers.h"

namespace ctg::statbase {
namespace {

using ::ctg::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::Pair;
using namespace ::ctg::statbase::testing;  // NOLINT: the fixture

ImportOptions Options() { return {.period = kPeriod}; }

// The fixture with IRIS 330690102 moved to Eysines (as 331620101): the QPV
// QN03302M, attached to Le Bouscat, now straddles both communes.
std::vector<Row> StraddlingRows() {
  std::vector<Row> rows = Rows();
  for (int i = 0; i < 8; ++i) {
    rows[kCommune + i][csv::kCount] = rows[kIris1 + i][csv::kCount];
    rows[kCommune + i][csv::kAmountEur] = rows[kIris1 + i][csv::kAmountEur];
    rows[kIris2 + i][csv::kTerritoryCode] = "331620101";
    rows[kIris2 + i][csv::kParentCommune] = "33162";
    rows[kPiece2 + i][csv::kTerritoryCode] = "331620101+QN03302M";
    rows[kPiece2 + i][csv::kParentCommune] = "33162";
  }
  for (int i = 0; i < 8; ++i) {
    Row eysines = rows[kIris2 + i];
    eysines[csv::kTerritoryLevel] = "commune";
    eysines[csv::kTerritoryCode] = "33162";
    eysines[csv::kTerritoryName] = "Eysines";
    eysines[csv::kParentCommune] = "";
    rows.push_back(eysines);
  }
  return rows;
}

std::map<std::string, std::string> Slices(const Base& base) {
  std::map<std::string, std::string> slices;
  WriteCommuneSlices(
      base, [&](absl::string_view commune, absl::string_view rows) {
        slices[std::string(commune)].append(rows.data(), rows.size());
      });
  return slices;
}

TEST(CommuneSlicesTest, SlicesOfOneCommuneReimportToTheSameBase) {
  CTG_ASSERT_OK_AND_ASSIGN(Base base, ImportCsv(ValidCsv(), Options()));
  const std::map<std::string, std::string> slices = Slices(base);
  ASSERT_EQ(slices.size(), 1u);
  CTG_ASSERT_OK_AND_ASSIGN(
      Base again,
      ImportCsv(absl::StrCat(csv::kHeader, "\n", slices.at("33069")),
                Options()));
  EXPECT_EQ(again.digest(), base.digest());
}

TEST(CommuneSlicesTest, AStraddlingQpvIsRestrictedToEachCommunesPieces) {
  CTG_ASSERT_OK_AND_ASSIGN(Base base,
                           ImportCsv(Render(StraddlingRows()), Options()));
  const std::map<std::string, std::string> slices = Slices(base);
  ASSERT_EQ(slices.size(), 2u);

  CTG_ASSERT_OK_AND_ASSIGN(
      Base bouscat,
      ImportCsv(absl::StrCat(csv::kHeader, "\n", slices.at("33069")),
                Options()));
  CTG_ASSERT_OK_AND_ASSIGN(
      Base eysines,
      ImportCsv(absl::StrCat(csv::kHeader, "\n", slices.at("33162")),
                Options()));

  // Each commune's QPV is the sum of its own pieces, with itself as parent.
  for (const auto& [part, piece, commune] :
       {std::tuple<const Base*, const char*, const char*>{
            &bouscat, "330690101+QN03302M", "33069"},
        {&eysines, "331620101+QN03302M", "33162"}}) {
    const TerritoryId qpv = *part->FindTerritory("QN03302M");
    EXPECT_EQ(part->territory(part->territory(qpv).commune).code, commune);
    EXPECT_EQ(part->territory(qpv).name, "Champ de courses");
    for (CellId cell = 0; cell < CellCount(); ++cell) {
      if (!part->has_indicator(KeyOf(cell).indicator)) continue;
      EXPECT_EQ(*part->Value(qpv, cell),
                *base.Value(*base.FindTerritory(piece), cell))
          << commune << " " << DescribeCell(cell);
    }
  }
  // Le Bouscat's part: 10 housing aid recipients; Eysines's: 20.
  EXPECT_EQ(bouscat.Find("QN03302M", "housing_aid", "", "")->count, 10u);
  EXPECT_EQ(eysines.Find("QN03302M", "housing_aid", "", "")->count, 20u);
}

TEST(CommuneSlicesTest,
     CommuneTerritoryCodesIncludeEveryQpvWithAPieceInTheCommune) {
  CTG_ASSERT_OK_AND_ASSIGN(Base base,
                           ImportCsv(Render(StraddlingRows()), Options()));
  EXPECT_THAT(CommuneTerritoryCodes(base, "33069"),
              ElementsAre("33069", "330690101", "QN03302M"));
  EXPECT_THAT(CommuneTerritoryCodes(base, "33162"),
              ElementsAre("33162", "331620101", "QN03302M"));
  EXPECT_THAT(CommuneTerritoryCodes(base, "33063"), ElementsAre());
  EXPECT_THAT(CommuneTerritoryCodes(base, "QN03302M"), ElementsAre());
}

TEST(CommuneSlicesTest, QpvPartsGroupPiecesByCommune) {
  CTG_ASSERT_OK_AND_ASSIGN(Base base,
                           ImportCsv(Render(StraddlingRows()), Options()));
  const std::vector<QpvPart> parts =
      QpvParts(base, *base.FindTerritory("QN03302M"));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(base.territory(parts[0].commune).code, "33069");
  EXPECT_EQ(base.territory(parts[1].commune).code, "33162");
  ASSERT_EQ(parts[1].pieces.size(), 1u);
  EXPECT_EQ(base.territory(parts[1].pieces[0]).code, "331620101+QN03302M");
}

}  // namespace
}  // namespace ctg::statbase
