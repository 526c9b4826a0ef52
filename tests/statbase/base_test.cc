// The Base, its builder's cross-indicator checks, the canonical rendering and
// the digest.
#include "statbase/base.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/sha.h"
#include "statbase/base_builder.h"
#include "statbase/csv_export.h"
#include "statbase/csv_import.h"
#include "tests/statbase/fixture.h"
#include "tests/testing/status_matchers.h"

namespace ctg::statbase {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::ctg::statbase::testing;  // NOLINT: the fixture

// The digest of the fixture. It changes only if the canonical rendering
// (docs/statistics-csv-format.md) or the fixture changes: a change here is a
// change of every base version.
constexpr char kFixtureDigest[] =
    "sha256:2dba13fbf619e7f1fa163571670d02fbbeea7fbad0699cab97dd38ff8f664f5f";

Base FixtureBase() {
  absl::StatusOr<Base> base = ImportCsv(ValidCsv(), {.period = kPeriod});
  EXPECT_TRUE(base.ok()) << base.status();
  return *std::move(base);
}

TEST(BaseTest, Territories) {
  const Base base = FixtureBase();
  std::vector<std::string> codes;
  for (TerritoryId id : base.sorted_territories()) {
    codes.push_back(base.territory(id).code);
  }
  EXPECT_THAT(codes,
              ElementsAre("33069", "330690101", "330690101+QN03302M",
                          "330690102", "330690102+QN03302M", "QN03302M"));

  const TerritoryId commune = *base.FindTerritory("33069");
  const TerritoryId iris1 = *base.FindTerritory("330690101");
  const TerritoryId iris2 = *base.FindTerritory("330690102");
  const TerritoryId qpv = *base.FindTerritory("QN03302M");
  const TerritoryId piece1 = *base.FindTerritory("330690101+QN03302M");
  const TerritoryId piece2 = *base.FindTerritory("330690102+QN03302M");
  EXPECT_EQ(base.FindTerritory("33070"), std::nullopt);
  EXPECT_EQ(base.FindTerritory(""), std::nullopt);

  EXPECT_EQ(base.territory(commune).level, TerritoryLevel::kCommune);
  EXPECT_EQ(base.territory(commune).name, "Le Bouscat");
  EXPECT_EQ(base.territory(commune).commune, kNoTerritory);
  EXPECT_THAT(base.territory(commune).parts, ElementsAre(iris1, iris2));
  EXPECT_EQ(base.territory(iris1).commune, commune);
  EXPECT_THAT(base.territory(iris1).parts, ElementsAre(piece1));
  EXPECT_EQ(base.territory(qpv).commune, commune);
  EXPECT_THAT(base.territory(qpv).parts, ElementsAre(piece1, piece2));
  EXPECT_EQ(base.territory(piece2).iris, iris2);
  EXPECT_EQ(base.territory(piece2).qpv, qpv);
  EXPECT_EQ(base.territory(piece2).commune, commune);
  EXPECT_EQ(base.territory(piece2).level, TerritoryLevel::kIrisQpv);
}

TEST(BaseTest, Values) {
  const Base base = FixtureBase();
  EXPECT_THAT(base.indicators(),
              ElementsAre(*FindIndicatorId("housing_aid"),
                          *FindIndicatorId("housing_aid_amount")));
  EXPECT_TRUE(base.has_indicator(*FindIndicatorId("housing_aid")));
  EXPECT_FALSE(base.has_indicator(*FindIndicatorId("allocataires")));
  const TerritoryId qpv = *base.FindTerritory("QN03302M");
  EXPECT_EQ(base.Value(qpv, *FindCell("housing_aid", "aid_type", "alf")),
            (CellValue{4, 0}));
  EXPECT_EQ(base.Value(qpv, *FindCell("housing_aid_amount", "", "")),
            (CellValue{29, 7300}));
  EXPECT_EQ(base.Value(qpv, *FindCell("allocataires", "", "")), std::nullopt);

  CTG_ASSERT_OK_AND_ASSIGN(CellValue v,
                           base.Find("33069", "housing_aid", "", ""));
  EXPECT_EQ(v.count, 160u);
  EXPECT_THAT(base.Find("33070", "housing_aid", "", ""),
              StatusIs(absl::StatusCode::kNotFound,
                       "territory 33070 is not in the base for 2023"));
  EXPECT_THAT(base.Find("33069", "allocataires", "", ""),
              StatusIs(absl::StatusCode::kNotFound,
                       "indicator \"allocataires\" is not in the base for "
                       "2023"));
  EXPECT_THAT(base.Find("33069", "housing_aid", "aid_type", "x"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("catalogue")));
  EXPECT_EQ(base.row_count(), 48);
  EXPECT_GT(base.memory_bytes(), 0u);
}

TEST(BaseTest, CanonicalCsvIsSortedAndReimports) {
  const Base base = FixtureBase();
  const std::string canonical = CanonicalCsv(base);
  std::vector<std::string> lines = absl::StrSplit(canonical, '\n');
  ASSERT_EQ(lines.size(), 50u);  // header, 48 rows, "" after the last LF
  EXPECT_EQ(lines[0], csv::kHeader);
  EXPECT_EQ(lines[1], "2023,commune,33069,Le Bouscat,,housing_aid,,,160,");
  EXPECT_EQ(lines[8],
            "2023,commune,33069,Le Bouscat,,housing_aid_amount,aid_type,als,"
            "28,6000");
  EXPECT_EQ(lines[17],
            "2023,iris_qpv,330690101+QN03302M,Centre / Champ de "
            "courses,33069,housing_aid,,,10,");
  EXPECT_EQ(lines[48],
            "2023,qpv,QN03302M,Champ de courses,33069,housing_aid_amount,"
            "aid_type,als,3,700");
  EXPECT_EQ(lines[49], "");
  CTG_ASSERT_OK_AND_ASSIGN(Base again,
                           ImportCsv(canonical, {.period = kPeriod}));
  EXPECT_EQ(CanonicalCsv(again), canonical);
  EXPECT_EQ(again.digest(), base.digest());
}

TEST(BaseTest, CanonicalCsvQuotesWhereNeeded) {
  std::vector<Row> rows = Rows();
  for (int i = 0; i < 8; ++i) {
    rows[i][csv::kTerritoryName] = "\"Le Bouscat, \"\"ville\"\"\"";
  }
  CTG_ASSERT_OK_AND_ASSIGN(Base base,
                           ImportCsv(Render(rows), {.period = kPeriod}));
  const std::string canonical = CanonicalCsv(base);
  EXPECT_THAT(canonical, HasSubstr("\n2023,commune,33069,\"Le Bouscat, "
                                   "\"\"ville\"\"\",,housing_aid,,,160,\n"));
  CTG_ASSERT_OK_AND_ASSIGN(Base again,
                           ImportCsv(canonical, {.period = kPeriod}));
  EXPECT_EQ(again.digest(), base.digest());
}

TEST(BaseTest, DigestIsSha256OfTheCanonicalCsv) {
  const Base base = FixtureBase();
  const std::string canonical = CanonicalCsv(base);
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()),
         canonical.size(), md);
  EXPECT_EQ(base.digest(),
            absl::StrCat("sha256:",
                         absl::BytesToHexString(absl::string_view(
                             reinterpret_cast<const char*>(md), sizeof md))));
}

