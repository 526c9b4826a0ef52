// The audit's repair loop (internal/block_protector.cc) on tables it used
// to refuse although a suppression in the release could make them safe:
// each release is checked by the independent LP audit (AuditRelease).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/lp_audit.h"
#include "policy/sdc/suppressor.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::policy::sdc::testing::GridGeography;
using ::ctg::policy::sdc::testing::Iris;
using ::ctg::policy::sdc::testing::Masked;
using ::testing::Contains;

void ExpectAuditPasses(const TableModel& m, const Release& r,
                       const SdcConfig& config) {
  absl::StatusOr<AuditReport> a = AuditRelease(m, r, {}, config);
  ASSERT_TRUE(a.ok()) << a.status();
  for (const CellInterval& b : a->breaches) {
    ADD_FAILURE() << b.criterion << " " << b.key.ToString() << " [" << b.lower
                  << ", " << b.upper << "]";
  }
}

// A QPV over IRIS A and B; the rest of A (A-, 60 allocataires) is a hidden
// piece under 100, protected by R6, and holds all 15 of A's category 1. A's
// category 1 is open data (known to every reader like an earlier release).
// This release asks for the QPV, whose category 1 is 0: published, that
// zero makes both of its parts 0 (counts are not negative), so A-'s
// category 1 is A's, 15 (C1). Gauss sees no equation giving it; the LP had
// fixed the zero's inner cells, so no published cell of this release was
// binding and the release was refused ("no published cell can be
// suppressed"). The zero is now masked (a zero discloses nobody) and the
// cells that give it by difference after it.
TEST(RepairTest, AZeroThatPinsAHiddenPieceIsMaskedInsteadOfRefused) {
  const std::string q = "QN03301M";
  CommuneLayout l{
      "33069", {Iris(0), Iris(1), Iris(2)}, {{q, Iris(0)}, {q, Iris(1)}}};
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, CommuneGeography(l));
  const std::string a_in = Iris(0) + "+" + q, a_out = Iris(0) + "-",
                    b_in = Iris(1) + "+" + q, b_out = Iris(1) + "-";
  BlockInput b{"N", "2023", IndicatorKind::kCount, false, {{"k", {"1", "2"}}},
               {},  {}};
  b.figures = {{a_in, "", "", 50},      {a_in, "k", "1", 0},
               {a_in, "k", "2", 50},    {a_out, "", "", 60},
               {a_out, "k", "1", 15},   {a_out, "k", "2", 45},
               {b_in, "", "", 70},      {b_in, "k", "1", 0},
               {b_in, "k", "2", 70},    {b_out, "", "", 200},
               {b_out, "k", "1", 100},  {b_out, "k", "2", 100},
               {Iris(2), "", "", 300},  {Iris(2), "k", "1", 150},
               {Iris(2), "k", "2", 150}};
  TableInput in;
  in.blocks.push_back(b);
  in.allocataires = {{"2023", a_in, 300},
                     {"2023", a_out, 60},
                     {"2023", b_in, 300},
                     {"2023", b_out, 500},
                     {"2023", Iris(2), 500}};
  in.requested_territories = {q};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  config.open_data = {{{Iris(0), "2023", "N", "k", "1"}, 15, 0}};
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  EXPECT_THAT(Masked(r), Contains(q + "1"));
  ExpectAuditPasses(m, r, config);
}

