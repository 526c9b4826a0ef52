// The fully informed reader (docs/secret-statistique.md, "The reader
// model"): bounds between indicators (R7) and status words (R6). Each case
// is checked with the test's own reader LP (reader_lp.h). The same table
// protected by an engine blind to the relations and the status words (no
// Bound, no allocataire-count block: the engine as it was) is broken by that
// reader, which shows that the case is a real attack.
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/lp_audit.h"
#include "policy/sdc/suppressor.h"
#include "tests/policy/sdc/reader_lp.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::policy::sdc::testing::GridGeography;
using ::ctg::policy::sdc::testing::Iris;
using ::ctg::policy::sdc::testing::ReaderBreaches;
using ::ctg::policy::sdc::testing::ReaderModel;
using ::ctg::policy::sdc::testing::Relation;
using ::testing::IsEmpty;
using ::testing::Not;

const std::vector<std::string> kFamily = {"iso", "cwoc", "cwc", "sp"};

// Allocataires by family type, one row per IRIS (populations = row sums).
BlockInput Allocataires(const std::vector<std::vector<int64_t>>& rows) {
  BlockInput b{"allocataires",
               "2023",
               IndicatorKind::kCount,
               true,
               {{"family", kFamily}},
               {},
               {}};
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t total = 0;
    for (size_t c = 0; c < kFamily.size(); ++c) {
      b.figures.push_back(
          {Iris(static_cast<int>(i)), "family", kFamily[c], rows[i][c]});
      total += rows[i][c];
    }
    b.figures.push_back({Iris(static_cast<int>(i)), "", "", total});
  }
  return b;
}

// RSA recipients by family type: a sub-population of allocataires.
BlockInput Rsa(const std::vector<std::vector<int64_t>>& rows) {
  BlockInput b = Allocataires(rows);
  b.indicator = "rsa";
  b.allocataire_count = false;
  b.bounded_by = "allocataires";
  return b;
}

// The relations the reader knows: rsa <= allocataires per territory, total
// and family type.
std::vector<Relation> RsaRelations(size_t num_iris) {
  std::vector<Relation> out;
  std::vector<std::string> territories = {"33069"};
  for (size_t i = 0; i < num_iris; ++i)
    territories.push_back(Iris(static_cast<int>(i)));
  for (const std::string& t : territories) {
    out.push_back(
        {{t, "2023", "rsa", "", ""}, {t, "2023", "allocataires", "", ""}});
    for (const std::string& f : kFamily) {
      out.push_back({{t, "2023", "rsa", "family", f},
                     {t, "2023", "allocataires", "family", f}});
    }
  }
  return out;
}

// What the engine knew before it modelled the reader fully: no relation
// between indicators, no status word (no allocataire-count block).
TableModel Blind(TableModel m) {
  m.bounds.clear();
  for (Block& b : m.blocks) b.allocataire_count = false;
  return m;
}

std::vector<std::string> Breaches(const TableModel& m, const Release& r,
                                  const ReaderModel& rm) {
  absl::StatusOr<std::vector<std::string>> b = ReaderBreaches(m, r, rm);
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? *b : std::vector<std::string>{"reader failed"};
}

// R7 through bounds between indicators (the first observation): IRIS
// A has 3 couples with children (masked). Its total and two categories are
// published, single parents are a secondary cell, and RSA among single
// parents (published) equals them: without the relation, a reader gets
// couples with children in [1, 3].
TEST(ReaderModelTest, SubPopulationBoundDoesNotPinASmallCount) {
  for (int64_t small : {3, 4}) {
    SCOPED_TRACE(small);
    CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(3));
    TableInput in;
    in.blocks.push_back(
        Allocataires({{80, 40, small, 8}, {90, 60, 30, 20}, {70, 50, 25, 15}}));
    in.blocks.push_back(Rsa({{20, 0, 0, 8}, {30, 5, 10, 12}, {25, 6, 9, 10}}));
    CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
    ReaderModel reader;
    reader.relations = RsaRelations(3);
    SdcConfig config;

    const TableModel blind = Blind(m);
    CTG_ASSERT_OK_AND_ASSIGN(Release old,
                             ProtectTable(blind, {}, config, "v1"));
    EXPECT_THAT(Breaches(m, old, reader), Not(IsEmpty()));

    CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
    EXPECT_THAT(Breaches(m, r, reader), IsEmpty());
    CTG_ASSERT_OK_AND_ASSIGN(AuditReport audit, AuditRelease(m, r, {}, config));
    EXPECT_TRUE(audit.passed());
  }
}