TEST(BaseTest, DigestIsStable) {
  EXPECT_EQ(FixtureBase().digest(), kFixtureDigest);
}

TEST(BaseTest, DigestIgnoresPresentationButNotContent) {
  const std::string digest = FixtureBase().digest();
  // Row order, CRLF, BOM, needless quotes, leading zeros: same base.
  std::vector<Row> rows = Rows();
  std::rotate(rows.begin(), rows.begin() + 13, rows.end());
  rows[3][csv::kCount] = absl::StrCat("00", rows[3][csv::kCount]);
  for (Row& r : rows)
    r[csv::kTerritoryName] = "\"" + r[csv::kTerritoryName] + "\"";
  CTG_ASSERT_OK_AND_ASSIGN(
      Base same, ImportCsv(absl::StrCat(csv::kBom, Render(rows, "\r\n")),
                           {.period = kPeriod}));
  EXPECT_EQ(same.digest(), digest);

  // A name, a period or a figure: another base.
  rows = Rows();
  for (int i = kIris2; i < kIris2 + 8; ++i) rows[i][csv::kTerritoryName] = "X";
  CTG_ASSERT_OK_AND_ASSIGN(Base renamed,
                           ImportCsv(Render(rows), {.period = kPeriod}));
  EXPECT_NE(renamed.digest(), digest);

  rows = Rows();
  for (Row& r : rows) r[csv::kPeriod] = "2024";
  CTG_ASSERT_OK_AND_ASSIGN(Base other_period,
                           ImportCsv(Render(rows), {.period = "2024"}));
  EXPECT_NE(other_period.digest(), digest);

  rows = Rows();  // move one contributor's euros from apl to als in IRIS 1,
  for (int row : {kCommune, kIris1}) {  // and so in the commune
    rows[row + kAmountApl][csv::kAmountEur] =
        absl::StrCat(std::stol(rows[row + kAmountApl][csv::kAmountEur]) - 1);
    rows[row + kAmountAls][csv::kAmountEur] =
        absl::StrCat(std::stol(rows[row + kAmountAls][csv::kAmountEur]) + 1);
  }
  CTG_ASSERT_OK_AND_ASSIGN(Base moved,
                           ImportCsv(Render(rows), {.period = kPeriod}));
  EXPECT_NE(moved.digest(), digest);
}

