// BuildScopeModel and ModelIndicators on a fake period source: the reader
// model's indicators, the periods' common territories, the requested cells.
#include "policy/sdc/scope_model.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/policy/sdc/sdc_test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy::sdc {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using testing::GridInput;
using ::testing::HasSubstr;
using testing::Iris;

// N is the population; M is bounded by it; T's total is a cell of M; the
// sum bound "Q <= P".
ScopeCatalogue Catalogue() {
  ScopeCatalogue c;
  c.indicators = {{"N", "", ""}, {"M", "", "N"}, {"T", "M", ""},
                  {"P", "", ""}, {"Q", "", ""},  {"Z", "", ""}};
  c.population = "N";
  c.sum_bounds = {{{{"Q", "", ""}}, "P"}};
  return c;
}

// A base of one period holding indicator N only, over `num_iris` IRIS.
class FakePeriod final : public PeriodSource {
 public:
  FakePeriod(std::string period, int num_iris)
      : period_(std::move(period)), num_iris_(num_iris) {}
  const std::string& period() const override { return period_; }
  absl::StatusOr<CommuneLayout> Layout(
      const std::string& commune) const override {
    if (commune != "33069") return absl::InvalidArgumentError("no commune");
    CommuneLayout layout{"33069", {}, {}};
    for (int i = 0; i < num_iris_; ++i) layout.iris.push_back(Iris(i));
    return layout;
  }
  absl::Status CheckTerritory(const std::string& code) const override {
    for (int i = 0; i < num_iris_; ++i) {
      if (code == Iris(i) || code == "33069") return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat("territory ", code));
  }
  bool HasIndicator(const std::string& code) const override {
    return code == "N";
  }
  absl::StatusOr<BlockInput> Block(
      const Geography&, const std::string& indicator) const override {
    if (indicator != "N") {
      return absl::InvalidArgumentError(
          absl::StrCat("indicator ", indicator, " is not in the base"));
    }
    return Input().blocks[0];
  }
  absl::Status AddPopulations(const Geography&,
                              TableInput& input) const override {
    for (const auto& a : Input().allocataires) input.allocataires.push_back(a);
    return absl::OkStatus();
  }

 private:
  TableInput Input() const {
    std::vector<std::vector<int64_t>> counts(num_iris_, {20, 30});
    return GridInput(counts);
  }
  std::string period_;
  int num_iris_;
};

TEST(ModelIndicatorsTest, RequestedPopulationAndWhatTheyAreTiedTo) {
  const ScopeCatalogue c = Catalogue();
  EXPECT_THAT(ModelIndicators({"N"}, {}, c), ElementsAre("N"));
  // T -> M (total_equals) -> N (bounded_by), in catalogue order.
  EXPECT_THAT(ModelIndicators({"T"}, {}, c), ElementsAre("N", "M", "T"));
  // A term of a sum bound brings its population.
  EXPECT_THAT(ModelIndicators({"Q"}, {}, c), ElementsAre("N", "P", "Q"));
  // Codes outside the catalogue are left out.
  EXPECT_THAT(ModelIndicators({"X"}, {}, c), ElementsAre("N"));
}

TEST(ModelIndicatorsTest, EarlierReleasesAreKnown) {
  ReleaseMemory memory;
  ASSERT_TRUE(
      memory.AddPublished({Iris(0), "2023", "Z", "", ""}, 12, 0, "v1").ok());
  EXPECT_THAT(ModelIndicators({"N"}, memory, Catalogue()),
              ElementsAre("N", "Z"));
}

TEST(BuildScopeModelTest, RequestsExactlyTheScope) {
  const FakePeriod p2023("2023", 2);
  Scope scope{.indicators = {"N"}, .territories = {Iris(0)}, .periods = {}};
  CTG_ASSERT_OK_AND_ASSIGN(
      TableModel model,
      BuildScopeModel("33069", {&p2023}, Catalogue(), scope, {}));
  std::set<std::string> requested;
  for (const Cell& c : model.cells) {
    if (c.requested) requested.insert(c.key.territory);
  }
  EXPECT_EQ(requested, std::set<std::string>{Iris(0)});
}

// Z was released earlier but this base lacks it: knowledge no reader has.
TEST(BuildScopeModelTest, ARelatedIndicatorTheBaseLacksIsLeftOut) {
  const FakePeriod p2023("2023", 2);
  ReleaseMemory memory;
  ASSERT_TRUE(
      memory.AddPublished({Iris(0), "2023", "Z", "", ""}, 12, 0, "v1").ok());
  Scope scope{.indicators = {"N"}, .territories = {Iris(0)}, .periods = {}};
  CTG_ASSERT_OK_AND_ASSIGN(
      TableModel model,
      BuildScopeModel("33069", {&p2023}, Catalogue(), scope, memory));
  ASSERT_EQ(model.blocks.size(), 1u);
  EXPECT_EQ(model.blocks[0].key.indicator, "N");
  // Requested, it is an error.
  scope.indicators = {"N", "Z"};
  EXPECT_THAT(BuildScopeModel("33069", {&p2023}, Catalogue(), scope, memory),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("indicator Z is not in the base")));
}

TEST(BuildScopeModelTest, Refusals) {
  const FakePeriod p2023("2023", 2), p2024("2024", 3);
  Scope scope{.indicators = {"N"}, .territories = {Iris(0)}, .periods = {}};
  EXPECT_THAT(BuildScopeModel("33069", {}, Catalogue(), scope, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no period to release")));
  EXPECT_THAT(
      BuildScopeModel("33069", {&p2023, &p2024}, Catalogue(), scope, {}),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("the territories of commune 33069 differ between "
                         "2023 and 2024")));
  scope.territories = {Iris(5)};
  EXPECT_THAT(BuildScopeModel("33069", {&p2023}, Catalogue(), scope, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat("territory ", Iris(5)))));
}

}  // namespace
}  // namespace ctg::policy::sdc