// R6 through status words (the second observation): IRIS A and B
// are excluded (under 100) and the commune and the other IRIS are published,
// so A + B is known. With 99 + 99 = 198 each is exactly 99; with 96 + 99 a
// reader gets A in [96, 99]: narrower than W = 10.
TEST(ReaderModelTest, StatusWordsDoNotNarrowExcludedTerritories) {
  for (int64_t a : {99, 96}) {
    SCOPED_TRACE(a);
    CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(4));
    TableInput in;
    in.blocks.push_back(Allocataires({{a - 49, 20, 14, 15},
                                      {50, 20, 14, 15},
                                      {200, 120, 100, 80},
                                      {150, 90, 60, 50}}));
    CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
    ReaderModel reader;
    SdcConfig config;

    CTG_ASSERT_OK_AND_ASSIGN(Release old,
                             ProtectTable(Blind(m), {}, config, "v1"));
    EXPECT_THAT(Breaches(m, old, reader), Not(IsEmpty()));

    CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
    EXPECT_THAT(Breaches(m, r, reader), IsEmpty());
    CTG_ASSERT_OK_AND_ASSIGN(AuditReport audit, AuditRelease(m, r, {}, config));
    EXPECT_TRUE(audit.passed());
  }
}

// The relation is used by the model, not just known: a base that
// contradicts it is refused, naming the cells.
TEST(ReaderModelTest, BaseContradictingARelationIsRefused) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  TableInput in;
  in.blocks.push_back(Allocataires({{80, 40, 30, 8}, {90, 60, 30, 20}}));
  in.blocks.push_back(Rsa({{20, 0, 0, 9}, {30, 5, 10, 12}}));
  EXPECT_THAT(BuildTable(g, in),
              ::ctg::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                       ::testing::HasSubstr("family=sp")));
}

// Open data the Caf publishes is known to every reader and cannot be
// suppressed: when it pins a small count through the bound, the release is
// refused, naming the cell and the criterion.
TEST(ReaderModelTest, UnrepairableBreachIsRefusedNamingCellAndCriterion) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(3));
  TableInput in;
  in.blocks.push_back(
      Allocataires({{80, 40, 3, 8}, {90, 60, 30, 20}, {70, 50, 25, 15}}));
  in.blocks.push_back(Rsa({{20, 0, 0, 8}, {30, 5, 10, 12}, {25, 6, 9, 10}}));
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  config.open_data = {
      {{Iris(0), "2023", "allocataires", "", ""}, 131, 0},
      {{Iris(0), "2023", "allocataires", "family", "iso"}, 80, 0},
      {{Iris(0), "2023", "allocataires", "family", "cwoc"}, 40, 0},
      {{Iris(0), "2023", "rsa", "family", "sp"}, 8, 0}};
  EXPECT_THAT(
      ProtectTable(m, {}, config, "v1"),
      ::ctg::testing::StatusIs(
          absl::StatusCode::kFailedPrecondition,
          ::testing::AllOf(::testing::HasSubstr("allocataires/family=cwc"),
                           ::testing::HasSubstr("criterion C2"))));
  // Without the open data, the same table is released safely.
  config.open_data.clear();
  EXPECT_TRUE(ProtectTable(m, {}, config, "v1").ok());
}

