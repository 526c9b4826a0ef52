// ProtectTable on hand-made tables whose right answer is known: R6 excluded
// IRIS, a QPV overlay, two linked tables sharing a margin, zeros, amounts.
// Every release must also pass the independent LP audit.
#include "policy/sdc/suppressor.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/lp_audit.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::policy::sdc::testing::GridGeography;
using ::ctg::policy::sdc::testing::GridInput;
using ::ctg::policy::sdc::testing::Iris;
using ::ctg::policy::sdc::testing::MakeGrid;
using ::ctg::policy::sdc::testing::Masked;
using ::ctg::policy::sdc::testing::MaskedWithReason;
using ::testing::Contains;
using ::testing::IsSupersetOf;
using Names = std::set<std::string>;

void ExpectAuditPasses(const TableModel& m, const Release& r,
                       const SdcConfig& c, const ReleaseMemory& memory = {}) {
  EXPECT_TRUE(r.audit.passed());
  absl::StatusOr<AuditReport> a = AuditRelease(m, r, memory, c);
  ASSERT_TRUE(a.ok()) << a.status();
  for (const CellInterval& b : a->breaches) {
    ADD_FAILURE() << "breach " << b.key.ToString() << " [" << b.lower << ", "
                  << b.upper << "] needs " << b.required_upper;
  }
}

// R6: IRIS B has 60 allocataires. Its cells are excluded, and its total must
// keep an upper bound >= 100, so another IRIS total is suppressed with it.
TEST(SuppressorTest, CommuneWithOneIrisUnder100) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(3));
  TableInput in = GridInput({{300, 200}, {40, 20}, {250, 150}});
  in.allocataires.clear();  // taken from the allocataire-count block
  in.blocks[0].allocataire_count = true;
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_EQ(MaskedWithReason(r, MaskReason::kExcludedTerritory),
            Names({"B.", "B1", "B2"}));
  ASSERT_EQ(r.excluded.size(), 1u);
  EXPECT_EQ(r.excluded[0].territory, Iris(1));
  EXPECT_EQ(r.excluded[0].allocataires, 60);
  // B. = .. - A. - C.: one of them must go; the smaller IRIS C does.
  EXPECT_THAT(Masked(r), IsSupersetOf({"C.", "C1", "C2"}));
  EXPECT_THAT(Masked(r), ::testing::Not(Contains("..")));
  ExpectAuditPasses(m, r, config);
}

// A QPV inside IRIS A: A minus the QPV is a hidden piece of 3 allocataires
// in category 1. Publishing A and the QPV would give it by difference.
TEST(SuppressorTest, QpvOverlayProtectsTheHiddenPiece) {
  CommuneLayout l{"33069", {Iris(0), Iris(1)}, {{"QN03301M", Iris(0)}}};
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, CommuneGeography(l));
  BlockInput b{"N", "2023", IndicatorKind::kCount, false, {{"k", {"1", "2"}}},
               {},  {}};
  const std::string qpv_part = Iris(0) + "+QN03301M", rest = Iris(0) + "-";
  b.figures = {{qpv_part, "", "", 150},  {qpv_part, "k", "1", 90},
               {qpv_part, "k", "2", 60}, {rest, "", "", 43},
               {rest, "k", "1", 3},      {rest, "k", "2", 40},
               {Iris(1), "", "", 210},   {Iris(1), "k", "1", 110},
               {Iris(1), "k", "2", 100}};
  TableInput in;
  in.blocks.push_back(b);
  in.allocataires = {
      {"2023", qpv_part, 400}, {"2023", rest, 300}, {"2023", Iris(1), 500}};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  // Nothing requested is small, yet A1 - QN1 = 3 must not be derivable.
  EXPECT_TRUE(MaskedWithReason(r, MaskReason::kSmallCount).empty());
  const Names masked = Masked(r);
  EXPECT_TRUE(masked.count("A1") > 0 || masked.count("QN03301M1") > 0);
  ExpectAuditPasses(m, r, config);
}

