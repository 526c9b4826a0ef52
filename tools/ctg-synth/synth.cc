#include "tools/ctg-synth/synth.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "statbase/base_builder.h"
#include "statbase/catalogue.h"

namespace ctg::synth {
namespace {

using statbase::Base;
using statbase::BaseBuilder;
using statbase::CellId;
using statbase::TerritoryId;
using statbase::TerritoryLevel;

// ---------------------------------------------------------------------------
// Randomness: SplitMix64, seeded per (seed, period, stream) so that each
// piece of territory draws from its own stream.

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t HashString(absl::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  Rng(uint64_t a, uint64_t b, uint64_t c) : state_(Mix(Mix(Mix(a) ^ b) ^ c)) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // In [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  // In [lo, hi].
  int Int(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // Approximately standard normal (Irwin-Hall), no libm.
  double Normal() {
    double s = 0;
    for (int i = 0; i < 12; ++i) s += Uniform();
    return s - 6.0;
  }
  // Index drawn from weights summing to 1.
  template <size_t N>
  int Pick(const double (&weights)[N]) {
    double u = Uniform();
    for (size_t i = 0; i + 1 < N; ++i) {
      if (u < weights[i]) return static_cast<int>(i);
      u -= weights[i];
    }
    return static_cast<int>(N - 1);
  }

 private:
  uint64_t state_;
};

// ---------------------------------------------------------------------------
// Geography.

struct Profile {
  double poverty = 0.15;         // 0 (affluent) to 1 (very poor)
  double social_housing = 0.15;  // share of households in social housing
};

struct CommuneSpec {
  std::string code;
  std::string name;
};
struct IrisSpec {
  std::string code;
  std::string name;
  int commune;
};
struct QpvSpec {
  std::string code;
  std::string name;
  int commune;
};
// The finest piece: part of an IRIS inside a QPV (qpv >= 0), or the rest of
// the IRIS (qpv = -1).
struct AtomSpec {
  int iris;
  int qpv;
  double households;  // expected allocataires
  Profile profile;
};

struct Geography {
  std::vector<CommuneSpec> communes;
  std::vector<IrisSpec> iris;
  std::vector<QpvSpec> qpvs;
  std::vector<AtomSpec> atoms;
};

// ---------------------------------------------------------------------------
// Household simulation.

// The catalogue cells the simulation fills, looked up once by code.
struct Cells {
  CellId alloc, alloc_ft[4], alloc_age[6], persons, children, children_band[4],
      spf, spf_cc[3], cwc, cwc_cc[3], rsa, rsa_ft[4], aah, aah_age[6], housing,
      housing_type[3], paje, low, low_ft[4], amount, amount_type[3];

  static Cells Get() {
    auto cell = [](absl::string_view i, absl::string_view b = "",
                   absl::string_view c = "") {
      std::optional<CellId> id = statbase::FindCell(i, b, c);
      assert(id.has_value());
      return *id;
    };
    static constexpr absl::string_view kFt[] = {
        "isolated", "couple_without_children", "couple_with_children",
        "single_parent"};
    static constexpr absl::string_view kAge[] = {
        "under_25", "25_29", "30_39", "40_49", "50_64", "65_plus"};
    static constexpr absl::string_view kBand[] = {"0_2", "3_5", "6_11",
                                                  "12_17"};
    static constexpr absl::string_view kCc[] = {"1", "2", "3_plus"};
    static constexpr absl::string_view kAid[] = {"apl", "alf", "als"};
    Cells c;
    c.alloc = cell("allocataires");
    c.persons = cell("persons_covered");
    c.children = cell("children");
    c.spf = cell("single_parent_families");
    c.cwc = cell("couples_with_children");
    c.rsa = cell("rsa");
    c.aah = cell("aah");
    c.housing = cell("housing_aid");
    c.paje = cell("paje");
    c.low = cell("low_income");
    c.amount = cell("housing_aid_amount");
    for (int i = 0; i < 4; ++i) {
      c.alloc_ft[i] = cell("allocataires", "family_type", kFt[i]);
      c.rsa_ft[i] = cell("rsa", "family_type", kFt[i]);
      c.low_ft[i] = cell("low_income", "family_type", kFt[i]);
      c.children_band[i] = cell("children", "age_band", kBand[i]);
    }
    for (int i = 0; i < 6; ++i) {
      c.alloc_age[i] = cell("allocataires", "age_head", kAge[i]);
      c.aah_age[i] = cell("aah", "age_head", kAge[i]);
    }
    for (int i = 0; i < 3; ++i) {
      c.spf_cc[i] = cell("single_parent_families", "children_count", kCc[i]);
      c.cwc_cc[i] = cell("couples_with_children", "children_count", kCc[i]);
      c.housing_type[i] = cell("housing_aid", "aid_type", kAid[i]);
      c.amount_type[i] = cell("housing_aid_amount", "aid_type", kAid[i]);
    }
    return c;
  }
};

// Counts and amounts of one territory, indexed by CellId (amounts are only
// meaningful for amount cells).
struct Figures {
  std::vector<uint64_t> count;
  std::vector<int64_t> amount;
  Figures()
      : count(statbase::CellCount(), 0), amount(statbase::CellCount(), 0) {}
  void Add(const Figures& o) {
    for (size_t i = 0; i < count.size(); ++i) {
      count[i] += o.count[i];
      amount[i] += o.amount[i];
    }
  }
};

enum FamilyType { kIsolated = 0, kCoupleNoChild, kCoupleChildren, kSingle };

int AgeBandOfHead(int age) {
  if (age < 25) return 0;
  if (age < 30) return 1;
  if (age < 40) return 2;
  if (age < 50) return 3;
  if (age < 65) return 4;
  return 5;
}

void SimulateHousehold(const Cells& c, const Profile& p, Rng& rng, Figures& f) {
  const double pov = p.poverty;
  const double w_single = 0.14 + 0.30 * pov;
  const double w_cwc = 0.34 - 0.12 * pov;
  const double w_cnc = 0.08 - 0.03 * pov;
  const double ft_weights[4] = {1.0 - w_single - w_cwc - w_cnc, w_cnc, w_cwc,
                                w_single};
  const int ft = rng.Pick(ft_weights);
  const bool couple = ft == kCoupleNoChild || ft == kCoupleChildren;

  int n_children = 0;
  int youngest = 99;
  int ages[8];
  if (ft == kCoupleChildren || ft == kSingle) {
    static constexpr double kChildren[] = {0.42, 0.38, 0.14, 0.04, 0.02};
    n_children = 1 + rng.Pick(kChildren);
    if (n_children < 5 && rng.Chance(0.3 * pov)) ++n_children;
    for (int i = 0; i < n_children; ++i) {
      ages[i] = rng.Int(0, 20);
      youngest = std::min(youngest, ages[i]);
    }
  }

  int age_band;
  if (ft == kIsolated) {
    static constexpr double kW[] = {0.24, 0.14, 0.16, 0.13, 0.20, 0.13};
    age_band = rng.Pick(kW);
  } else if (ft == kCoupleNoChild) {
    static constexpr double kW[] = {0.10, 0.18, 0.20, 0.12, 0.24, 0.16};
    age_band = rng.Pick(kW);
  } else {
    age_band = AgeBandOfHead(22 + youngest + rng.Int(0, 16));
  }

  // Who the household is.
  f.count[c.alloc] += 1;
  f.count[c.alloc_ft[ft]] += 1;
  f.count[c.alloc_age[age_band]] += 1;
  f.count[c.persons] +=
      1 + (couple ? 1 : 0) + n_children + (rng.Chance(0.02) ? 1 : 0);
  for (int i = 0; i < n_children; ++i) {
    if (ages[i] >= 18) continue;
    const int band = ages[i] < 3 ? 0 : ages[i] < 6 ? 1 : ages[i] < 12 ? 2 : 3;
    f.count[c.children] += 1;
    f.count[c.children_band[band]] += 1;
  }
  if (ft == kSingle || ft == kCoupleChildren) {
    const int cc = std::min(n_children, 3) - 1;
    f.count[ft == kSingle ? c.spf : c.cwc] += 1;
    f.count[ft == kSingle ? c.spf_cc[cc] : c.cwc_cc[cc]] += 1;
  }

  // What it receives.
  static constexpr double kRsaBase[] = {0.10, 0.03, 0.04, 0.20};
  static constexpr double kRsaPov[] = {0.30, 0.10, 0.15, 0.35};
  double p_rsa = kRsaBase[ft] + kRsaPov[ft] * pov;
  if (age_band == 5) p_rsa = 0;
  if (age_band == 0 && ft == kIsolated) p_rsa *= 0.3;
  const bool rsa = rng.Chance(p_rsa);
  if (rsa) {
    f.count[c.rsa] += 1;
    f.count[c.rsa_ft[ft]] += 1;
  }

  double p_aah = ft == kIsolated ? 0.08 : 0.03;
  if (age_band == 0) p_aah *= 0.4;
  if (rng.Chance(p_aah)) {
    f.count[c.aah] += 1;
    f.count[c.aah_age[age_band]] += 1;
  }

  if (age_band != 5) {
    const double p_low =
        rsa ? 0.93 : 0.10 + 0.35 * pov + (ft == kSingle ? 0.15 : 0.0);
    if (rng.Chance(p_low)) {
      f.count[c.low] += 1;
      f.count[c.low_ft[ft]] += 1;
    }
  }

  double p_housing = 0.30 + 0.35 * pov + (rsa ? 0.25 : 0.0);
  if (age_band == 0 && ft == kIsolated) p_housing += 0.30;
  if (rng.Chance(std::min(p_housing, 0.95))) {
    const int type = rng.Chance(p.social_housing)               ? 0
                     : (ft == kCoupleChildren || ft == kSingle) ? 1
                                                                : 2;
    f.count[c.housing] += 1;
    f.count[c.housing_type[type]] += 1;
    if (rng.Chance(0.97)) {  // the rest have a right but nothing paid
      static constexpr int kLo[] = {160, 140, 110};
      static constexpr int kHi[] = {420, 380, 290};
      const int euros = rng.Int(kLo[type], kHi[type]) + 35 * n_children;
      f.count[c.amount] += 1;
      f.count[c.amount_type[type]] += 1;
      f.amount[c.amount] += euros;
      f.amount[c.amount_type[type]] += euros;
    }
  }

  double p_paje = 0;
  if (youngest < 3) {
    p_paje = 0.88;
  } else if (youngest < 6) {
    p_paje = 0.35;
  } else if (!couple || ft == kCoupleNoChild) {
    p_paje = ft == kIsolated || ft == kCoupleNoChild ? 0.012 : 0.0;
  }
  if (rng.Chance(p_paje)) f.count[c.paje] += 1;
}

// Year of a period ("2023" or "2023-06").
int YearOf(absl::string_view period) {
  int year = 0;
  for (size_t i = 0; i < 4; ++i) year = year * 10 + (period[i] - '0');
  return year;
}

absl::StatusOr<Base> Simulate(const Geography& geo, uint64_t seed,
                              absl::string_view period,
                              absl::string_view subject) {
  CTG_ASSIGN_OR_RETURN(BaseBuilder builder, BaseBuilder::Create(period));
  const Cells cells = Cells::Get();
  const double growth = 1.0 + 0.004 * (YearOf(period) - 2023);
  const uint64_t period_hash = HashString(period);

  std::vector<Figures> iris(geo.iris.size());
  std::vector<Figures> pieces;  // by atom index, only atoms in a QPV
  std::vector<int> piece_of_atom(geo.atoms.size(), -1);
  for (size_t a = 0; a < geo.atoms.size(); ++a) {
    const AtomSpec& atom = geo.atoms[a];
    Rng rng(seed, period_hash, a);
    const double expected =
        atom.households * growth * (0.97 + 0.06 * rng.Uniform());
    const int64_t n = static_cast<int64_t>(expected + 0.5);
    Figures f;
    for (int64_t h = 0; h < n; ++h) {
      SimulateHousehold(cells, atom.profile, rng, f);
    }
    iris[atom.iris].Add(f);
    if (atom.qpv >= 0) {
      piece_of_atom[a] = static_cast<int>(pieces.size());
      pieces.push_back(std::move(f));
    }
  }
  std::vector<Figures> communes(geo.communes.size());
  for (size_t i = 0; i < geo.iris.size(); ++i) {
    communes[geo.iris[i].commune].Add(iris[i]);
  }
  std::vector<Figures> qpvs(geo.qpvs.size());
  for (size_t a = 0; a < geo.atoms.size(); ++a) {
    if (piece_of_atom[a] >= 0)
      qpvs[geo.atoms[a].qpv].Add(pieces[piece_of_atom[a]]);
  }

  auto emit = [&](const statbase::TerritoryDecl& decl,
                  const Figures& f) -> absl::Status {
    std::optional<TerritoryId> id = builder.AddTerritory(decl, 0);
    if (!id) return builder.errors().ToStatus(subject);
    for (CellId cell = 0; cell < statbase::CellCount(); ++cell) {
      if (f.count[cell] > statbase::kMaxCount) {
        return absl::InvalidArgumentError(absl::StrCat(
            subject, ": a count of ", decl.code, " does not fit the format"));
      }
      builder.SetCell(*id, cell, static_cast<uint32_t>(f.count[cell]),
                      statbase::AmountSlotOf(cell) ? f.amount[cell] : 0, 0);
    }
    return absl::OkStatus();
  };
  for (size_t i = 0; i < geo.communes.size(); ++i) {
    CTG_RETURN_IF_ERROR(emit({TerritoryLevel::kCommune, geo.communes[i].code,
                              geo.communes[i].name, ""},
                             communes[i]));
  }
  for (size_t i = 0; i < geo.iris.size(); ++i) {
    CTG_RETURN_IF_ERROR(
        emit({TerritoryLevel::kIris, geo.iris[i].code, geo.iris[i].name,
              geo.communes[geo.iris[i].commune].code},
             iris[i]));
  }
  for (size_t i = 0; i < geo.qpvs.size(); ++i) {
    CTG_RETURN_IF_ERROR(
        emit({TerritoryLevel::kQpv, geo.qpvs[i].code, geo.qpvs[i].name,
              geo.communes[geo.qpvs[i].commune].code},
             qpvs[i]));
  }
  for (size_t a = 0; a < geo.atoms.size(); ++a) {
    if (piece_of_atom[a] < 0) continue;
    const IrisSpec& ir = geo.iris[geo.atoms[a].iris];
    const QpvSpec& q = geo.qpvs[geo.atoms[a].qpv];
    const std::string code = absl::StrCat(ir.code, "+", q.code);
    const std::string name = absl::StrCat(ir.name, " / ", q.name);
    CTG_RETURN_IF_ERROR(emit(
        {TerritoryLevel::kIrisQpv, code, name, geo.communes[ir.commune].code},
        pieces[piece_of_atom[a]]));
  }
  return builder.Build(subject);
}

// ---------------------------------------------------------------------------
// The demo.

Geography DemoGeography() {
  Geography g;
  g.communes = {{"33069", "Le Bouscat"}, {"33162", "Eysines"}};
  struct IrisDef {
    const char* name;
    double households;
    double poverty;
    double social;
  };
  // Le Bouscat: about 4,350 allocataires (10,000 persons covered, 42.6 % of
  // 23,500 inhabitants). The Champ de courses QPV takes part of 0102 and
  // 0103; 0111 (a park) stays under 100 allocataires.
  static constexpr IrisDef kBouscat[] = {
      {"Centre-Ville", 420, 0.10, 0.10},
      {"Hippodrome", 460, 0.22, 0.25},
      {"Lyautey", 520, 0.30, 0.35},
      {"Lafon-Féline", 390, 0.10, 0.08},
      {"Ermitage", 380, 0.08, 0.06},
      {"Les Écus", 360, 0.12, 0.12},
      {"Providence", 350, 0.09, 0.08},
      {"Jean Jaurès", 400, 0.14, 0.15},
      {"Godard", 370, 0.12, 0.10},
      {"Sainte-Germaine", 330, 0.10, 0.09},
      {"Parc de la Chêneraie", 70, 0.06, 0.02},
      {"Tivoli", 300, 0.11, 0.10},
  };
  static constexpr IrisDef kEysines[] = {
      {"Centre-Bourg", 470, 0.12, 0.15},
      {"Le Vigean", 430, 0.14, 0.20},
      {"Le Pinsan", 440, 0.10, 0.10},
      {"Migron", 420, 0.11, 0.12},
      {"Cantinolle", 460, 0.13, 0.14},
      {"Lescombes", 480, 0.16, 0.22},
      {"Le Grand Caillou", 500, 0.24, 0.40},
      {"Carès", 400, 0.12, 0.12},
      {"La Forêt", 380, 0.09, 0.06},
      {"Fontaine de Monjous", 420, 0.12, 0.10},
  };
  g.qpvs = {{"QN03302M", "Champ de courses", 0}};
  // Share of each Le Bouscat IRIS inside the QPV.
  auto qpv_share = [](int k) { return k == 1 ? 0.35 : k == 2 ? 0.60 : 0.0; };
  const Profile qpv_profile = {0.55, 0.85};

  auto add_commune = [&](int commune, absl::Span<const IrisDef> defs,
                         bool with_qpv) {
    for (size_t k = 0; k < defs.size(); ++k) {
      const int iris = static_cast<int>(g.iris.size());
      g.iris.push_back({absl::StrFormat("%s%04d", g.communes[commune].code,
                                        101 + static_cast<int>(k)),
                        defs[k].name, commune});
      const double share = with_qpv ? qpv_share(static_cast<int>(k)) : 0.0;
      const Profile profile = {defs[k].poverty, defs[k].social};
      if (share > 0) {
        g.atoms.push_back({iris, 0, defs[k].households * share, qpv_profile});
      }
      g.atoms.push_back(
          {iris, -1, defs[k].households * (1.0 - share), profile});
    }
  };
  add_commune(0, kBouscat, true);
  add_commune(1, kEysines, false);
  return g;
}

// ---------------------------------------------------------------------------
// The national base.

// 96 metropolitan departments (2 characters) and 5 overseas (3 characters).
std::vector<std::string> Departments() {
  std::vector<std::string> d;
  for (int i = 1; i <= 95; ++i) {
    if (i == 20) {
      d.push_back("2A");
      d.push_back("2B");
    } else {
      d.push_back(absl::StrFormat("%02d", i));
    }
  }
  for (const char* o : {"971", "972", "973", "974", "976"}) d.push_back(o);
  return d;
}

std::string Capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = s[0] - 'a' + 'A';
  return s;
}

std::string CommuneName(Rng& rng) {
  static constexpr const char* kPrefix[] = {"",
                                            "",
                                            "",
                                            "",
                                            "",
                                            "Saint-",
                                            "Sainte-",
                                            "La ",
                                            "Le ",
                                            "Les ",
                                            "Villeneuve-",
                                            "Mont-"};
  static constexpr const char* kRoot[] = {
      "aub", "bel", "cham", "font", "gra",    "lav",  "mar",  "roc",
      "sav", "ver", "vil",  "cour", "beau",   "ros",  "bois", "clé",
      "hér", "pré", "cast", "lus",  "mérign", "pess", "tal",  "brug",
      "cen", "lor", "bass", "arc",  "gir"};
  static constexpr const char* kMid[] = {"a", "e",  "i", "o", "ou",
                                         "é", "ai", "",  "",  ""};
  static constexpr const char* kEnd[] = {
      "ville", "court", "mont", "ac", "an",    "ière", "y",   "et",
      "on",    "ange",  "eux",  "ès", "ignac", "ence", "ard", "ouse"};
  std::string name = absl::StrCat(
      kPrefix[rng.Int(0, std::size(kPrefix) - 1)],
      Capitalized(absl::StrCat(kRoot[rng.Int(0, std::size(kRoot) - 1)],
                               kMid[rng.Int(0, std::size(kMid) - 1)],
                               kEnd[rng.Int(0, std::size(kEnd) - 1)])));
  if (rng.Chance(0.05)) {
    static constexpr const char* kRiver[] = {"Garonne", "Dordogne", "Loire",
                                             "Seine",   "Rhône",    "Lot"};
    absl::StrAppend(&name, "-sur-", kRiver[rng.Int(0, std::size(kRiver) - 1)]);
  }
  return name;
}

constexpr const char* kQuarters[] = {
    "Centre",     "Gare",           "Nord",        "Sud",         "Est",
    "Ouest",      "Le Bourg",       "La Plaine",   "Les Coteaux", "Le Port",
    "Les Prés",   "La Rivière",     "Saint-Jean",  "Les Vignes",  "Le Stade",
    "Les Écoles", "Hôtel de Ville", "Les Jardins", "Le Moulin",   "La Croix"};
constexpr const char* kQpvNames[] = {
    "Les Tours",     "Le Grand Ensemble", "Cité des Fleurs", "Les Aubiers",
    "La Source",     "Le Haut-Village",   "Les Hauts",       "Bel-Air",
    "Les Peupliers", "Le Parc",           "La Benauge",      "Les Chênes"};

absl::StatusOr<Geography> NationalGeography(uint64_t seed, int communes) {
  if (communes < 1 || communes > kMaxNationalCommunes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--communes must be between 1 and ", kMaxNationalCommunes,
                     ", got ", communes));
  }
  const std::vector<std::string> depts = Departments();
  // Overseas departments weigh a tenth of a metropolitan one.
  std::vector<double> weight(depts.size());
  double total_weight = 0;
  for (size_t i = 0; i < depts.size(); ++i) {
    weight[i] = depts[i].size() == 3 ? 0.1 : 1.0;
    total_weight += weight[i];
  }
  std::vector<int> per_dept(depts.size());
  int assigned = 0;
  for (size_t i = 0; i < depts.size(); ++i) {
    const int cap = depts[i].size() == 3 ? 99 : 999;
    per_dept[i] =
        std::min(cap, static_cast<int>(communes * weight[i] / total_weight));
    assigned += per_dept[i];
  }
  for (size_t i = 0; assigned < communes; i = (i + 1) % depts.size()) {
    const int cap = depts[i].size() == 3 ? 99 : 999;
    if (per_dept[i] < cap) {
      ++per_dept[i];
      ++assigned;
    }
  }