// Optional group-attribute disclosure: every RSA recipient of IRIS A is a
// single parent; with the rule on, that cell is masked.
TEST(ReaderModelTest, GroupDisclosureRuleMasksAWholeCategory) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(3));
  TableInput in;
  in.blocks.push_back(
      Allocataires({{80, 40, 30, 18}, {90, 60, 30, 20}, {70, 50, 25, 15}}));
  in.blocks.push_back(Rsa({{0, 0, 0, 12}, {30, 5, 10, 12}, {25, 6, 9, 10}}));
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release off, ProtectTable(m, {}, config, "v1"));
  config.group_disclosure = true;
  CTG_ASSERT_OK_AND_ASSIGN(Release on, ProtectTable(m, {}, config, "v1"));
  auto status_of = [](const Release& r, const std::string& ind,
                      const std::string& cat) {
    for (const ReleasedCell& c : r.cells) {
      if (c.key.territory == Iris(0) && c.key.indicator == ind &&
          c.key.category == cat) {
        return c.status;
      }
    }
    return CellStatus::kExcluded;
  };
  EXPECT_EQ(status_of(off, "rsa", "sp"), CellStatus::kPublished);
  EXPECT_EQ(status_of(on, "rsa", "sp"), CellStatus::kMasked);
  ReaderModel reader;
  reader.relations = RsaRelations(3);
  EXPECT_THAT(Breaches(m, on, reader), IsEmpty());
}

// Persons covered, one figure per IRIS: no breakdown.
BlockInput Persons(const std::vector<int64_t>& per_iris) {
  BlockInput b{"persons", "2023", IndicatorKind::kCount, false, {}, {}, {}};
  for (size_t i = 0; i < per_iris.size(); ++i) {
    b.figures.push_back({Iris(static_cast<int>(i)), "", "", per_iris[i]});
  }
  return b;
}

// allocataires + couples (cwoc, cwc) <= persons: a bound whose sub side
// names the couples' rows twice (in the total and in their category).
SumBoundInput PersonsCovered() {
  return {{{"allocataires", "", ""},
           {"allocataires", "family", "cwoc"},
           {"allocataires", "family", "cwc"},
           {"children", "", ""}},
          "persons"};
}

TEST(SumBoundTest, OneBoundPerPieceWithCouplesCountedTwice) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  TableInput in;
  in.blocks.push_back(Allocataires({{10, 5, 6, 4}, {30, 20, 20, 30}}));
  in.blocks.push_back(Persons({36, 140}));  // 25 + 11 = 36; 100 + 40 = 140
  in.sum_bounds = {PersonsCovered()};       // children: absent, left out
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  ASSERT_THAT(m.Validate(), ::ctg::testing::IsOk());
  ASSERT_EQ(m.bounds.size(), 2u);
  const Bound& b = m.bounds[0];
  EXPECT_EQ(b.sub.size(), 6u);  // 4 family rows, then cwoc and cwc again
  EXPECT_EQ(std::adjacent_find(b.sub.begin(), b.sub.end()) != b.sub.end(),
            true);
  EXPECT_EQ(b.pop.size(), 1u);
  EXPECT_NE(m.inner[b.sub[0]].block, m.inner[b.pop[0]].block);

  in.blocks[1] = Persons({35, 140});
  EXPECT_THAT(BuildTable(g, in),
              ::ctg::testing::StatusIs(
                  absl::StatusCode::kInvalidArgument,
                  ::testing::HasSubstr("sum bound does not hold")));
}

// R7 through a sum bound: IRIS 0 has 100 allocataires, 3 couples without
// and 2 with children (both masked), 105 persons covered. Published: the
// allocataires' total and the persons covered, so a reader knows
// cwoc + cwc <= 5, and with each masked count >= 1, cwoc <= 4: it can never
// reach 5. The engine that ignores the sum bound releases that; the one
// that models it does not.
TEST(SumBoundTest, CouplesCannotBeCappedThroughPersonsCovered) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(3));
  TableInput in;
  in.blocks.push_back(
      Allocataires({{75, 3, 2, 20}, {90, 60, 30, 20}, {70, 50, 25, 15}}));
  in.blocks.push_back(Persons({105, 400, 300}));
  CTG_ASSERT_OK_AND_ASSIGN(TableModel blind, BuildTable(g, in));
  in.sum_bounds = {PersonsCovered()};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;

  CTG_ASSERT_OK_AND_ASSIGN(Release old, ProtectTable(blind, {}, config, "v1"));
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport old_audit,
                           AuditRelease(m, old, {}, config));
  EXPECT_FALSE(old_audit.passed());

  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport audit, AuditRelease(m, r, {}, config));
  EXPECT_TRUE(audit.passed());
}

}  // namespace
}  // namespace ctg::policy::sdc