// A small piece (R6) is protected too: the rest of IRIS A holds 60
// allocataires, so A and the QPV cannot both be published.
TEST(SuppressorTest, QpvOverlaySmallPieceIsProtectedByR6) {
  CommuneLayout l{"33069", {Iris(0), Iris(1)}, {{"QN03301M", Iris(0)}}};
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, CommuneGeography(l));
  const std::string qpv_part = Iris(0) + "+QN03301M", rest = Iris(0) + "-";
  BlockInput b{"ALLOC", "2023", IndicatorKind::kCount, true, {}, {}, {}};
  b.figures = {
      {qpv_part, "", "", 400}, {rest, "", "", 60}, {Iris(1), "", "", 500}};
  TableInput in;
  in.blocks.push_back(b);
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_TRUE(r.excluded.empty());  // the piece is not a released territory
  const Names masked = Masked(r);
  EXPECT_TRUE(masked.count("A.") > 0 || masked.count("QN03301M.") > 0);
  ExpectAuditPasses(m, r, config);
  config.protect_small_pieces = false;
  CTG_ASSERT_OK_AND_ASSIGN(Release loose, ProtectTable(m, {}, config, "v1"));
  EXPECT_TRUE(Masked(loose).empty());
}

// Two breakdowns of one indicator (family type, age of the head) share the
// total margin: the small "single" cell of IRIS A must not be derivable as
// A's total (from the age table) minus A's couples.
TEST(SuppressorTest, TwoLinkedTablesSharingAMargin) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  BlockInput b{"N",
               "2023",
               IndicatorKind::kCount,
               false,
               {{"family", {"couple", "single"}}, {"age", {"young", "old"}}},
               {},
               {}};
  b.figures = {{Iris(0), "", "", 40},
               {Iris(0), "family", "couple", 37},
               {Iris(0), "family", "single", 3},
               {Iris(0), "age", "young", 15},
               {Iris(0), "age", "old", 25},
               {Iris(1), "", "", 60},
               {Iris(1), "family", "couple", 45},
               {Iris(1), "family", "single", 15},
               {Iris(1), "age", "young", 28},
               {Iris(1), "age", "old", 32}};
  TableInput in;
  in.blocks.push_back(b);
  in.allocataires = {{"2023", Iris(0), 500}, {"2023", Iris(1), 500}};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_EQ(MaskedWithReason(r, MaskReason::kSmallCount), Names({"Asingle"}));
  EXPECT_THAT(Masked(r), Contains("Acouple"));
  ExpectAuditPasses(m, r, config);
}

// Catalogue relation "total_equals": single-parent families = allocataires
// whose family type is single parent. In IRIS A the couples (2) are masked
// and the single parents (30) with them; the single-parent-families indicator
// must not give the 30 back.
TEST(SuppressorTest, LinkedIndicatorsShareTheirFigures) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  BlockInput alloc{"ALLOC",
                   "2023",
                   IndicatorKind::kCount,
                   false,
                   {{"family", {"couple", "single"}}},
                   {},
                   {}};
  alloc.figures = {{Iris(0), "", "", 32},
                   {Iris(0), "family", "couple", 2},
                   {Iris(0), "family", "single", 30},
                   {Iris(1), "", "", 60},
                   {Iris(1), "family", "couple", 35},
                   {Iris(1), "family", "single", 25}};
  BlockInput spf{
      "SPF", "2023", IndicatorKind::kCount, false, {{"kids", {"1", "2+"}}},
      {},    {}};
  spf.figures = {{Iris(0), "", "", 30},       {Iris(0), "kids", "1", 18},
                 {Iris(0), "kids", "2+", 12}, {Iris(1), "", "", 25},
                 {Iris(1), "kids", "1", 15},  {Iris(1), "kids", "2+", 10}};
  spf.total_equals = {"ALLOC", "family", "single"};
  TableInput in;
  in.blocks = {alloc, spf};
  in.allocataires = {{"2023", Iris(0), 500}, {"2023", Iris(1), 500}};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  ASSERT_EQ(m.blocks.size(), 1u);
  EXPECT_EQ(m.identities.size(), 2u);  // one per piece
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  const Names masked = Masked(r);
  ASSERT_TRUE(masked.count("Acouple") > 0);
  // A's single parents are masked in both indicators, or both published with
  // A's total masked; never one published while the other hides it.
  const bool single = masked.count("Asingle") > 0;
  bool spf_a_masked = false;
  for (const ReleasedCell& c : r.cells) {
    if (c.key.indicator == "SPF" && c.key.territory == Iris(0) &&
        c.key.is_total()) {
      spf_a_masked = c.status != CellStatus::kPublished;
    }
  }
  EXPECT_EQ(single, spf_a_masked);
  ExpectAuditPasses(m, r, config);
  // Without the link, the second indicator would give the figure away.
  in.blocks[1].total_equals = {};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel unlinked, BuildTable(g, in));
  CTG_ASSERT_OK_AND_ASSIGN(Release loose,
                           ProtectTable(unlinked, {}, config, "v1"));
  bool spf_published = false;
  for (const ReleasedCell& c : loose.cells) {
    if (c.key.indicator == "SPF" && c.key.territory == Iris(0) &&
        c.key.is_total()) {
      spf_published = c.status == CellStatus::kPublished;
    }
  }
  EXPECT_TRUE(spf_published && Masked(loose).count("Asingle") > 0);
}