// ---------------------------------------------------------------------------
// The builder, used directly (ctg-synth, stores).

// Sets every cell of `indicator` for `t`, in catalogue order.
void SetAll(BaseBuilder& b, TerritoryId t, absl::string_view indicator,
            const std::vector<uint32_t>& counts) {
  const IndicatorId ind = *FindIndicatorId(indicator);
  ASSERT_EQ(counts.size(), CellsOf(ind));
  for (CellId k = 0; k < CellsOf(ind); ++k) {
    b.SetCell(t, FirstCell(ind) + k, counts[k], 0, 0);
  }
}

TEST(BaseBuilderTest, BadPeriod) {
  EXPECT_THAT(BaseBuilder::Create("2023-1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "period \"2023-1\" is neither YYYY nor YYYY-MM"));
}

TEST(BaseBuilderTest, TotalEqualsRelation) {
  // allocataires: total, 4 family types, 6 age bands.
  const std::vector<uint32_t> alloc = {10, 3, 2, 1, 4, 1, 1, 2, 2, 2, 2};
  {
    CTG_ASSERT_OK_AND_ASSIGN(BaseBuilder b, BaseBuilder::Create("2023"));
    const TerritoryId t = *b.AddTerritory(
        {TerritoryLevel::kCommune, "33069", "Le Bouscat", ""}, 0);
    SetAll(b, t, "allocataires", alloc);
    SetAll(b, t, "single_parent_families", {4, 2, 1, 1});
    EXPECT_THAT(b.Build("test"), IsOk());
  }
  CTG_ASSERT_OK_AND_ASSIGN(BaseBuilder b, BaseBuilder::Create("2023"));
  const TerritoryId t =
      *b.AddTerritory({TerritoryLevel::kCommune, "33069", "Le Bouscat", ""}, 0);
  SetAll(b, t, "allocataires", alloc);
  SetAll(b, t, "single_parent_families", {5, 2, 2, 1});
  EXPECT_THAT(b.Build("test"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "test: 1 error\nterritory 33069: indicator "
                       "\"single_parent_families\" is 5, but indicator "
                       "\"allocataires\", breakdown \"family_type\", "
                       "category \"single_parent\" is 4"));
}