  Geography g;
  Rng rng(seed, HashString("national geography"), 0);
  for (size_t d = 0; d < depts.size(); ++d) {
    const std::string& dept = depts[d];
    const std::string qpv_dept = dept.size() == 2 ? "0" + dept : dept;
    int qpv_seq = 0;
    for (int k = 1; k <= per_dept[d]; ++k) {
      const int commune = static_cast<int>(g.communes.size());
      const std::string code = dept.size() == 2
                                   ? absl::StrFormat("%s%03d", dept, k)
                                   : absl::StrFormat("%s%02d", dept, k);
      g.communes.push_back({code, CommuneName(rng)});
      // Population: log-normal around 450 inhabitants, a few large cities.
      const double population =
          std::min(2.2e6, 450.0 * std::exp(1.45 * rng.Normal()));
      const double rate = 0.12 + 0.16 * rng.Uniform();  // allocataires
      const double poverty = 0.05 + 0.30 * rng.Uniform();
      const double social = 0.05 + 0.25 * rng.Uniform();
      const double households = population * rate;
      if (population < 5000) {
        const int iris = static_cast<int>(g.iris.size());
        g.iris.push_back({code + "0000", g.communes[commune].name, commune});
        g.atoms.push_back({iris, -1, households, {poverty, social}});
        continue;
      }
      const int n_iris =
          std::min(990, static_cast<int>(std::ceil(population / 1300.0)));
      const int first_iris = static_cast<int>(g.iris.size());
      for (int i = 0; i < n_iris; ++i) {
        const char* quarter = kQuarters[i % std::size(kQuarters)];
        const std::string name =
            i < static_cast<int>(std::size(kQuarters))
                ? absl::StrCat(g.communes[commune].name, " - ", quarter)
                : absl::StrCat(g.communes[commune].name, " - ", quarter, " ",
                               i / std::size(kQuarters) + 1);
        g.iris.push_back(
            {absl::StrFormat("%s%04d", code, 101 + i), name, commune});
      }
      // QPVs in towns of 8,000 or more (always from 15,000), each over 1 to
      // 3 IRIS of its own.
      std::vector<int> qpv_of_iris(n_iris, -1);
      std::vector<double> qpv_share(n_iris, 0.0);
      if (population >= 8000 && n_iris >= 3 &&
          (population >= 15000 || rng.Chance(0.5))) {
        const int n_qpv =
            std::min(40, 1 + static_cast<int>(population / 25000));
        int next = rng.Int(0, n_iris / 3);
        for (int q = 0; q < n_qpv && next < n_iris; ++q) {
          const int qpv = static_cast<int>(g.qpvs.size());
          g.qpvs.push_back({absl::StrFormat("QN%s%02d%c", qpv_dept,
                                            qpv_seq % 100, 'M' + qpv_seq / 100),
                            kQpvNames[qpv % std::size(kQpvNames)], commune});
          ++qpv_seq;
          const int span = rng.Int(1, 3);
          for (int s = 0; s < span && next < n_iris; ++s, ++next) {
            qpv_of_iris[next] = qpv;
            qpv_share[next] = 0.3 + 0.5 * rng.Uniform();
          }
          next += rng.Int(1, 4);
        }
      }
      for (int i = 0; i < n_iris; ++i) {
        const double h = households / n_iris * (0.6 + 0.8 * rng.Uniform());
        const Profile profile = {
            std::clamp(poverty + 0.2 * (rng.Uniform() - 0.5), 0.0, 1.0),
            social};
        if (qpv_of_iris[i] >= 0) {
          const Profile in_qpv = {0.45 + 0.25 * rng.Uniform(),
                                  0.6 + 0.3 * rng.Uniform()};
          g.atoms.push_back(
              {first_iris + i, qpv_of_iris[i], h * qpv_share[i], in_qpv});
        }
        g.atoms.push_back(
            {first_iris + i, -1, h * (1.0 - qpv_share[i]), profile});
      }
    }
  }
  return g;
}

}  // namespace

absl::StatusOr<Base> GenerateDemo(uint64_t seed, absl::string_view period) {
  if (!statbase::IsValidPeriod(period)) {
    return absl::InvalidArgumentError(
        absl::StrCat("period \"", period, "\" is neither YYYY nor YYYY-MM"));
  }
  return Simulate(DemoGeography(), seed, period,
                  absl::StrCat("ctg-synth demo (period ", period, ")"));
}

absl::StatusOr<Base> GenerateNational(uint64_t seed, int communes,
                                      absl::string_view period) {
  if (!statbase::IsValidPeriod(period)) {
    return absl::InvalidArgumentError(
        absl::StrCat("period \"", period, "\" is neither YYYY nor YYYY-MM"));
  }
  CTG_ASSIGN_OR_RETURN(Geography geo, NationalGeography(seed, communes));
  return Simulate(geo, seed, period,
                  absl::StrCat("ctg-synth national (period ", period, ")"));
}

}  // namespace ctg::synth
