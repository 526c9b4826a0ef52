// The attacker itself, on releases written by hand (no engine): it must find
// what a reader can derive, through additivity, relations between indicators,
// status words and earlier releases, and must not report safe releases.
#include "tests/attack/reader_model.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/attack/random_bases.h"

namespace ctg::attack {
namespace {

namespace sdc = ::ctg::policy::sdc;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr auto P = sdc::CellStatus::kPublished;
constexpr auto M = sdc::CellStatus::kMasked;
constexpr auto X = sdc::CellStatus::kExcluded;

std::vector<Household> Many(int n, int family, bool rsa = false) {
  Household h;
  h.family = family;
  if (family == kCoupleWith || family == kSingleParent) h.children = {7};
  h.rsa = rsa;
  return std::vector<Household>(n, h);
}

sdc::ReleasedCell Cell(const std::string& territory,
                       const std::string& indicator, sdc::CellStatus status,
                       int64_t value = 0, const std::string& category = "") {
  return {.key = {territory, "2023", indicator,
                  category.empty() ? "" : "family_type", category},
          .status = status,
          .value = value};
}

std::vector<std::string> Judged(const ReaderModel& model) {
  auto breaches = model.Judge();
  EXPECT_TRUE(breaches.ok()) << breaches.status();
  std::vector<std::string> out;
  if (breaches.ok()) {
    for (const Breach& b : *breaches) out.push_back(b.ToString());
  }
  return out;
}

ReaderModel ModelOf(const Layout& layout, const AreaHouseholds& h,
                    const std::set<std::string>& indicators) {
  auto base = AssembleBase("2023", layout, h, indicators);
  EXPECT_TRUE(base.ok()) << base.status();
  auto model = ReaderModel::Create(*base, layout.commune, Criteria{});
  EXPECT_TRUE(model.ok()) << model.status();
  return std::move(*model);
}

const Layout kTwoIris{.commune = "33069", .iris = {"330690101", "330690102"}};

TEST(ReaderModelTest, AdditivityAcrossReleasesRevealsASecondaryCell) {
  AreaHouseholds h{{"330690101", Many(120, kIsolated)},
                   {"330690102", Many(130, kIsolated)}};
  ReaderModel model = ModelOf(kTwoIris, h, {"allocataires"});
  ASSERT_TRUE(model
                  .Observe({.cells = {Cell("33069", "allocataires", P, 250),
                                      Cell("330690101", "allocataires", M)}})
                  .ok());
  EXPECT_THAT(Judged(model), IsEmpty());
  // A later release publishes the other IRIS: the masked one is the difference.
  ASSERT_TRUE(
      model.Observe({.cells = {Cell("330690102", "allocataires", P, 130)}})
          .ok());
  EXPECT_THAT(
      Judged(model),
      ElementsAre("C4 330690101/allocataires: feasible [120, 120], true 120"));
}

// IRIS 0101: 60 isolated, 40 couples without children, 3 couples with, 7
// single parents (all on RSA).
AreaHouseholds ObservationOne() {
  AreaHouseholds h;
  auto& a = h["330690101"];
  for (auto more : {Many(60, kIsolated), Many(40, kCoupleWithout),
                    Many(3, kCoupleWith), Many(7, kSingleParent, true)}) {
    a.insert(a.end(), more.begin(), more.end());
  }
  h["330690102"] = Many(150, kIsolated);
  return h;
}

std::vector<sdc::ReleasedCell> FamilyRow(sdc::CellStatus rsa_single_parent) {
  return {Cell("330690101", "allocataires", P, 110),
          Cell("330690101", "allocataires", P, 60, "isolated"),
          Cell("330690101", "allocataires", P, 40, "couple_without_children"),
          Cell("330690101", "allocataires", M, 0, "couple_with_children"),
          Cell("330690101", "allocataires", M, 0, "single_parent"),
          Cell("330690101", "rsa", rsa_single_parent, 7, "single_parent")};
}

TEST(ReaderModelTest, SubPopulationBoundCapsAMaskedCategory) {
  ReaderModel model =
      ModelOf(kTwoIris, ObservationOne(), {"allocataires", "rsa"});
  ASSERT_TRUE(model.Observe({.cells = FamilyRow(P)}).ok());
  EXPECT_THAT(
      Judged(model),
      ElementsAre("C2 330690101/allocataires/family_type=couple_with_children: "
                  "feasible [1, 3], true 3"));
}

TEST(ReaderModelTest, SameCellsWithoutTheSubPopulationFigureAreSafe) {
  ReaderModel model =
      ModelOf(kTwoIris, ObservationOne(), {"allocataires", "rsa"});
  ASSERT_TRUE(model.Observe({.cells = FamilyRow(M)}).ok());
  EXPECT_THAT(Judged(model), IsEmpty());
}

TEST(ReaderModelTest, StatusWordsBoundExcludedTerritories) {
  Layout layout{.commune = "33069",
                .iris = {"330690101", "330690102", "330690103"}};
  AreaHouseholds h{{"330690101", Many(99, kIsolated)},
                   {"330690102", Many(97, kIsolated)},
                   {"330690103", Many(150, kIsolated)}};
  ReaderModel model = ModelOf(layout, h, {"allocataires"});
  ASSERT_TRUE(
      model
          .Observe({.cells = {Cell("330690101", "allocataires", X),
                              Cell("330690102", "allocataires", X),
                              Cell("330690103", "allocataires", P, 150)}})
          .ok());
  // Without the commune's total: each excluded IRIS is anywhere in [0, 99].
  EXPECT_THAT(Judged(model), IsEmpty());
  ASSERT_TRUE(
      model.Observe({.cells = {Cell("33069", "allocataires", P, 346)}}).ok());
  EXPECT_THAT(
      Judged(model),
      ElementsAre("C3 330690101 (allocataires of an excluded territory): "
                  "feasible [97, 99], true 99",
                  "C3 330690102 (allocataires of an excluded territory): "
                  "feasible [97, 99], true 97"));
}

TEST(ReaderModelTest, AHiddenPieceUnderTheThresholdMustNotBeDerived) {
  Layout layout{.commune = "33069",
                .iris = {"330690101", "330690102"},
                .qpvs = {{"QN03301M", {"330690101"}}}};
  AreaHouseholds h{{"330690101", Many(40, kIsolated)},
                   {"330690101+QN03301M", Many(110, kIsolated)},
                   {"330690102", Many(150, kIsolated)}};
  ReaderModel model = ModelOf(layout, h, {"allocataires"});
  ASSERT_TRUE(
      model.Observe({.cells = {Cell("330690101", "allocataires", P, 150)}})
          .ok());
  EXPECT_THAT(Judged(model), IsEmpty());
  // The QPV lies in one IRIS: the IRIS outside it is the difference.
  ASSERT_TRUE(
      model.Observe({.cells = {Cell("QN03301M", "allocataires", P, 110)}})
          .ok());
  EXPECT_THAT(Judged(model),
              ElementsAre("C3-hidden 330690101 outside its QPVs (allocataires, "
                          "never released): feasible [40, 40], true 40"));
}

TEST(ReaderModelTest, DirectDisclosuresAreReported) {
  Layout layout{.commune = "33069", .iris = {"330690101", "330690102"}};
  AreaHouseholds h{{"330690101", Many(90, kIsolated)},
                   {"330690102", Many(150, kIsolated)}};
  ReaderModel model = ModelOf(layout, h, {"allocataires"});
  ASSERT_TRUE(model
                  .Observe({.cells = {Cell("330690101", "allocataires", P, 90),
                                      Cell("330690102", "allocataires", X)}})
                  .ok());
  auto breaches = model.Judge();
  ASSERT_TRUE(breaches.ok()) << breaches.status();
  std::vector<std::string> criteria;
  for (const Breach& b : *breaches) criteria.push_back(b.criterion);
  EXPECT_THAT(criteria, ElementsAre("C0", "C0"));
}

TEST(ReaderModelTest, ACellOutsideTheCommuneIsRefused) {
  ReaderModel model = ModelOf(kTwoIris, ObservationOne(), {"allocataires"});
  EXPECT_FALSE(
      model.Observe({.cells = {Cell("33070", "allocataires", P, 1)}}).ok());
}

}  // namespace
}  // namespace ctg::attack
