#include "tests/attack/random_bases.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "statbase/base_builder.h"
#include "statbase/catalogue.h"

namespace ctg::attack {
namespace {

using statbase::CellId;
using statbase::CellValue;

// Figures of one area or territory, by CellId.
using Cells = std::vector<CellValue>;

CellId Cell(const char* indicator, const char* breakdown = "",
            const char* category = "") {
  return *statbase::FindCell(indicator, breakdown, category);
}

CellId CategoryOf(const char* indicator, const char* breakdown, int index) {
  const statbase::Indicator* ind = statbase::FindIndicator(indicator);
  const statbase::Breakdown* b = statbase::FindBreakdown(*ind, breakdown);
  return *statbase::FindCell(indicator, breakdown, b->categories[index].code);
}

void Add(Cells& cells, CellId cell, int64_t amount = 0) {
  cells[cell].count += 1;
  cells[cell].amount += amount;
}

void AddHousehold(const Household& h, Cells& c) {
  Add(c, Cell("allocataires"));
  Add(c, CategoryOf("allocataires", "family_type", h.family));
  Add(c, CategoryOf("allocataires", "age_head", h.age_head));
  const bool couple = h.family == kCoupleWithout || h.family == kCoupleWith;
  c[Cell("persons_covered")].count += 1 + (couple ? 1 : 0) +
                                      static_cast<uint32_t>(h.children.size()) +
                                      h.other_dependants;
  for (int age : h.children) {
    if (age >= 18) continue;
    Add(c, Cell("children"));
    Add(c, CategoryOf("children", "age_band",
                      age <= 2    ? 0
                      : age <= 5  ? 1
                      : age <= 11 ? 2
                                  : 3));
  }
  const int n = std::min<int>(3, static_cast<int>(h.children.size()));
  if (h.family == kSingleParent || h.family == kCoupleWith) {
    const char* ind = h.family == kSingleParent ? "single_parent_families"
                                                : "couples_with_children";
    Add(c, Cell(ind));
    Add(c, CategoryOf(ind, "children_count", n - 1));
  }
  if (h.rsa) {
    Add(c, Cell("rsa"));
    Add(c, CategoryOf("rsa", "family_type", h.family));
  }
  if (h.aah) {
    Add(c, Cell("aah"));
    Add(c, CategoryOf("aah", "age_head", h.age_head));
  }
  if (h.low_income) {
    Add(c, Cell("low_income"));
    Add(c, CategoryOf("low_income", "family_type", h.family));
  }
  if (h.paje) Add(c, Cell("paje"));
  if (h.housing_aid >= 0) {
    Add(c, Cell("housing_aid"));
    Add(c, CategoryOf("housing_aid", "aid_type", h.housing_aid));
    if (h.housing_paid > 0) {
      Add(c, Cell("housing_aid_amount"), h.housing_paid);
      Add(c, CategoryOf("housing_aid_amount", "aid_type", h.housing_aid),
          h.housing_paid);
    }
  }
}

void AddInto(Cells& to, const Cells& from) {
  for (size_t i = 0; i < to.size(); ++i) {
    to[i].count += from[i].count;
    to[i].amount += from[i].amount;
  }
}

struct Row {
  statbase::TerritoryLevel level;
  std::string code;
  Cells cells;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const statbase::Base>> AssembleBase(
    const std::string& period, const Layout& layout,
    const AreaHouseholds& households, const std::set<std::string>& indicators) {
  const Cells zero(statbase::CellCount());
  auto area = [&](const std::string& code) {
    Cells c = zero;
    auto it = households.find(code);
    if (it != households.end()) {
      for (const Household& h : it->second) AddHousehold(h, c);
    }
    return c;
  };
  std::vector<Row> rows;
  Cells commune = zero;
  std::map<std::string, Cells> qpv;
  for (const auto& [code, overlapped] : layout.qpvs) qpv[code] = zero;
  for (const std::string& iris : layout.iris) {
    Cells whole = area(iris);
    std::vector<Row> pieces;
    for (const auto& [code, overlapped] : layout.qpvs) {
      if (std::find(overlapped.begin(), overlapped.end(), iris) ==
          overlapped.end())
        continue;
      Cells piece = area(absl::StrCat(iris, "+", code));
      AddInto(whole, piece);
      AddInto(qpv[code], piece);
      pieces.push_back({statbase::TerritoryLevel::kIrisQpv,
                        absl::StrCat(iris, "+", code), piece});
    }
    AddInto(commune, whole);
    rows.push_back({statbase::TerritoryLevel::kIris, iris, whole});
    for (Row& p : pieces) rows.push_back(std::move(p));
  }
  rows.insert(rows.begin(),
              {statbase::TerritoryLevel::kCommune, layout.commune, commune});
  for (auto& [code, cells] : qpv)
    rows.push_back({statbase::TerritoryLevel::kQpv, code, cells});

  auto builder = statbase::BaseBuilder::Create(period);
  if (!builder.ok()) return builder.status();
  int64_t line = 1;
  for (const Row& row : rows) {
    const bool is_commune = row.level == statbase::TerritoryLevel::kCommune;
    auto id = builder->AddTerritory(
        {.level = row.level,
         .code = row.code,
         .name = absl::StrCat("Territoire ", row.code),
         .parent_commune = is_commune ? "" : layout.commune},
        ++line);
    if (!id) return builder->errors().ToStatus("attack base");
    for (const std::string& code : indicators) {
      auto ind = statbase::FindIndicatorId(code);
      if (!ind)
        return absl::InvalidArgumentError(
            absl::StrCat("unknown indicator ", code));
      for (CellId cell = statbase::FirstCell(*ind);
           cell < statbase::FirstCell(*ind) + statbase::CellsOf(*ind); ++cell) {
        builder->SetCell(*id, cell, row.cells[cell].count,
                         row.cells[cell].amount, line);
      }
    }
  }
  auto base = builder->Build(absl::StrCat("attack base ", layout.commune));
  if (!base.ok()) return base.status();
  return std::make_shared<const statbase::Base>(std::move(*base));
}

namespace {

double Uniform(std::mt19937_64& rng) {
  return std::uniform_real_distribution<double>(0, 1)(rng);
}
int Between(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}
template <typename T>
T Pick(std::mt19937_64& rng, std::initializer_list<T> values) {
  return *(values.begin() +
           Between(rng, 0, static_cast<int>(values.size()) - 1));
}

// A territory size: often at the threshold, sometimes small.
int Population(std::mt19937_64& rng) {
  double u = Uniform(rng);
  if (u < 0.35) return Pick(rng, {99, 100, 101});
  if (u < 0.50) return Between(rng, 0, 98);
  if (u < 0.60) return Between(rng, 102, 110);
  return Between(rng, 102, 400);
}

// One area's habits: family-type shares (some tiny), and benefit rates per
// family type that are often 0 or 1.
struct Profile {
  std::vector<double> family;  // cumulative
  std::vector<double> age;     // cumulative
  double rsa[4], low[4], aah, housing, paid, paje;
};

std::vector<double> Cumulative(std::mt19937_64& rng, int n) {
  std::vector<double> w(n);
  double sum = 0;
  for (double& x : w) {
    x = std::exponential_distribution<double>(1.0)(rng);
    if (Uniform(rng) < 0.3) x *= 0.03;  // a small category
    sum += x;
  }
  double acc = 0;
  for (double& x : w) x = (acc += x / sum);
  return w;
}

int Draw(std::mt19937_64& rng, const std::vector<double>& cumulative) {
  double u = Uniform(rng);
  for (size_t i = 0; i < cumulative.size(); ++i) {
    if (u < cumulative[i]) return static_cast<int>(i);
  }
  return static_cast<int>(cumulative.size()) - 1;
}

Profile RandomProfile(std::mt19937_64& rng) {
  Profile p;
  p.family = Cumulative(rng, 4);
  p.age = Cumulative(rng, 6);
  for (int f = 0; f < 4; ++f) {
    p.rsa[f] = Pick(rng, {0.0, 0.05, 0.3, 1.0});
    p.low[f] = Pick(rng, {0.0, 0.1, 0.5, 1.0});
  }
  p.aah = Pick(rng, {0.0, 0.03, 0.2, 1.0});
  p.housing = Pick(rng, {0.0, 0.4, 0.7, 1.0});
  p.paid = Pick(rng, {0.8, 1.0});
  p.paje = Pick(rng, {0.0, 0.5, 1.0});
  return p;
}

Household RandomHousehold(std::mt19937_64& rng, const Profile& p) {
  Household h;
  h.family = Draw(rng, p.family);
  h.age_head = Draw(rng, p.age);
  if (h.family == kCoupleWith || h.family == kSingleParent) {
    int n = 1;
    while (n < 6 && Uniform(rng) < 0.45) ++n;
    for (int i = 0; i < n; ++i) h.children.push_back(Between(rng, 0, 20));
  }
  h.other_dependants = Uniform(rng) < 0.05 ? 1 : 0;
  h.rsa = Uniform(rng) < p.rsa[h.family];
  h.low_income = Uniform(rng) < p.low[h.family];
  h.aah = Uniform(rng) < p.aah;
  bool young = std::any_of(h.children.begin(), h.children.end(),
                           [](int a) { return a <= 2; });
  h.paje = young && Uniform(rng) < p.paje;
  if (Uniform(rng) < p.housing) {
    h.housing_aid = Between(rng, 0, 2);
    if (Uniform(rng) < p.paid) h.housing_paid = Between(rng, 20, 600);
  }
  return h;
}

void Fill(std::mt19937_64& rng, int n, std::vector<Household>& out) {
  Profile p = RandomProfile(rng);
  for (int i = 0; i < n; ++i) out.push_back(RandomHousehold(rng, p));
}

// Splits `total` households over areas with capacities, aiming at `target`
// for their sum when it fits.
std::vector<int> PieceSizes(std::mt19937_64& rng,
                            const std::vector<int>& capacity, int target) {
  std::vector<int> out(capacity.size());
  int room = 0;
  for (int c : capacity) room += c;
  if (target >= 0 && target <= room) {
    int left = target;
    for (size_t i = 0; i < out.size(); ++i) {
      int rest_room = room - capacity[i];
      int lo = std::max(0, left - rest_room), hi = std::min(capacity[i], left);
      out[i] = i + 1 == out.size() ? left : Between(rng, lo, hi);
      left -= out[i];
      room -= capacity[i];
    }
    return out;
  }
  for (size_t i = 0; i < out.size(); ++i) {
    double u = Uniform(rng);
    out[i] = u < 0.2   ? std::min(capacity[i], Between(rng, 0, 6))
             : u < 0.3 ? capacity[i] - std::min(capacity[i], Between(rng, 0, 6))
                       : Between(rng, 0, capacity[i]);
  }
  return out;
}

}  // namespace

absl::StatusOr<RandomCommune> GenerateCommune(std::mt19937_64& rng,
                                              const std::string& code,
                                              const std::string& period) {
  RandomCommune out;
  Layout& layout = out.layout;
  layout.commune = code;
  const int n_iris = Between(rng, 2, 5);
  std::vector<int> size(n_iris);
  const bool small_commune = Uniform(rng) < 0.05;
  for (int i = 0; i < n_iris; ++i) {
    layout.iris.push_back(
        absl::StrCat(code, "01", i + 1 < 10 ? "0" : "", i + 1));
    size[i] = small_commune ? Between(rng, 20, 60) : Population(rng);
  }
  // QPVs: the first spans several IRIS when it can.
  const int n_qpv = Pick(rng, {0, 1, 1, 2});
  std::vector<int> left = size;
  AreaHouseholds households;
  for (int q = 0; q < n_qpv; ++q) {
    std::string qpv = absl::StrCat("QN033", Between(rng, 10, 99),
                                   std::string(1, static_cast<char>('A' + q)));
    std::vector<int> overlapped;
    for (int i = 0; i < n_iris; ++i) {
      if (Uniform(rng) < 0.5) overlapped.push_back(i);
    }
    if (overlapped.empty() || (q == 0 && overlapped.size() < 2))
      overlapped = {0, 1};
    std::vector<int> capacity;
    for (int i : overlapped) capacity.push_back(left[i]);
    int target = Uniform(rng) < 0.3 ? Pick(rng, {99, 100, 101}) : -1;
    std::vector<int> pieces = PieceSizes(rng, capacity, target);
    for (size_t k = 0; k < overlapped.size(); ++k) {
      const std::string& iris = layout.iris[overlapped[k]];
      layout.qpvs[qpv].push_back(iris);
      left[overlapped[k]] -= pieces[k];
      Fill(rng, pieces[k], households[absl::StrCat(iris, "+", qpv)]);
    }
  }
  for (int i = 0; i < n_iris; ++i)
    Fill(rng, left[i], households[layout.iris[i]]);
  std::set<std::string> indicators = {
      "allocataires", Uniform(rng) < 0.5 ? "rsa" : "low_income"};
  for (const char* other :
       {"persons_covered", "children", "single_parent_families",
        "couples_with_children", "rsa", "aah", "housing_aid", "paje",
        "low_income", "housing_aid_amount"}) {
    if (Uniform(rng) < 0.35) indicators.insert(other);
  }
  if (indicators.count("housing_aid_amount")) indicators.insert("housing_aid");
  auto base = AssembleBase(period, layout, households, indicators);
  if (!base.ok()) return base.status();
  out.base = std::move(*base);
  return out;
}

}  // namespace ctg::attack
