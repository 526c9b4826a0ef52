// The builder: commune geography with a QPV overlay, linked breakdowns, and
// every kind of bad input (a clear error, never a table).
#include "policy/sdc/table_builder.h"

#include <algorithm>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::policy::sdc::testing::GridGeography;
using ::ctg::policy::sdc::testing::GridInput;
using ::ctg::policy::sdc::testing::Iris;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Cell* Find(const TableModel& m, const std::string& territory,
                 const std::string& breakdown = "",
                 const std::string& category = "") {
  for (const Cell& c : m.cells) {
    if (c.key.territory == territory && c.key.breakdown == breakdown &&
        c.key.category == category) {
      return &c;
    }
  }
  return nullptr;
}

TEST(GeographyTest, CommuneWithQpvOverlayHasCommonRefinement) {
  CommuneLayout l{"33069",
                  {"330690101", "330690102", "330690103"},
                  {{"QN03301M", "330690101"}, {"QN03301M", "330690102"}}};
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, CommuneGeography(l));
  EXPECT_THAT(g.pieces(),
              ElementsAre("330690101+QN03301M", "330690101-",
                          "330690102+QN03301M", "330690102-", "330690103"));
  // Commune, 3 IRIS, 1 QPV; the four parts of the two cut IRIS are hidden.
  EXPECT_EQ(g.territories().size(), 5u);
  EXPECT_EQ(g.hidden_pieces().size(), 4u);
}

TEST(GeographyTest, InconsistentHierarchiesAreRejected) {
  EXPECT_THAT(
      CommuneGeography({"33069", {"330700101"}, {}}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("330700101")));
  EXPECT_THAT(
      CommuneGeography({"33069", {"330690101"}, {{"QN03301M", "330690199"}}}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("330690199")));
  EXPECT_THAT(CommuneGeography({"33069", {"330690101", "330690101"}, {}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("twice")));
  EXPECT_THAT(Geography::Create({"a"}, {{"T", {"b"}}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown piece b")));
}

TEST(TableBuilderTest, GridHasAllMarginsAndRequestedFlags) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  TableInput in = GridInput({{20, 3}, {15, 12}});
  in.requested_territories = {Iris(0), Iris(1)};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  ASSERT_THAT(m.Validate(), ::ctg::testing::IsOk());
  EXPECT_EQ(m.inner.size(), 4u);
  EXPECT_EQ(m.cells.size(), 9u);  // (commune + 2 IRIS) x (total + 2 categories)
  EXPECT_EQ(Find(m, "33069")->value, 50);
  EXPECT_FALSE(Find(m, "33069")->requested);
  EXPECT_TRUE(Find(m, Iris(1), "k", "2")->requested);
  EXPECT_EQ(Find(m, "33069", "k", "2")->territory_population, 2000);
}

TEST(TableBuilderTest, MarkRequestedKeepsExactlyTheScope) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m,
                           BuildTable(g, GridInput({{20, 3}, {15, 12}})));
  const std::string indicator = m.cells[0].key.indicator;
  const std::vector<std::string> territories = {Iris(1)},
                                 indicators = {indicator};
  MarkRequested(territories, indicators, {}, m);  // totals only
  EXPECT_TRUE(Find(m, Iris(1))->requested);
  EXPECT_FALSE(Find(m, Iris(1), "k", "2")->requested);
  EXPECT_FALSE(Find(m, Iris(0))->requested);
  EXPECT_FALSE(Find(m, "33069")->requested);
  const std::vector<std::string> breakdowns = {"k"};
  MarkRequested(territories, indicators, breakdowns, m);
  EXPECT_TRUE(Find(m, Iris(1), "k", "2")->requested);
  MarkRequested(territories, {}, breakdowns, m);  // no indicator: nothing
  EXPECT_FALSE(Find(m, Iris(1))->requested);
}

TEST(TableBuilderTest, LinkedBreakdownsShareTheTotalOverCrossCells) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(1));
  BlockInput b{"N",
               "2023",
               IndicatorKind::kCount,
               false,
               {{"family", {"couple", "single"}}, {"age", {"young", "old"}}},
               {},
               {}};
  b.figures = {{Iris(0), "", "", 30},
               {Iris(0), "family", "couple", 28},
               {Iris(0), "family", "single", 2},
               {Iris(0), "age", "young", 10},
               {Iris(0), "age", "old", 20}};
  TableInput in;
  in.blocks.push_back(b);
  in.allocataires = {{"2023", Iris(0), 500}};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  EXPECT_EQ(m.inner.size(), 4u);  // 2 x 2 cross cells, values unknown
  EXPECT_FALSE(m.inner[0].value_known);
  EXPECT_EQ(m.inner[1].value, 2);  // (single, young) <= min(2, 10)
  EXPECT_EQ(Find(m, Iris(0), "age", "old")->rows.size(), 2u);
  EXPECT_EQ(Find(m, "33069", "family", "single")->value, 2);
}

TEST(TableBuilderTest, BadInputIsAClearError) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  auto expect_error = [&](TableInput in, const std::string& fragment) {
    EXPECT_THAT(BuildTable(g, in), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr(fragment)));
  };
  TableInput ok = GridInput({{20, 3}, {15, 12}});
  TableInput in = ok;
  in.blocks[0].figures[0].count = 21;  // 21 + 3 != 23
  expect_error(in, "not additive: piece 330690001 breakdown k sums to 24");
  in = ok;
  in.blocks[0].figures[1].count = -3;
  expect_error(in, "negative figure");
  in = ok;
  in.blocks[0].figures.push_back({"330699999", "", "", 1});
  expect_error(in, "unknown piece 330699999");
  in = ok;
  in.blocks[0].figures.push_back(in.blocks[0].figures[0]);
  expect_error(in, "given twice");
  in = ok;
  in.blocks[0].figures[0].category = "9";
  expect_error(in, "unknown category");
  in = ok;
  in.blocks[0].figures.erase(in.blocks[0].figures.begin() + 2);  // IRIS A total
  expect_error(in, "piece 330690001 has no total");
  in = ok;
  in.blocks[0].territory_figures = {{"33069", "", "", 51}};
  expect_error(in, "not additive: 33069/2023/N is 51 but its pieces sum to 50");
  in = ok;
  in.allocataires.pop_back();
  expect_error(in, "no allocataire count");
  in = ok;
  in.blocks.clear();
  expect_error(in, "table is empty");
  in = ok;
  in.requested_territories = {"33070"};
  expect_error(in, "requested territory 33070 is unknown");
}

TEST(TableModelTest, ValidateCatchesHandMadeNonAdditiveTables) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m,
                           BuildTable(g, GridInput({{20, 3}, {15, 12}})));
  TableModel bad = m;
  bad.cells[0].value += 1;
  EXPECT_THAT(bad.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                       HasSubstr("not additive")));
  bad = m;
  bad.inner[0].value = -1;
  EXPECT_THAT(bad.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                       HasSubstr("inconsistent")));
  bad = m;
  for (Cell& c : bad.cells) c.requested = false;
  EXPECT_THAT(bad.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                       HasSubstr("no requested cell")));
  bad = TableModel{};
  EXPECT_THAT(bad.Validate(), StatusIs(absl::StatusCode::kInvalidArgument,
                                       HasSubstr("table is empty")));
}

}  // namespace
}  // namespace ctg::policy::sdc
