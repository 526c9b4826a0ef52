#include "statbase/catalogue.h"

#include <cassert>
#include <vector>

namespace ctg::statbase {
namespace {

constexpr Category kFamilyType[] = {
    {"isolated", "Personne seule sans enfant"},
    {"couple_without_children", "Couple sans enfant"},
    {"couple_with_children", "Couple avec enfant(s)"},
    {"single_parent", "Famille monoparentale"},
};

constexpr Category kAgeHead[] = {
    {"under_25", "Moins de 25 ans"}, {"25_29", "25 à 29 ans"},
    {"30_39", "30 à 39 ans"},        {"40_49", "40 à 49 ans"},
    {"50_64", "50 à 64 ans"},        {"65_plus", "65 ans ou plus"},
};

constexpr Category kAgeBand[] = {
    {"0_2", "0 à 2 ans"},
    {"3_5", "3 à 5 ans"},
    {"6_11", "6 à 11 ans"},
    {"12_17", "12 à 17 ans"},
};

constexpr Category kChildrenCount[] = {
    {"1", "Un enfant"},
    {"2", "Deux enfants"},
    {"3_plus", "Trois enfants ou plus"},
};

constexpr Category kAidType[] = {
    {"apl", "Aide personnalisée au logement (APL)"},
    {"alf", "Allocation de logement familiale (ALF)"},
    {"als", "Allocation de logement sociale (ALS)"},
};

constexpr Breakdown kByFamilyType = {"family_type", "Type de famille",
                                     kFamilyType};
constexpr Breakdown kByAgeHead = {"age_head", "Âge du responsable du dossier",
                                  kAgeHead};
constexpr Breakdown kByAgeBand = {"age_band", "Tranche d'âge", kAgeBand};
constexpr Breakdown kByChildrenCount = {
    "children_count", "Nombre d'enfants à charge", kChildrenCount};
constexpr Breakdown kByAidType = {"aid_type", "Type d'aide au logement",
                                  kAidType};

constexpr Breakdown kAllocatairesBreakdowns[] = {kByFamilyType, kByAgeHead};
constexpr Breakdown kFamilyTypeOnly[] = {kByFamilyType};
constexpr Breakdown kAgeHeadOnly[] = {kByAgeHead};
constexpr Breakdown kAgeBandOnly[] = {kByAgeBand};
constexpr Breakdown kChildrenCountOnly[] = {kByChildrenCount};
constexpr Breakdown kAidTypeOnly[] = {kByAidType};

constexpr CellRef kNoRelation = {"", "", ""};

// Append only: CellIds and the canonical rendering follow this order.
constexpr Indicator kIndicators[] = {
    {"allocataires", "Allocataires", Unit::kCount, kAllocatairesBreakdowns,
     "Foyers allocataires (responsables du dossier) ayant un droit versable "
     "au mois de référence.",
     kNoRelation, "persons_covered"},
    {"persons_covered",
     "Personnes couvertes",
     Unit::kCount,
     {},
     "Allocataires, conjoints, enfants et autres personnes à charge des "
     "foyers allocataires.",
     kNoRelation,
     ""},
    {"children", "Enfants de moins de 18 ans", Unit::kCount, kAgeBandOnly,
     "Enfants à charge âgés de moins de 18 ans des foyers allocataires.",
     kNoRelation, "persons_covered"},
    {"single_parent_families",
     "Familles monoparentales",
     Unit::kCount,
     kChildrenCountOnly,
     "Allocataires isolés avec au moins un enfant à charge. Total identique "
     "à allocataires / family_type / single_parent.",
     {"allocataires", "family_type", "single_parent"},
     ""},
    {"couples_with_children",
     "Couples avec enfant(s)",
     Unit::kCount,
     kChildrenCountOnly,
     "Allocataires en couple avec au moins un enfant à charge. Total "
     "identique à allocataires / family_type / couple_with_children.",
     {"allocataires", "family_type", "couple_with_children"},
     ""},
    {"rsa", "Allocataires du RSA", Unit::kCount, kFamilyTypeOnly,
     "Foyers allocataires percevant le revenu de solidarité active.",
     kNoRelation, "allocataires"},
    {"aah", "Allocataires de l'AAH", Unit::kCount, kAgeHeadOnly,
     "Foyers allocataires percevant l'allocation aux adultes handicapés.",
     kNoRelation, "allocataires"},
    {"housing_aid", "Allocataires d'une aide au logement", Unit::kCount,
     kAidTypeOnly,
     "Foyers allocataires ayant droit à une aide au logement (APL, ALF ou "
     "ALS), y compris les droits non versés au mois de référence.",
     kNoRelation, "allocataires"},
    {"paje",
     "Allocataires de la PAJE",
     Unit::kCount,
     {},
     "Foyers allocataires percevant au moins une prestation de la prestation "
     "d'accueil du jeune enfant.",
     kNoRelation,
     "allocataires"},
    {"low_income", "Allocataires à bas revenus", Unit::kCount, kFamilyTypeOnly,
     "Foyers allocataires dont le revenu par unité de consommation est "
     "inférieur au seuil de bas revenus.",
     kNoRelation, "allocataires"},
    {"housing_aid_amount", "Montant des aides au logement versées",
     Unit::kEurosPerMonth, kAidTypeOnly,
     "Somme des aides au logement versées au mois de référence, en euros ; "
     "l'effectif est le nombre d'allocataires ayant perçu un montant.",
     kNoRelation, "housing_aid"},
};

// The persons covered: the allocataires, one spouse per couple, the
// children under 18 and other dependants (SumBound).
constexpr CellRef kPersonsCoveredTerms[] = {
    {"allocataires", "", ""},
    {"allocataires", "family_type", "couple_without_children"},
    {"allocataires", "family_type", "couple_with_children"},
    {"children", "", ""},
};

constexpr SumBound kSumBounds[] = {
    {kPersonsCoveredTerms, "persons_covered"},
};

struct Layout {
  std::vector<CellKey> keys;                    // by CellId
  std::vector<CellId> first;                    // by IndicatorId
  std::vector<CellId> count;                    // by IndicatorId
  std::vector<std::optional<uint16_t>> amount;  // by CellId
  uint16_t amount_cells = 0;
};

const Layout& GetLayout() {
  static const Layout* const layout = [] {
    auto* l = new Layout;
    for (size_t i = 0; i < std::size(kIndicators); ++i) {
      const Indicator& ind = kIndicators[i];
      l->first.push_back(static_cast<CellId>(l->keys.size()));
      l->keys.push_back({static_cast<IndicatorId>(i), -1, -1});
      for (size_t b = 0; b < ind.breakdowns.size(); ++b) {
        for (size_t c = 0; c < ind.breakdowns[b].categories.size(); ++c) {
          l->keys.push_back({static_cast<IndicatorId>(i),
                             static_cast<int16_t>(b), static_cast<int16_t>(c)});
        }
      }
      l->count.push_back(static_cast<CellId>(l->keys.size() - l->first.back()));
      for (CellId k = 0; k < l->count.back(); ++k) {
        if (ind.unit == Unit::kEurosPerMonth) {
          l->amount.push_back(l->amount_cells++);
        } else {
          l->amount.push_back(std::nullopt);
        }
      }
    }
    return l;
  }();
  return *layout;
}

}  // namespace

absl::Span<const Indicator> Indicators() { return kIndicators; }

absl::Span<const SumBound> SumBounds() { return kSumBounds; }

const Indicator& PopulationIndicator() {
  return kIndicators[PopulationIndicatorId()];
}

IndicatorId PopulationIndicatorId() {
  static const IndicatorId id = *FindIndicatorId("allocataires");
  return id;
}

const Indicator* FindIndicator(absl::string_view code) {
  for (const Indicator& ind : kIndicators) {
    if (ind.code == code) return &ind;
  }
  return nullptr;
}

std::optional<IndicatorId> FindIndicatorId(absl::string_view code) {
  for (size_t i = 0; i < std::size(kIndicators); ++i) {
    if (kIndicators[i].code == code) return static_cast<IndicatorId>(i);
  }
  return std::nullopt;
}

const Breakdown* FindBreakdown(const Indicator& indicator,
                               absl::string_view code) {
  for (const Breakdown& b : indicator.breakdowns) {
    if (b.code == code) return &b;
  }
  return nullptr;
}

const Category* FindCategory(const Breakdown& breakdown,
                             absl::string_view code) {
  for (const Category& c : breakdown.categories) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

CellId CellCount() { return static_cast<CellId>(GetLayout().keys.size()); }

CellId TotalCell(IndicatorId indicator) { return GetLayout().first[indicator]; }

CellId FirstCell(IndicatorId indicator) { return GetLayout().first[indicator]; }

CellId CellsOf(IndicatorId indicator) { return GetLayout().count[indicator]; }

CellId CategoryCell(IndicatorId indicator, int breakdown, int category) {
  const Indicator& ind = kIndicators[indicator];
  assert(breakdown >= 0 && breakdown < static_cast<int>(ind.breakdowns.size()));
  int offset = 1;
  for (int b = 0; b < breakdown; ++b) {
    offset += static_cast<int>(ind.breakdowns[b].categories.size());
  }
  assert(category >= 0 &&
         category <
             static_cast<int>(ind.breakdowns[breakdown].categories.size()));
  return static_cast<CellId>(GetLayout().first[indicator] + offset + category);
}

CellKey KeyOf(CellId cell) { return GetLayout().keys[cell]; }

CellRef RefOf(CellId cell) {
  const CellKey key = KeyOf(cell);
  const Indicator& ind = kIndicators[key.indicator];
  if (key.breakdown < 0) return {ind.code, "", ""};
  const Breakdown& b = ind.breakdowns[key.breakdown];
  return {ind.code, b.code, b.categories[key.category].code};
}

std::optional<CellId> FindCell(absl::string_view indicator,
                               absl::string_view breakdown,
                               absl::string_view category) {
  std::optional<IndicatorId> id = FindIndicatorId(indicator);
  if (!id.has_value()) return std::nullopt;
  if (breakdown.empty() && category.empty()) return TotalCell(*id);
  if (breakdown.empty() || category.empty()) return std::nullopt;
  const Indicator& ind = kIndicators[*id];
  for (size_t b = 0; b < ind.breakdowns.size(); ++b) {
    if (ind.breakdowns[b].code != breakdown) continue;
    const auto& cats = ind.breakdowns[b].categories;
    for (size_t c = 0; c < cats.size(); ++c) {
      if (cats[c].code == category) {
        return CategoryCell(*id, static_cast<int>(b), static_cast<int>(c));
      }
    }
    return std::nullopt;
  }
  return std::nullopt;
}

uint16_t AmountCellCount() { return GetLayout().amount_cells; }

std::optional<uint16_t> AmountSlotOf(CellId cell) {
  return GetLayout().amount[cell];
}

}  // namespace ctg::statbase
