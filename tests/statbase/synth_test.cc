// ctg-synth's generator: its output passes the importer, is deterministic and
// has the shape the demo needs.
#include "tools/ctg-synth/synth.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "statbase/csv_export.h"
#include "statbase/csv_import.h"
#include "tests/testing/status_matchers.h"

namespace ctg::synth {
namespace {

using ::ctg::testing::StatusIs;
using statbase::Base;
using statbase::CellId;
using statbase::TerritoryId;
using statbase::TerritoryLevel;

// The digest of the demo for the default seed and 2023. It changes only when
// the generator's model changes on purpose (then update it, and say so).
constexpr char kDemo2023Digest[] =
    "sha256:61e9fe7ff8a98384f33cf0c29b117b780655a300bab505a9597dd067eca9636c";

TEST(SynthTest, DemoPassesTheImporter) {
  for (const char* period : {"2022", "2023", "2024-06"}) {
    CTG_ASSERT_OK_AND_ASSIGN(Base base, GenerateDemo(kDefaultSeed, period));
    const std::string csv = statbase::CanonicalCsv(base);
    CTG_ASSERT_OK_AND_ASSIGN(Base imported,
                             statbase::ImportCsv(csv, {.period = period}));
    EXPECT_EQ(imported.digest(), base.digest());
    EXPECT_EQ(imported.row_count(), base.row_count());
  }
}

TEST(SynthTest, DemoIsDeterministic) {
  CTG_ASSERT_OK_AND_ASSIGN(Base a, GenerateDemo(kDefaultSeed, "2023"));
  CTG_ASSERT_OK_AND_ASSIGN(Base b, GenerateDemo(kDefaultSeed, "2023"));
  EXPECT_EQ(statbase::CanonicalCsv(a), statbase::CanonicalCsv(b));
  EXPECT_EQ(a.digest(), kDemo2023Digest);
  CTG_ASSERT_OK_AND_ASSIGN(Base other_seed, GenerateDemo(7, "2023"));
  EXPECT_NE(other_seed.digest(), a.digest());
  CTG_ASSERT_OK_AND_ASSIGN(Base other_period,
                           GenerateDemo(kDefaultSeed, "2022"));
  EXPECT_NE(other_period.digest(), a.digest());
}

TEST(SynthTest, DemoShape) {
  CTG_ASSERT_OK_AND_ASSIGN(Base base, GenerateDemo(kDefaultSeed, "2023"));
  const CellId alloc = *statbase::FindCell("allocataires", "", "");
  const CellId persons = *statbase::FindCell("persons_covered", "", "");

  const TerritoryId bouscat = *base.FindTerritory("33069");
  EXPECT_EQ(base.territory(bouscat).name, "Le Bouscat");
  EXPECT_EQ(base.territory(bouscat).parts.size(), 12u);
  EXPECT_EQ(base.territory(base.territory(bouscat).parts.front()).code,
            "330690101");
  const uint32_t allocataires = base.Value(bouscat, alloc)->count;
  EXPECT_GT(allocataires, 4000u);
  EXPECT_LT(allocataires, 4700u);
  // Population couverte: 42.6 % of about 23,500 inhabitants.
  const double covered = base.Value(bouscat, persons)->count / 23500.0;
  EXPECT_GT(covered, 0.40);
  EXPECT_LT(covered, 0.46);

  int small_iris = 0;
  for (TerritoryId iris : base.territory(bouscat).parts) {
    if (base.Value(iris, alloc)->count < 100) ++small_iris;
  }
  EXPECT_GE(small_iris, 1);

  const TerritoryId qpv = *base.FindTerritory("QN03302M");
  EXPECT_EQ(base.territory(qpv).name, "Champ de courses");
  EXPECT_EQ(base.territory(qpv).commune, bouscat);
  EXPECT_EQ(base.territory(qpv).parts.size(), 2u);

  const TerritoryId eysines = *base.FindTerritory("33162");
  EXPECT_EQ(base.territory(eysines).name, "Eysines");
  EXPECT_GE(base.territory(eysines).parts.size(), 8u);

  // Every indicator of the catalogue, many small cells and some zeros.
  EXPECT_EQ(base.indicators().size(), statbase::Indicators().size());
  int small = 0, zeros = 0;
  for (TerritoryId id = 0; id < base.territory_count(); ++id) {
    for (CellId cell = 0; cell < statbase::CellCount(); ++cell) {
      const uint32_t count = base.Value(id, cell)->count;
      if (count == 0) ++zeros;
      if (count >= 1 && count <= 4) ++small;
    }
  }
  EXPECT_GE(small, 50);
  EXPECT_GE(zeros, 10);
}

TEST(SynthTest, NationalPassesTheImporter) {
  CTG_ASSERT_OK_AND_ASSIGN(Base base,
                           GenerateNational(kDefaultSeed, 2000, "2023"));
  int communes = 0, iris = 0, qpvs = 0;
  std::set<std::string> departments;
  for (TerritoryId id = 0; id < base.territory_count(); ++id) {
    const statbase::Territory& t = base.territory(id);
    switch (t.level) {
      case TerritoryLevel::kCommune:
        ++communes;
        departments.insert(
            t.code.substr(0, t.code[0] == '9' && t.code[1] == '7' ? 3 : 2));
        break;
      case TerritoryLevel::kIris:
        ++iris;
        break;
      case TerritoryLevel::kQpv:
        ++qpvs;
        break;
      case TerritoryLevel::kIrisQpv:
        break;
    }
  }
  EXPECT_EQ(communes, 2000);
  EXPECT_EQ(departments.size(), 101u);
  EXPECT_GT(iris, communes);
  EXPECT_GT(qpvs, 0);
  CTG_ASSERT_OK_AND_ASSIGN(
      Base imported,
      statbase::ImportCsv(statbase::CanonicalCsv(base), {.period = "2023"}));
  EXPECT_EQ(imported.digest(), base.digest());

  CTG_ASSERT_OK_AND_ASSIGN(Base again,
                           GenerateNational(kDefaultSeed, 2000, "2023"));
  EXPECT_EQ(again.digest(), base.digest());
}

TEST(SynthTest, BadArguments) {
  EXPECT_THAT(GenerateDemo(1, "2023-13"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "period \"2023-13\" is neither YYYY nor YYYY-MM"));
  EXPECT_THAT(GenerateNational(1, 0, "2023"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("--communes must be between 1")));
  EXPECT_THAT(GenerateNational(1, kMaxNationalCommunes + 1, "2023"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("--communes")));
}

}  // namespace
}  // namespace ctg::synth