TEST(BaseBuilderTest, BoundedByRelation) {
  CTG_ASSERT_OK_AND_ASSIGN(BaseBuilder b, BaseBuilder::Create("2023"));
  const TerritoryId t =
      *b.AddTerritory({TerritoryLevel::kCommune, "33069", "Le Bouscat", ""}, 0);
  SetAll(b, t, "allocataires", {10, 3, 2, 1, 4, 1, 1, 2, 2, 2, 2});
  // More RSA recipients than allocataires among couples without children.
  SetAll(b, t, "rsa", {6, 1, 3, 0, 2});
  EXPECT_THAT(b.Build("test"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "test: 1 error\nterritory 33069, indicator \"rsa\", "
                       "breakdown \"family_type\", category "
                       "\"couple_without_children\": 3 exceeds indicator "
                       "\"allocataires\", breakdown \"family_type\", "
                       "category \"couple_without_children\" (2)"));
}

// Persons covered are at least the allocataires, one spouse per couple and
// the children (catalogue SumBound): 10 + (2 + 1) + 6 = 19.
TEST(BaseBuilderTest, SumBoundOfPersonsCovered) {
  for (uint32_t persons : {18u, 19u}) {
    SCOPED_TRACE(persons);
    CTG_ASSERT_OK_AND_ASSIGN(BaseBuilder b, BaseBuilder::Create("2023"));
    const TerritoryId t = *b.AddTerritory(
        {TerritoryLevel::kCommune, "33069", "Le Bouscat", ""}, 0);
    SetAll(b, t, "allocataires", {10, 3, 2, 1, 4, 1, 1, 2, 2, 2, 2});
    SetAll(b, t, "children", {6, 1, 2, 2, 1});
    SetAll(b, t, "persons_covered", {persons});
    if (persons == 19) {
      EXPECT_THAT(b.Build("test"), IsOk());
      continue;
    }
    EXPECT_THAT(
        b.Build("test"),
        StatusIs(
            absl::StatusCode::kInvalidArgument,
            "test: 1 error\nterritory 33069: indicator \"allocataires\" + "
            "indicator "
            "\"allocataires\", breakdown \"family_type\", category "
            "\"couple_without_children\" + indicator \"allocataires\", "
            "breakdown "
            "\"family_type\", category \"couple_with_children\" + indicator "
            "\"children\" is 19, more than indicator \"persons_covered\" "
            "(18)"));
  }
}

TEST(BaseBuilderTest, RelationsIgnoreAbsentIndicators) {
  // rsa alone: its bound (allocataires) is not in the base.
  CTG_ASSERT_OK_AND_ASSIGN(BaseBuilder b, BaseBuilder::Create("2023"));
  const TerritoryId t =
      *b.AddTerritory({TerritoryLevel::kCommune, "33069", "Le Bouscat", ""}, 0);
  SetAll(b, t, "rsa", {6, 1, 3, 0, 2});
  EXPECT_THAT(b.Build("test"), IsOk());
}

// Sets every cell of `indicator`, cell k on line first_line + k.
void SetAllOnLines(BaseBuilder& b, TerritoryId t, absl::string_view indicator,
                   const std::vector<uint32_t>& counts, int64_t first_line) {
  const IndicatorId ind = *FindIndicatorId(indicator);
  ASSERT_EQ(counts.size(), CellsOf(ind));
  for (CellId k = 0; k < CellsOf(ind); ++k) {
    b.SetCell(t, FirstCell(ind) + k, counts[k], 0, first_line + k);
  }
}