// Allocataires by family type: IRIS A (96) and B (98) are excluded, the 68
// others (105 each, one category of 5) and the commune are shown. A reader
// knows A + B = 194 from the commune total and, from the status words, each
// is at most 99: both lie in [95, 99], narrower than W = 10 (C3). The
// smallest binding cells are the categories of 5 of the shown IRIS, but
// masking them (and their Gauss secondaries) leaves every IRIS total
// published, so A + B stays 194: one such suppression per round ran out of
// rounds (refused after 60, as commune 21159 of the national synthetic
// base was). When a round leaves the interval unchanged, the repair now
// masks a sibling of the breached cell (another IRIS total) instead.
TEST(RepairTest, AStuckBreachIsRepairedThroughASiblingTotal) {
  const std::vector<std::string> family = {"iso", "cwoc", "cwc", "sp"};
  BlockInput b{"allocataires",
               "2023",
               IndicatorKind::kCount,
               true,
               {{"family", family}},
               {},
               {}};
  constexpr int kIris = 70;
  for (int i = 0; i < kIris; ++i) {
    const std::vector<int64_t> row =
        i == 0   ? std::vector<int64_t>{40, 30, 21, 5}
        : i == 1 ? std::vector<int64_t>{40, 30, 23, 5}
                 : std::vector<int64_t>{50, 30, 20, 5};
    int64_t total = 0;
    for (size_t c = 0; c < family.size(); ++c) {
      b.figures.push_back({Iris(i), "family", family[c], row[c]});
      total += row[c];
    }
    b.figures.push_back({Iris(i), "", "", total});
  }
  TableInput in;
  in.blocks.push_back(std::move(b));
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(kIris));
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  ExpectAuditPasses(m, r, config);
  // One sibling total and its secondaries, not a masked table.
  EXPECT_LE(r.audit.repair_rounds, 3);
  EXPECT_LE(r.loss.cells_masked, 20);
}

// Every allocataire of IRIS A receives the AAH (earlier figures, here open
// data: A's allocataires by age and A's AAH total, 207 both), so a reader
// knows each AAH-by-age cell of A: AAH <= allocataires cell by cell, and the
// totals are equal. This release asks for the AAH by age; B's 3 is masked
// (R7) and the Gauss step masks a rectangle through A's cells. Those
// secondaries of A are exact for the reader (C4) and nothing of this
// release binds them: the loop used to mask more cells blindly, then
// refuse. A secondary the reader computes anyway is now published again.
TEST(RepairTest, ASecondaryTheReaderComputesAnywayIsPublishedAgain) {
  const std::vector<std::string> age = {"y", "m", "o"};
  auto block = [&](const std::string& indicator,
                   const std::vector<std::vector<int64_t>>& rows) {
    BlockInput b{indicator,
                 "2023",
                 IndicatorKind::kCount,
                 indicator == "allocataires",
                 {{"age", age}},
                 {},
                 {}};
    if (indicator != "allocataires") b.bounded_by = "allocataires";
    for (size_t i = 0; i < rows.size(); ++i) {
      int64_t total = 0;
      for (size_t c = 0; c < age.size(); ++c) {
        b.figures.push_back(
            {Iris(static_cast<int>(i)), "age", age[c], rows[i][c]});
        total += rows[i][c];
      }
      b.figures.push_back({Iris(static_cast<int>(i)), "", "", total});
    }
    return b;
  };
  TableInput in;
  in.blocks.push_back(block("allocataires", {{143, 40, 24}, {50, 60, 30}}));
  in.blocks.push_back(block("aah", {{143, 40, 24}, {10, 20, 3}}));
  in.requested_breakdowns = {"age"};
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(2));
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, BuildTable(g, in));
  MarkRequested({"33069", Iris(0), Iris(1)}, {"aah"}, {"age"}, m);
  SdcConfig config;
  config.open_data = {{{Iris(0), "2023", "aah", "", ""}, 207, 0},
                      {{Iris(0), "2023", "allocataires", "", ""}, 207, 0}};
  for (size_t c = 0; c < age.size(); ++c) {
    config.open_data.push_back(
        {{Iris(0), "2023", "allocataires", "age", age[c]},
         std::vector<int64_t>{143, 40, 24}[c],
         0});
  }
  CTG_ASSERT_OK_AND_ASSIGN(Release r, ProtectTable(m, {}, config, "v1"));
  ExpectAuditPasses(m, r, config);
}

}  // namespace
}  // namespace ctg::policy::sdc
