#include "gateway/protection.h"

#include <map>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/lp_audit.h"
#include "tests/testing/status_matchers.h"
#include "tools/ctg-synth/synth.h"

namespace ctg::gateway {
namespace {

namespace sdc = ::ctg::policy::sdc;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

class ProtectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto base = synth::GenerateDemo(synth::kDefaultSeed, "2023");
    ASSERT_TRUE(base.ok()) << base.status();
    bases_["2023"] = std::make_shared<const statbase::Base>(std::move(*base));
  }
  policy::Scope AllOf33069() const {
    policy::Scope scope{
        .indicators = {"allocataires", "single_parent_families"},
        .periods = {"2023"},
        .breakdowns = {"family_type"}};
    const statbase::Base& b = *bases_.at("2023");
    for (statbase::TerritoryId id : b.sorted_territories()) {
      const statbase::Territory& t = b.territory(id);
      bool mine = t.code == "33069" || (t.commune != statbase::kNoTerritory &&
                                        b.territory(t.commune).code == "33069");
      if (mine && t.level != statbase::TerritoryLevel::kIrisQpv)
        scope.territories.push_back(t.code);
    }
    return scope;
  }
  BasesByPeriod bases_;
  sdc::SdcConfig config_ = SdcConfigFrom({});
};

TEST_F(ProtectionTest, ReleasesExactlyTheScopeProtected) {
  policy::Scope scope = AllOf33069();
  CTG_ASSERT_OK_AND_ASSIGN(
      sdc::Release release,
      ProtectScope("33069", bases_, scope, {}, config_, "2023@test"));
  const statbase::Base& base = *bases_.at("2023");
  // The model holds more than the scope (breakdowns not asked for, the
  // hidden pieces): the release is exactly the scope's cells.
  CTG_ASSERT_OK_AND_ASSIGN(sdc::TableModel model,
                           BuildScopeModel("33069", bases_, scope));
  std::set<sdc::CellKey> requested, released;
  for (const sdc::Cell& cell : model.cells) {
    if (cell.requested) requested.insert(cell.key);
  }
  ASSERT_LT(requested.size(), model.cells.size());
  const std::set<std::string> indicators(scope.indicators.begin(),
                                         scope.indicators.end());
  const std::set<std::string> territories(scope.territories.begin(),
                                          scope.territories.end());
  int published = 0, masked = 0, excluded = 0;
  for (const sdc::ReleasedCell& cell : release.cells) {
    released.insert(cell.key);
    EXPECT_TRUE(indicators.count(cell.key.indicator)) << cell.key.ToString();
    EXPECT_TRUE(territories.count(cell.key.territory)) << cell.key.ToString();
    EXPECT_TRUE(cell.key.breakdown.empty() ||
                cell.key.breakdown == "family_type")
        << cell.key.ToString();
    if (cell.status == sdc::CellStatus::kPublished) {
      ++published;
      // A published figure is the base's figure.
      CTG_ASSERT_OK_AND_ASSIGN(
          statbase::CellValue v,
          base.Find(cell.key.territory, cell.key.indicator, cell.key.breakdown,
                    cell.key.category));
      EXPECT_EQ(cell.value, v.count) << cell.key.ToString();
      // R7: nothing published is a small count.
      EXPECT_TRUE(cell.value == 0 || cell.value >= 5) << cell.key.ToString();
    } else if (cell.status == sdc::CellStatus::kMasked) {
      ++masked;
    } else {
      ++excluded;
    }
  }
  EXPECT_EQ(released, requested);
  EXPECT_GT(published, 0);
  EXPECT_GT(masked, 0);
  // R6: the demo's small IRIS is excluded.
  EXPECT_GT(excluded, 0);
  ASSERT_FALSE(release.excluded.empty());
  EXPECT_TRUE(release.audit.passed());
  // Sorted, no duplicates.
  for (size_t i = 1; i < release.cells.size(); ++i) {
    EXPECT_LT(release.cells[i - 1].key, release.cells[i].key);
  }
}

