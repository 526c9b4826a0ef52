// Hand-built communes where a fully informed reader breaks the secret
// statistique by reasoning the engine's own model leaves out: a bound between
// indicators (a sub-population is never larger than its population) and the
// status words (excluded: under 100 allocataires; shown: at least 100).
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/attack/attack_session.h"
#include "tests/attack/random_bases.h"

namespace ctg::attack {
namespace {

std::vector<Household> Many(int n, int family, bool sub = false) {
  Household h;
  h.family = family;
  if (family == kCoupleWith || family == kSingleParent) h.children = {7};
  h.rsa = sub;
  h.low_income = sub;
  return std::vector<Household>(n, h);
}

void Append(std::vector<Household>& to, const std::vector<Household>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

std::vector<std::string> Strings(const std::vector<Breach>& breaches) {
  std::vector<std::string> out;
  for (const Breach& b : breaches) out.push_back(b.ToString());
  return out;
}

struct SubPopulationCase {
  const char* indicator;  // rsa or low_income
  int true_value;         // couples with children in IRIS 0101
  friend std::ostream& operator<<(std::ostream& os,
                                  const SubPopulationCase& c) {
    return os << c.indicator << " " << c.true_value;
  }
};

class SubPopulationBoundTest
    : public ::testing::TestWithParam<SubPopulationCase> {};

// IRIS 0101: couples with children `true_value` (masked, 1-4), single
// parents 7 (the smallest other category: its secondary), every single
// parent in the sub-population, whose single-parent figure (7) is published.
// The IRIS total and the other two categories are published, so couples with
// children + single parents = 7 + true_value while single parents >= 7.
// Fails on an engine that ignores bounds between indicators: the masked
// cell is then pinned to [1, true value] (C2).
TEST_P(SubPopulationBoundTest, MaskedFamilyTypeKeepsItsInterval) {
  const SubPopulationCase& c = GetParam();
  Layout layout{.commune = "33069", .iris = {"330690101", "330690102"}};
  AreaHouseholds h;
  auto& a = h["330690101"];
  Append(a, Many(8, kIsolated, true));
  Append(a, Many(52, kIsolated));
  Append(a, Many(5, kCoupleWithout, true));
  Append(a, Many(35, kCoupleWithout));
  Append(a, Many(c.true_value, kCoupleWith));
  Append(a, Many(7, kSingleParent, true));
  auto& b = h["330690102"];
  Append(b, Many(10, kIsolated, true));
  Append(b, Many(60, kIsolated));
  Append(b, Many(6, kCoupleWithout, true));
  Append(b, Many(44, kCoupleWithout));
  Append(b, Many(6, kCoupleWith, true));
  Append(b, Many(14, kCoupleWith));
  Append(b, Many(5, kSingleParent, true));
  Append(b, Many(5, kSingleParent));
  auto base = AssembleBase(kPeriod, layout, h, {"allocataires", c.indicator});
  ASSERT_TRUE(base.ok()) << base.status();
  Counts counts;
  Session session("33069", *base, counts);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(
      session.Request({.indicators = {"allocataires", c.indicator},
                       .territories = {"33069", "330690101", "330690102"},
                       .periods = {kPeriod},
                       .breakdowns = {"family_type"}},
                      "first release"));
  EXPECT_EQ(counts.releases, 1) << "refused";
  EXPECT_THAT(Strings(session.Judge("first release")), ::testing::IsEmpty())
      << counts;
}

INSTANTIATE_TEST_SUITE_P(Observation1, SubPopulationBoundTest,
                         ::testing::Values(SubPopulationCase{"rsa", 3},
                                           SubPopulationCase{"rsa", 4},
                                           SubPopulationCase{"low_income", 3}),
                         [](const auto& p) {
                           return absl::StrCat(p.param.indicator, "_",
                                               p.param.true_value);
                         });

struct StatusWordCase {
  int first, second;  // allocataires of the two excluded IRIS
  friend std::ostream& operator<<(std::ostream& os, const StatusWordCase& c) {
    return os << c.first << " + " << c.second;
  }
};

class StatusWordsTest : public ::testing::TestWithParam<StatusWordCase> {};

// Two excluded IRIS and two shown ones, the commune and the shown IRIS
// published: the excluded pair's sum is known, and each is at most 99.
// Fails on an engine that ignores what the status words reveal: 99 + 99
// then pins both IRIS to 99 (C1, C3) and 99 + 97 leaves [97, 99] (C3).
TEST_P(StatusWordsTest, ExcludedIrisKeepTheirWidth) {
  const StatusWordCase& c = GetParam();
  Layout layout{.commune = "33069",
                .iris = {"330690101", "330690102", "330690103", "330690104"}};
  AreaHouseholds h;
  h["330690101"] = Many(c.first, kIsolated);
  h["330690102"] = Many(c.second, kIsolated);
  h["330690103"] = Many(150, kIsolated);
  h["330690104"] = Many(120, kIsolated);
  auto base = AssembleBase(kPeriod, layout, h, {"allocataires"});
  ASSERT_TRUE(base.ok()) << base.status();
  Counts counts;
  Session session("33069", *base, counts);
  ASSERT_TRUE(session.ok());
  policy::Scope scope{.indicators = {"allocataires"}, .periods = {kPeriod}};
  scope.territories = {"33069"};
  scope.territories.insert(scope.territories.end(), layout.iris.begin(),
                           layout.iris.end());
  ASSERT_TRUE(session.Request(scope, "first release"));
  EXPECT_EQ(counts.releases, 1) << "refused";
  EXPECT_THAT(Strings(session.Judge("first release")), ::testing::IsEmpty())
      << counts;
}

INSTANTIATE_TEST_SUITE_P(Observation2, StatusWordsTest,
                         ::testing::Values(StatusWordCase{99, 99},
                                           StatusWordCase{99, 97}),
                         [](const auto& p) {
                           return absl::StrCat(p.param.first, "_",
                                               p.param.second);
                         });

// Two IRIS with 3 and 2 single parents (both masked, R7): their sum, the
// commune's single-parent cell (5), must stay masked, or each would be at
// most 4. A first release publishes the commune's single-parent family
// total, which the catalogue defines as that same cell (total_equals); a
// second release of allocataires by family type must count it as known:
// refused, or protected some other way, never masked as if unknown. Fails
// on an engine that models only the requested indicators and their
// relations: the memory's figure is then ignored and the masked pair is
// pinned below the threshold (C2, C4).
TEST(LinkedIndicatorMemoryTest,
     FigureOfALinkedIndicatorReleasedEarlierIsKnown) {
  Layout layout{.commune = "33069", .iris = {"330690101", "330690102"}};
  AreaHouseholds h;
  for (const auto& [iris, single_parents] :
       {std::pair{"330690101", 3}, std::pair{"330690102", 2}}) {
    auto& a = h[iris];
    Append(a, Many(60, kIsolated));
    Append(a, Many(30, kCoupleWithout));
    Append(a, Many(20, kCoupleWith));
    Append(a, Many(single_parents, kSingleParent));
  }
  auto base = AssembleBase(kPeriod, layout, h,
                           {"allocataires", "single_parent_families"});
  ASSERT_TRUE(base.ok()) << base.status();
  Counts counts;
  Session session("33069", *base, counts);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(session.Request({.indicators = {"single_parent_families"},
                               .territories = {"33069"},
                               .periods = {kPeriod}},
                              "first release"));
  ASSERT_EQ(counts.published, 1) << counts;
  ASSERT_TRUE(
      session.Request({.indicators = {"allocataires"},
                       .territories = {"33069", "330690101", "330690102"},
                       .periods = {kPeriod},
                       .breakdowns = {"family_type"}},
                      "second release"));
  EXPECT_THAT(Strings(session.Judge("both releases")), ::testing::IsEmpty())
      << counts;
}

}  // namespace
}  // namespace ctg::attack
