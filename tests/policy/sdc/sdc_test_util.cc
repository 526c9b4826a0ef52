#include "tests/policy/sdc/sdc_test_util.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ctg::policy::sdc::testing {

std::string Iris(int i) { return absl::StrFormat("33069%04d", i + 1); }

absl::StatusOr<Geography> GridGeography(size_t num_iris) {
  CommuneLayout layout{"33069", {}, {}};
  for (size_t i = 0; i < num_iris; ++i)
    layout.iris.push_back(Iris(static_cast<int>(i)));
  return CommuneGeography(layout);
}

TableInput GridInput(const std::vector<std::vector<int64_t>>& counts,
                     std::vector<int64_t> populations) {
  BlockInput b{"N", "2023", IndicatorKind::kCount, false, {{"k", {}}}, {}, {}};
  const size_t ncat = counts.empty() ? 0 : counts[0].size();
  for (size_t c = 0; c < ncat; ++c)
    b.breakdowns[0].categories.push_back(absl::StrCat(c + 1));
  TableInput in;
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t total = 0;
    for (size_t c = 0; c < ncat; ++c) {
      b.figures.push_back(
          {Iris(static_cast<int>(i)), "k", absl::StrCat(c + 1), counts[i][c]});
      total += counts[i][c];
    }
    b.figures.push_back({Iris(static_cast<int>(i)), "", "", total});
    const int64_t pop = i < populations.size() ? populations[i] : 1000;
    in.allocataires.push_back({"2023", Iris(static_cast<int>(i)), pop});
  }
  in.blocks.push_back(std::move(b));
  return in;
}

absl::StatusOr<TableModel> MakeGrid(
    const std::vector<std::vector<int64_t>>& counts,
    std::vector<int64_t> populations) {
  absl::StatusOr<Geography> geo = GridGeography(counts.size());
  if (!geo.ok()) return geo.status();
  return BuildTable(*geo, GridInput(counts, std::move(populations)));
}

std::string ShortName(const CellKey& key) {
  const std::string& t = key.territory;
  const std::string suffix = key.is_total() ? "." : key.category;
  if (t == "33069") return absl::StrCat(".", suffix);
  if (t.size() == 9 && t.rfind("33069", 0) == 0) {
    const char letter = static_cast<char>('A' + std::stoi(t.substr(5)) - 1);
    return absl::StrCat(absl::string_view(&letter, 1), suffix);
  }
  return absl::StrCat(t, suffix);
}

std::set<std::string> Masked(const Release& release) {
  std::set<std::string> out;
  for (const ReleasedCell& c : release.cells) {
    if (c.status != CellStatus::kPublished) out.insert(ShortName(c.key));
  }
  return out;
}

std::set<std::string> MaskedWithReason(const Release& release,
                                       MaskReason reason) {
  std::set<std::string> out;
  for (const ReleasedCell& c : release.cells) {
    if (c.status != CellStatus::kPublished && c.reason == reason) {
      out.insert(ShortName(c.key));
    }
  }
  return out;
}

}  // namespace ctg::policy::sdc::testing