TEST_F(ProtectionTest, TotalsOnlyWhenNoBreakdownIsAsked) {
  policy::Scope scope = AllOf33069();
  scope.breakdowns.clear();
  CTG_ASSERT_OK_AND_ASSIGN(
      sdc::Release release,
      ProtectScope("33069", bases_, scope, {}, config_, "v"));
  for (const sdc::ReleasedCell& cell : release.cells) {
    EXPECT_TRUE(cell.key.breakdown.empty()) << cell.key.ToString();
  }
}

TEST_F(ProtectionTest, MemoryKeepsMaskedCellsMasked) {
  policy::Scope scope = AllOf33069();
  CTG_ASSERT_OK_AND_ASSIGN(
      sdc::Release first,
      ProtectScope("33069", bases_, scope, {}, config_, "v"));
  sdc::ReleaseMemory memory;
  ASSERT_TRUE(memory.Record(first).ok());
  // A narrower second release: the commune without one IRIS.
  policy::Scope narrower = scope;
  narrower.territories.erase(narrower.territories.begin() + 1);
  CTG_ASSERT_OK_AND_ASSIGN(
      sdc::Release second,
      ProtectScope("33069", bases_, narrower, memory, config_, "v"));
  for (const sdc::ReleasedCell& cell : second.cells) {
    const sdc::MemoryEntry* before = memory.Find(cell.key);
    ASSERT_NE(before, nullptr) << cell.key.ToString();
    EXPECT_EQ(before->state == sdc::MemoryEntry::State::kMasked,
              cell.status != sdc::CellStatus::kPublished)
        << cell.key.ToString();
  }
}

// The reader knows that RSA recipients never outnumber allocataires and
// what the status words say: a release of RSA alone is modelled with the
// allocataire count (and, transitively, persons covered) tied to it by
// bounds, unreleased, and passes the audit of that full model.
TEST_F(ProtectionTest, RelatedIndicatorsAreModelledUnreleased) {
  policy::Scope scope = AllOf33069();
  scope.indicators = {"rsa"};
  CTG_ASSERT_OK_AND_ASSIGN(sdc::TableModel model,
                           BuildScopeModel("33069", bases_, scope));
  std::set<std::string> blocks;
  for (const sdc::Block& b : model.blocks) blocks.insert(b.key.indicator);
  EXPECT_TRUE(blocks.count("rsa") && blocks.count("allocataires") &&
              blocks.count("persons_covered"));
  EXPECT_FALSE(model.bounds.empty());
  CTG_ASSERT_OK_AND_ASSIGN(
      sdc::Release release,
      ProtectScope("33069", bases_, scope, {}, config_, "v"));
  for (const sdc::ReleasedCell& cell : release.cells) {
    EXPECT_EQ(cell.key.indicator, "rsa") << cell.key.ToString();
  }
  EXPECT_TRUE(release.audit.passed());
  // AuditRelease wants the requested cells in model order.
  std::map<sdc::CellKey, sdc::ReleasedCell> by_key;
  for (const sdc::ReleasedCell& cell : release.cells) by_key[cell.key] = cell;
  sdc::Release ordered = release;
  ordered.cells.clear();
  for (const sdc::Cell& cell : model.cells) {
    if (cell.requested) ordered.cells.push_back(by_key.at(cell.key));
  }
  CTG_ASSERT_OK_AND_ASSIGN(sdc::AuditReport audit,
                           sdc::AuditRelease(model, ordered, {}, config_));
  EXPECT_TRUE(audit.passed());
}

TEST_F(ProtectionTest, UnknownTerritoryIsRefused) {
  policy::Scope scope = AllOf33069();
  scope.territories.push_back("330699999");
  EXPECT_THAT(
      ProtectScope("33069", bases_, scope, {}, config_, "v"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr(
              "territory 330699999 is not in the statistical base of 2023")));
}

}  // namespace
}  // namespace ctg::gateway
