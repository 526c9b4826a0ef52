// The memory of past releases: its stable text form, and releases that must
// stay consistent with what was released before (or be refused).
#include "policy/sdc/release_memory.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/lp_audit.h"
#include "policy/sdc/suppressor.h"
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
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using Names = std::set<std::string>;

CellKey Key(const std::string& territory, const std::string& category = "") {
  return {territory, "2023", "N", category.empty() ? "" : "k", category};
}

TEST(ReleaseMemoryTest, TextFormIsStableAndRoundTrips) {
  ReleaseMemory m;
  ASSERT_THAT(m.AddPublished(Key("33069"), 67, 0, "v1"),
              ::ctg::testing::IsOk());
  ASSERT_THAT(m.AddMasked(Key(Iris(0), "2"), "v1"), ::ctg::testing::IsOk());
  ASSERT_THAT(m.AddPublished({"Q\tN", "2023", "N", "", ""}, 5, 7, "v\\2\n"),
              ::ctg::testing::IsOk());
  const std::string text = m.Serialize();
  EXPECT_EQ(text,
            "ctg-sdc-memory v1\n"
            "P\t33069\t2023\tN\t\t\t67\t0\tv1\n"
            "M\t330690001\t2023\tN\tk\t2\t\t\tv1\n"
            "P\tQ\\tN\t2023\tN\t\t\t5\t7\tv\\\\2\\n\n");
  CTG_ASSERT_OK_AND_ASSIGN(ReleaseMemory back, ReleaseMemory::Parse(text));
  EXPECT_TRUE(back == m);
  EXPECT_EQ(back.Serialize(), text);
}

TEST(ReleaseMemoryTest, ParseErrorsNameTheLine) {
  EXPECT_THAT(
      ReleaseMemory::Parse("nope\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1")));
  EXPECT_THAT(ReleaseMemory::Parse("ctg-sdc-memory v1\nP\ta\tb\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: expected 9")));
  EXPECT_THAT(
      ReleaseMemory::Parse("ctg-sdc-memory v1\nP\ta\t2023\tN\t\t\tx\t0\tv\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("non-negative")));
  EXPECT_THAT(
      ReleaseMemory::Parse("ctg-sdc-memory v1\nM\ta\t2023\tN\t\t\t\t\tv\n"
                           "M\ta\t2023\tN\t\t\t\t\tv\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("line 3: duplicate")));
  EXPECT_THAT(
      ReleaseMemory::Parse("ctg-sdc-memory v1\nX\ta\t2023\tN\t\t\t\t\tv\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("P or M")));
  EXPECT_THAT(
      ReleaseMemory::Parse("ctg-sdc-memory v1\nM\ta\\q\t2023\tN\t\t\t\t\tv\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("escape")));
}

TEST(ReleaseMemoryTest, ContradictionsAreRefused) {
  ReleaseMemory m;
  ASSERT_THAT(m.AddMasked(Key(Iris(0), "2"), "v1"), ::ctg::testing::IsOk());
  EXPECT_THAT(
      m.AddPublished(Key(Iris(0), "2"), 3, 0, "v2"),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("was masked")));
  Release r;
  r.cells.push_back({Key(Iris(0), "2"), CellStatus::kPublished});
  EXPECT_THAT(m.Record(r), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(m.size(), 1u);
}

// Release 1 gives the IRIS only; release 2 asks for the commune margins too.
// Everything masked before stays masked, and together they pass the audit.
TEST(ReleaseMemoryTest, LaterReleaseKeepsEarlierMaskedCellsMasked) {
  CTG_ASSERT_OK_AND_ASSIGN(Geography g, GridGeography(3));
  TableInput in = GridInput({{20, 3}, {15, 12}, {8, 9}});
  in.requested_territories = {Iris(0), Iris(1), Iris(2)};
  CTG_ASSERT_OK_AND_ASSIGN(TableModel first, BuildTable(g, in));
  SdcConfig config;
  CTG_ASSERT_OK_AND_ASSIGN(Release r1, ProtectTable(first, {}, config, "v1"));
  ReleaseMemory memory;
  ASSERT_THAT(memory.Record(r1), ::ctg::testing::IsOk());
  in.requested_territories.clear();
  CTG_ASSERT_OK_AND_ASSIGN(TableModel second, BuildTable(g, in));
  CTG_ASSERT_OK_AND_ASSIGN(Release r2,
                           ProtectTable(second, memory, config, "v1"));
  for (const std::string& name : Masked(r1))
    EXPECT_TRUE(Masked(r2).count(name)) << name;
  EXPECT_FALSE(MaskedWithReason(r2, MaskReason::kEarlierRelease).empty());
  CTG_ASSERT_OK_AND_ASSIGN(AuditReport a,
                           AuditRelease(second, r2, memory, config));
  EXPECT_TRUE(a.passed());
  // The text form survives the round trip the caller makes through SQLite.
  CTG_ASSERT_OK_AND_ASSIGN(ReleaseMemory back,
                           ReleaseMemory::Parse(memory.Serialize()));
  CTG_ASSERT_OK_AND_ASSIGN(Release again,
                           ProtectTable(second, back, config, "v1"));
  EXPECT_EQ(Masked(again), Masked(r2));
}

TEST(ReleaseMemoryTest, BaseReplacedMakingAPublishedCellSmallIsUnsafe) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel v2, MakeGrid({{20, 3}, {15, 12}}));
  ReleaseMemory memory;
  ASSERT_THAT(memory.AddPublished(Key(Iris(0), "2"), 6, 0, "v1"),
              ::ctg::testing::IsOk());
  EXPECT_THAT(
      ProtectTable(v2, memory, SdcConfig{}, "v2"),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("unsafe: cell 330690001/2023/N/k=2 was published")));
}

TEST(ReleaseMemoryTest, EarlierPublishedCellsThatRevealAMaskedOneAreUnsafe) {
  // Base v1 published A. and A1 and masked A2; base v2 still has A2 = 3 and
  // its margins, but A2 = A. - A1 is known from v1: nothing can protect it.
  CTG_ASSERT_OK_AND_ASSIGN(TableModel v2, MakeGrid({{20, 3}, {15, 12}}));
  ReleaseMemory memory;
  ASSERT_THAT(memory.AddPublished(Key(Iris(0)), 23, 0, "v1"),
              ::ctg::testing::IsOk());
  ASSERT_THAT(memory.AddPublished(Key(Iris(0), "1"), 20, 0, "v1"),
              ::ctg::testing::IsOk());
  EXPECT_THAT(ProtectTable(v2, memory, SdcConfig{}, "v2"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("unsafe: earlier releases")));
}

TEST(ReleaseMemoryTest, MemoryCellOutsideTheModelIsRefused) {
  CTG_ASSERT_OK_AND_ASSIGN(TableModel m, MakeGrid({{20, 3}, {15, 12}}));
  ReleaseMemory memory;
  ASSERT_THAT(memory.AddMasked(Key("330699999"), "v1"), ::ctg::testing::IsOk());
  EXPECT_THAT(
      ProtectTable(m, memory, SdcConfig{}, "v2"),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("330699999")));
  // Cells of blocks that are not in this release do not matter.
  ReleaseMemory other;
  ASSERT_THAT(other.AddMasked({"330699999", "2019", "N", "", ""}, "v0"),
              ::ctg::testing::IsOk());
  EXPECT_THAT(ProtectTable(m, other, SdcConfig{}, "v2"),
              ::ctg::testing::IsOk());
}

}  // namespace
}  // namespace ctg::policy::sdc