TEST(BaseBuilderTest, RelationErrorsNameTheLinesOfBothCells) {
  // allocataires on lines 2-12 (single_parent is line 6), then
  // single_parent_families on lines 13-16 and rsa on lines 17-21.
  CTG_ASSERT_OK_AND_ASSIGN(BaseBuilder b, BaseBuilder::Create("2023"));
  const TerritoryId t =
      *b.AddTerritory({TerritoryLevel::kCommune, "33069", "Le Bouscat", ""}, 2);
  SetAllOnLines(b, t, "allocataires", {10, 3, 2, 1, 4, 1, 1, 2, 2, 2, 2}, 2);
  SetAllOnLines(b, t, "single_parent_families", {5, 2, 2, 1}, 13);
  SetAllOnLines(b, t, "rsa", {6, 1, 3, 0, 2}, 17);
  EXPECT_THAT(
      b.Build("test"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          "test: 2 errors\n"
          "line 13: territory 33069: indicator \"single_parent_families\" is "
          "5, but "
          "indicator \"allocataires\", breakdown \"family_type\", category "
          "\"single_parent\" is 4 (line 6)\n"
          "line 19: territory 33069, indicator \"rsa\", breakdown "
          "\"family_type\", "
          "category \"couple_without_children\": 3 exceeds indicator "
          "\"allocataires\", "
          "breakdown \"family_type\", category \"couple_without_children\" (2, "
          "line 4)"));
}

TEST(BaseBuilderTest, BoundsFollowTheChainPastAbsentIndicators) {
  // rsa <= allocataires <= persons_covered: without allocataires in the
  // base, rsa is still bounded by persons_covered.
  CTG_ASSERT_OK_AND_ASSIGN(BaseBuilder b, BaseBuilder::Create("2023"));
  const TerritoryId t =
      *b.AddTerritory({TerritoryLevel::kCommune, "33069", "Le Bouscat", ""}, 0);
  SetAll(b, t, "persons_covered", {5});
  SetAll(b, t, "rsa", {6, 1, 3, 0, 2});
  EXPECT_THAT(
      b.Build("test"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "test: 1 error\nterritory 33069, indicator \"rsa\": 6 exceeds "
               "indicator \"persons_covered\" (5)"));
}

TEST(BaseBuilderTest, SetCellChecks) {
  CTG_ASSERT_OK_AND_ASSIGN(BaseBuilder b, BaseBuilder::Create("2023"));
  const TerritoryId t =
      *b.AddTerritory({TerritoryLevel::kCommune, "33069", "Le Bouscat", ""}, 7);
  const CellId total = *FindCell("housing_aid", "", "");
  const CellId amount = *FindCell("housing_aid_amount", "", "");
  EXPECT_FALSE(b.SetCell(t, total, kMaxCount + 1, 0, 8));
  EXPECT_FALSE(b.SetCell(t, total, 1, 5, 9));
  EXPECT_FALSE(b.SetCell(t, amount, 1, -5, 10));
  EXPECT_FALSE(b.SetCell(t, amount, 1, kMaxAmount + 1, 11));
  EXPECT_TRUE(b.SetCell(t, total, 1, 0, 12));
  EXPECT_FALSE(b.SetCell(t, total, 1, 0, 13));
  EXPECT_THAT(
      b.errors().kept(),
      ElementsAre(
          ImportError{8, "count",
                      "4000000001 is too large (maximum 4000000000)"},
          ImportError{9, "amount_eur", "must be empty for a count indicator"},
          ImportError{10, "amount_eur",
                      "-5 is out of range (0 to 1000000000000000)"},
          ImportError{11, "amount_eur",
                      "1000000000000001 is out of range (0 to "
                      "1000000000000000)"},
          ImportError{13, "",
                      "duplicate row for territory 33069, indicator "
                      "\"housing_aid\""}));
}

TEST(ErrorListTest, KeepsTheFirstAndCountsTheRest) {
  ErrorList list(2);
  EXPECT_THAT(list.ToStatus("x"), IsOk());
  list.Add(3, "count", "bad");
  EXPECT_THAT(list.ToStatus("f"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "f: 1 error\nline 3, field \"count\": bad"));
  list.Add(4, "", "worse");
  list.Add(0, "", "whole");
  list.Add(0, "", "whole again");
  EXPECT_EQ(list.total(), 4);
  EXPECT_THAT(list.ToStatus("f"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "f: 4 errors\nline 3, field \"count\": bad\nline 4: "
                       "worse\n... and 2 more errors"));
  EXPECT_EQ((ImportError{0, "", "whole"}).ToString(), "whole");
}

}  // namespace
}  // namespace ctg::statbase