TEST(SuppressorTest, LinkedIndicatorsMustAgree) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(1));
  BlockInput alloc{"ALLOC",
                   "2023",
                   IndicatorKind::kCount,
                   false,
                   {{"family", {"couple", "single"}}},
                   {},
                   {}};
  alloc.figures = {{Iris(0), "", "", 32},
                   {Iris(0), "family", "couple", 2},
                   {Iris(0), "family", "single", 30}};
  BlockInput spf{"SPF", "2023", IndicatorKind::kCount,
                 false, {},     {{Iris(0), "", "", 29}},
                 {}};
  spf.total_equals = {"ALLOC", "family", "single"};
  TableInput in;
  in.blocks = {alloc, spf};
  in.allocataires = {{"2023", Iris(0), 500}};
  EXPECT_THAT(BuildTable(g, in),
              ::ctg::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                       ::testing::HasSubstr("is 29 but")));
  in.blocks[1].total_equals = {"RSA", "", ""};
  EXPECT_THAT(BuildTable(g, in),
              ::ctg::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                       ::testing::HasSubstr("absent")));
}

TEST(SuppressorTest, ZerosArePublishedByDefaultAndMaskedOnRequest) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 0}, {15, 12}}));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_TRUE(Masked(r).empty());
  ExpectAuditPasses(m, r, config);
  config.mask_zeros = true;
  CTG_ASSERT_OK_AND_ASSIGN(Release z, ProtectTable(m, {}, config, "v1"));
  EXPECT_EQ(MaskedWithReason(z, MaskReason::kSmallCount), Names({"A2"}));
  EXPECT_EQ(Masked(z), Names({"A1", "A2", "B1", "B2"}));
  ExpectAuditPasses(m, z, config);
}

TEST(SuppressorTest, ZeroTotalPinsExcludedTerritoryToZeroWithoutBreach) {
  // No allocataire of this indicator anywhere: IRIS B (60 allocataires) is
  // excluded, and the published zero total tells it has none, which
  // discloses nobody.
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{0, 0}, {0, 0}}, {500, 60}));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_EQ(Masked(r), Names({"B.", "B1", "B2"}));
  ExpectAuditPasses(m, r, config);
}

TEST(SuppressorTest, AmountsUseTheContributorPattern) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  BlockInput b{
      "AMOUNT", "2023", IndicatorKind::kAmount, false, {{"k", {"1", "2"}}},
      {},       {}};
  b.figures = {{Iris(0), "", "", 23, 9000},   {Iris(0), "k", "1", 20, 8000},
               {Iris(0), "k", "2", 3, 1000},  {Iris(1), "", "", 27, 10000},
               {Iris(1), "k", "1", 15, 6000}, {Iris(1), "k", "2", 12, 4000}};
  TableInput in;
  in.blocks.push_back(b);
  in.allocataires = {{"2023", Iris(0), 500}, {"2023", Iris(1), 500}};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_EQ(MaskedWithReason(r, MaskReason::kDerivedFigure), Names({"A2"}));
  EXPECT_EQ(Masked(r), Names({"A1", "A2", "B1", "B2"}));
  EXPECT_TRUE(r.cells[0].amount_block);
  ExpectAuditPasses(m, r, config);
}

TEST(SuppressorTest, InvalidModelIsRefused) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}}));
  m.cells[0].value = 99;
  EXPECT_THAT(ProtectTable(m, {}, SdcConfig{}, "v1"),
              ::ctg::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                       ::testing::HasSubstr("not additive")));
}

TEST(SuppressorTest, SameInputSameRelease) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m,
                           MakeGrid({{20, 3, 9}, {15, 1, 12}, {8, 9, 2}}));
  CTG_ASSERT_OK_AND_ASSIGN(Release a,
                           ProtectTable(m, {}, SdcConfig{}, "v1", 7));
  CTG_ASSERT_OK_AND_ASSIGN(Release b,
                           ProtectTable(m, {}, SdcConfig{}, "v1", 7));
  EXPECT_EQ(Masked(a), Masked(b));
}

}  // namespace
}  // namespace ctg::policy::sdc
