#include "tests/attack/reader_model.h"

#include <glpk.h>

#include <cmath>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "statbase/catalogue.h"
#include "tests/attack/relations.h"

namespace ctg::attack {
namespace {

namespace sdc = ::ctg::policy::sdc;
using statbase::CellId;
using statbase::TerritoryId;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = 1e-6;

std::string Describe(const std::string& territory, CellId cell, bool amount) {
  statbase::CellRef ref = statbase::RefOf(cell);
  std::string out = absl::StrCat(territory, "/", ref.indicator);
  if (!ref.breakdown.empty())
    absl::StrAppend(&out, "/", ref.breakdown, "=", ref.category);
  if (amount) absl::StrAppend(&out, " (euros)");
  return out;
}

CellId PopulationCell() {
  return statbase::TotalCell(*statbase::FindIndicatorId("allocataires"));
}

bool IsAmountIndicator(CellId cell) {
  return statbase::Indicators()[statbase::KeyOf(cell).indicator].unit ==
         statbase::Unit::kEurosPerMonth;
}

// One LP over the reader's unknowns, built row by row; then min and max of
// linear expressions.
class Lp {
 public:
  explicit Lp(int columns) : lp_(glp_create_prob()) {
    glp_term_out(GLP_OFF);
    glp_add_cols(lp_, columns);
    for (int j = 1; j <= columns; ++j) glp_set_col_bnds(lp_, j, GLP_LO, 0, 0);
  }
  ~Lp() { glp_delete_prob(lp_); }
  Lp(const Lp&) = delete;
  Lp& operator=(const Lp&) = delete;

  using Expr =
      std::vector<std::pair<int, double>>;  // 0-based column, coefficient

  // lower <= expr <= upper (either may be infinite).
  void AddRow(const Expr& expr, double lower, double upper) {
    int row = glp_add_rows(lp_, 1);
    std::vector<int> ind(1);
    std::vector<double> val(1);
    for (const auto& [col, coef] : expr) {
      ind.push_back(col + 1);
      val.push_back(coef);
    }
    glp_set_mat_row(lp_, row, static_cast<int>(expr.size()), ind.data(),
                    val.data());
    int type = std::isinf(lower)   ? (std::isinf(upper) ? GLP_FR : GLP_UP)
               : std::isinf(upper) ? GLP_LO
               : lower == upper    ? GLP_FX
                                   : GLP_DB;
    glp_set_row_bnds(lp_, row, type, std::isinf(lower) ? 0 : lower,
                     std::isinf(upper) ? 0 : upper);
  }

  // Optimum of expr (maximize or minimize); ±infinity when unbounded.
  absl::StatusOr<double> Optimize(const Expr& expr, bool maximize) {
    for (int j : objective_) glp_set_obj_coef(lp_, j, 0);
    objective_.clear();
    for (const auto& [col, coef] : expr) {
      glp_set_obj_coef(lp_, col + 1, coef);
      objective_.push_back(col + 1);
    }
    glp_set_obj_dir(lp_, maximize ? GLP_MAX : GLP_MIN);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    int rc = glp_simplex(lp_, &parm);
    if (rc != 0) {
      // A lost basis: start again from the standard one.
      glp_std_basis(lp_);
      rc = glp_simplex(lp_, &parm);
    }
    if (rc != 0)
      return absl::InternalError(absl::StrCat("glp_simplex returned ", rc));
    switch (glp_get_status(lp_)) {
      case GLP_OPT:
        return glp_get_obj_val(lp_);
      case GLP_UNBND:
        return maximize ? kInf : -kInf;
      default:
        return absl::InternalError(absl::StrCat(
            "the reader's LP has status ", glp_get_status(lp_),
            " (infeasible: the attacker's model contradicts the base)"));
    }
  }

 private:
  glp_prob* lp_;
  std::vector<int> objective_;
};

}  // namespace

std::string Breach::ToString() const {
  if (criterion == "C0" || criterion == "note-masked-zero") {
    return absl::StrCat(criterion, " ", what, " (true ", truth, ")");
  }
  return absl::StrCat(criterion, " ", what, ": feasible [", lower, ", ", upper,
                      "], true ", truth);
}

ReaderModel::ReaderModel(std::shared_ptr<const statbase::Base> base,
                         std::string commune, Criteria criteria)
    : base_(std::move(base)),
      commune_(std::move(commune)),
      criteria_(criteria) {}

absl::StatusOr<ReaderModel> ReaderModel::Create(
    std::shared_ptr<const statbase::Base> base, std::string commune,
    Criteria criteria) {
  auto id = base->FindTerritory(commune);
  if (!id || base->territory(*id).level != statbase::TerritoryLevel::kCommune) {
    return absl::InvalidArgumentError(
        absl::StrCat(commune, " is not a commune of the base"));
  }
  if (!base->has_indicator(*statbase::FindIndicatorId("allocataires"))) {
    return absl::InvalidArgumentError("the base holds no allocataires");
  }
  ReaderModel model(std::move(base), std::move(commune), criteria);
  model.BuildAreas();
  return model;
}

void ReaderModel::BuildAreas() {
  const statbase::Base& b = *base_;
  const TerritoryId commune = *b.FindTerritory(commune_);
  auto add_area = [&](TerritoryId id,
                      std::initializer_list<std::string> territories) {
    for (const std::string& t : territories)
      areas_of_[t].push_back(static_cast<int>(areas_.size()));
    areas_.push_back(id);
  };
  const auto& iris = b.territory(commune).parts;
  if (iris.empty()) add_area(commune, {commune_});
  for (TerritoryId i : iris) {
    const std::string& code = b.territory(i).code;
    add_area(i, {commune_, code});  // the IRIS outside its QPVs
    for (TerritoryId piece : b.territory(i).parts) {
      add_area(piece,
               {commune_, code, b.territory(b.territory(piece).qpv).code});
    }
  }
}

int64_t ReaderModel::Truth(const FigureKey& key) const {
  const auto& [territory, cell, amount] = key;
  const statbase::CellValue v =
      *base_->Value(*base_->FindTerritory(territory), cell);
  return amount ? v.amount : v.count;
}

int64_t ReaderModel::Population(const std::string& territory) const {
  return Truth({territory,
                statbase::TotalCell(*statbase::FindIndicatorId("allocataires")),
                false});
}

int64_t ReaderModel::AreaPopulation(int area) const {
  const CellId cell =
      statbase::TotalCell(*statbase::FindIndicatorId("allocataires"));
  const TerritoryId id = areas_[area];
  int64_t n = base_->Value(id, cell)->count;
  if (base_->territory(id).level == statbase::TerritoryLevel::kIris) {
    for (TerritoryId piece : base_->territory(id).parts)
      n -= base_->Value(piece, cell)->count;
  }
  return n;
}

const char* ReaderModel::ZeroPinned() const {
  return criteria_.zero_pinned_is_breach ? "C1" : "note-zero-pinned";
}

absl::Status ReaderModel::Observe(const sdc::Release& release) {
  const int64_t thr = criteria_.territory_threshold;
  std::map<std::string, bool> labels;  // territory -> excluded
  for (const sdc::ReleasedCell& c : release.cells) {
    auto cell =
        statbase::FindCell(c.key.indicator, c.key.breakdown, c.key.category);
    if (!cell || !areas_of_.count(c.key.territory)) {
      return absl::InvalidArgumentError(
          absl::StrCat("released cell ", c.key.ToString(),
                       " is not a cell of commune ", commune_));
    }
    const bool amount = c.amount_block;
    const FigureKey key{c.key.territory, *cell, amount};
    const FigureKey count_key{c.key.territory, *cell, false};
    const std::string what = Describe(c.key.territory, *cell, amount);
    const int64_t truth = Truth(key), count = Truth(count_key);
    const int64_t population = Population(c.key.territory);
    Shown shown{c.status, amount ? c.amount : c.value};
    auto direct = [&](std::string why, const char* criterion = "C0") {
      std::string text = absl::StrCat(what, ": ", why);
      if (direct_seen_.insert(text).second)
        direct_.push_back({criterion, text, 0, 0, truth});
    };
    if (c.status == sdc::CellStatus::kPublished) {
      if (shown.figure != truth)
        direct(absl::StrCat("published ", shown.figure));
      if (count >= 1 && count < criteria_.frequency_threshold) {
        direct("published over fewer contributors than the threshold");
      }
      if (population < thr)
        direct("published for a territory under the threshold");
    } else if (c.status == sdc::CellStatus::kMasked && count == 0) {
      direct("a zero masked while zeros are published", "note-masked-zero");
    }
    labels[c.key.territory] =
        labels[c.key.territory] || c.status == sdc::CellStatus::kExcluded;
    shown_[key] = shown;
  }
  for (const auto& [territory, excluded] : labels) {
    const int64_t population = Population(territory);
    std::string text = absl::StrCat(territory, ": labelled excluded with ",
                                    population, " allocataires");
    if (excluded && population >= thr && direct_seen_.insert(text).second) {
      direct_.push_back({"C0", text, 0, 0, population});
    }
    (excluded ? excluded_ : displayed_).insert(territory);
  }
  return absl::OkStatus();
}

// The reader's LP over everything `model` observed: unknowns per area and
// cell, and every constraint of the reader model.
class ReaderLp {
 public:
  explicit ReaderLp(const ReaderModel& model) : m_(model) {
    Number();
    lp_ = std::make_unique<Lp>(columns_);
    AddAdditivity();
    AddRelations();
    AddObservations();
    AddLabels();
  }

  // The unknowns of one area, and of a territory (the sum of its areas).
  Lp::Expr Area(size_t area, CellId cell, bool amount) const {
    return {{Column(area, cell, amount), 1.0}};
  }
  Lp::Expr Territory(const std::string& territory, CellId cell,
                     bool amount) const {
    Lp::Expr e;
    for (int a : m_.areas_of_.at(territory)) {
      e.push_back({Column(a, cell, amount), 1.0});
    }
    return e;
  }

  // [min, max] of `e`.
  absl::StatusOr<std::pair<double, double>> Interval(const Lp::Expr& e) {
    absl::StatusOr<double> lo = lp_->Optimize(e, false);
    if (!lo.ok()) return lo.status();
    absl::StatusOr<double> hi = lp_->Optimize(e, true);
    if (!hi.ok()) return hi.status();
    stats_.lp_solves += 2;
    ++stats_.targets;
    return std::make_pair(*lo, *hi);
  }
  const JudgeStats& stats() const { return stats_; }

 private:
  int Column(size_t area, CellId cell, bool amount) const {
    return index_[(area * statbase::CellCount() + cell) * 2 + (amount ? 1 : 0)];
  }

  void Number() {
    index_.assign(m_.areas_.size() * statbase::CellCount() * 2, -1);
    for (size_t a = 0; a < m_.areas_.size(); ++a) {
      for (statbase::IndicatorId ind : m_.base_->indicators()) {
        for (CellId c = statbase::FirstCell(ind);
             c < statbase::FirstCell(ind) + statbase::CellsOf(ind); ++c) {
          index_[(a * statbase::CellCount() + c) * 2] = columns_++;
          if (IsAmountIndicator(c)) {
            index_[(a * statbase::CellCount() + c) * 2 + 1] = columns_++;
          }
        }
      }
    }
  }

  // Categories sum to their total, in every area (counts and amounts).
  void AddAdditivity() {
    for (size_t a = 0; a < m_.areas_.size(); ++a) {
      for (statbase::IndicatorId ind : m_.base_->indicators()) {
        const statbase::Indicator& indicator = statbase::Indicators()[ind];
        for (size_t bd = 0; bd < indicator.breakdowns.size(); ++bd) {
          for (bool amount : {false, true}) {
            if (amount && indicator.unit != statbase::Unit::kEurosPerMonth) {
              continue;
            }
            Lp::Expr e{{Column(a, statbase::TotalCell(ind), amount), -1.0}};
            for (size_t k = 0; k < indicator.breakdowns[bd].categories.size();
                 ++k) {
              e.push_back(
                  {Column(a, statbase::CategoryCell(ind, bd, k), amount), 1.0});
            }
            lp_->AddRow(e, 0, 0);
          }
        }
      }
    }
  }

  // Relations between indicators the base holds, in every area.
  void AddRelations() {
    for (const Relation& r : DefinitionalRelations()) {
      if (r.beyond_catalogue && !m_.criteria_.beyond_catalogue) continue;
      std::vector<std::pair<CellId, int>> terms;
      for (const Term& t : r.terms) {
        auto id = statbase::FindIndicatorId(t.cell.indicator);
        if (!id || !m_.base_->has_indicator(*id)) break;
        terms.push_back({*statbase::FindCell(t.cell.indicator, t.cell.breakdown,
                                             t.cell.category),
                         t.coefficient});
      }
      if (terms.size() != r.terms.size()) continue;
      for (size_t a = 0; a < m_.areas_.size(); ++a) {
        Lp::Expr e;
        for (const auto& [cell, coef] : terms) {
          e.push_back({Column(a, cell, false), coef});
        }
        lp_->AddRow(e, r.equality ? 0 : -kInf, 0);
      }
    }
  }

  // Published figures; masked ⇒ at least 1 (one contributor for an amount),
  // except for a masked zero (a note: the inference would be false).
  void AddObservations() {
    for (const auto& [key, shown] : m_.shown_) {
      const auto& [territory, cell, amount] = key;
      if (shown.status == sdc::CellStatus::kPublished) {
        lp_->AddRow(Territory(territory, cell, amount), shown.figure,
                    shown.figure);
      } else if (shown.status == sdc::CellStatus::kMasked &&
                 m_.Truth({territory, cell, false}) > 0) {
        lp_->AddRow(Territory(territory, cell, false), 1, kInf);
      }
    }
  }

  // Status words, unless the label contradicts the truth (C0).
  void AddLabels() {
    const int64_t thr = m_.criteria_.territory_threshold;
    const CellId population = PopulationCell();
    for (const std::string& t : m_.excluded_) {
      if (m_.Population(t) < thr && !m_.displayed_.count(t)) {
        lp_->AddRow(Territory(t, population, false), -kInf, thr - 1);
      }
    }
    for (const std::string& t : m_.displayed_) {
      if (m_.Population(t) >= thr && !m_.excluded_.count(t)) {
        lp_->AddRow(Territory(t, population, false), thr, kInf);
      }
    }
  }

  const ReaderModel& m_;
  int columns_ = 0;
  std::vector<int> index_;  // by (area, cell, amount)
  std::unique_ptr<Lp> lp_;
  JudgeStats stats_;
};

absl::StatusOr<std::vector<Breach>> ReaderModel::Judge(
    JudgeStats* stats) const {
  ReaderLp lp(*this);
  std::vector<Breach> out = direct_;
  for (const std::string& t : excluded_) {
    if (displayed_.count(t)) {
      out.push_back({"C0",
                     absl::StrCat(t,
                                  ": labelled excluded in one release, "
                                  "shown in another"),
                     0, 0, Population(t)});
    }
  }
  absl::Status status = CheckShown(lp, out);
  if (status.ok()) status = CheckExcluded(lp, out);
  if (status.ok()) status = CheckHidden(lp, out);
  if (stats != nullptr) *stats = lp.stats();
  if (!status.ok()) return status;
  return out;
}

absl::Status ReaderModel::CheckShown(ReaderLp& lp,
                                     std::vector<Breach>& out) const {
  const int64_t small_limit = criteria_.frequency_threshold;
  for (const auto& [key, shown] : shown_) {
    if (shown.status == sdc::CellStatus::kPublished) continue;
    const auto& [territory, cell, amount] = key;
    auto range = lp.Interval(lp.Territory(territory, cell, amount));
    if (!range.ok()) return range.status();
    const auto [lo, hi] = *range;
    const int64_t truth = Truth(key);
    const std::string what = Describe(territory, cell, amount);
    const bool small = !amount && truth >= 1 && truth < small_limit;
    const bool masked = shown.status == sdc::CellStatus::kMasked;
    if (hi - lo < 1 - kEps) {
      const char* criterion = truth == 0                   ? ZeroPinned()
                              : !masked || small || amount ? "C1"
                                                           : "C4";
      out.push_back({criterion, what, lo, hi, truth});
    }
    if (small && masked && hi < small_limit - kEps) {
      out.push_back({"C2", what, lo, hi, truth});
    }
    // An amount over fewer contributors than the threshold: its number of
    // contributors must be able to reach the threshold too.
    const int64_t contributors = Truth({territory, cell, false});
    if (amount && masked && contributors >= 1 && contributors < small_limit) {
      auto count = lp.Interval(lp.Territory(territory, cell, false));
      if (!count.ok()) return count.status();
      if (count->second < small_limit - kEps) {
        out.push_back({"C2",
                       Describe(territory, cell, false) + " (contributors)",
                       count->first, count->second, contributors});
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ReaderModel::CheckExcluded(ReaderLp& lp,
                                        std::vector<Breach>& out) const {
  for (const std::string& t : excluded_) {
    const int64_t truth = Population(t);
    if (truth >= criteria_.territory_threshold) continue;
    auto range = lp.Interval(lp.Territory(t, PopulationCell(), false));
    if (!range.ok()) return range.status();
    const auto [lo, hi] = *range;
    if (hi - lo < criteria_.min_excluded_width - kEps) {
      // An empty territory protects nobody.
      out.push_back(
          {truth == 0 ? "note-empty" : "C3",
           absl::StrCat(t, " (allocataires of an excluded territory)"), lo, hi,
           truth});
    }
  }
  return absl::OkStatus();
}

// Hidden pieces, and territories of the commune never released, under the
// threshold: R6 produces no figure of them, derived ones included.
absl::Status ReaderModel::CheckHidden(ReaderLp& lp,
                                      std::vector<Breach>& out) const {
  struct Hidden {
    std::string what;
    Lp::Expr expr;
    int64_t truth;
  };
  std::vector<Hidden> hidden;
  for (size_t a = 0; a < areas_.size(); ++a) {
    const statbase::Territory& t = base_->territory(areas_[a]);
    const bool iris_rest = t.level == statbase::TerritoryLevel::kIris;
    if (t.level == statbase::TerritoryLevel::kIrisQpv ||
        (iris_rest && !t.parts.empty())) {
      hidden.push_back({iris_rest ? t.code + " outside its QPVs" : t.code,
                        lp.Area(a, PopulationCell(), false),
                        AreaPopulation(static_cast<int>(a))});
    }
  }
  for (const auto& [t, areas] : areas_of_) {
    if (!excluded_.count(t) && !displayed_.count(t)) {
      hidden.push_back(
          {t, lp.Territory(t, PopulationCell(), false), Population(t)});
    }
  }
  for (const Hidden& h : hidden) {
    if (h.truth >= criteria_.territory_threshold) continue;
    auto range = lp.Interval(h.expr);
    if (!range.ok()) return range.status();
    const auto [lo, hi] = *range;
    const std::string what =
        absl::StrCat(h.what, " (allocataires, never released)");
    if (hi - lo < criteria_.min_excluded_width - kEps) {
      out.push_back(
          {h.truth == 0 ? "note-empty" : "C3-hidden", what, lo, hi, h.truth});
    }
  }
  return absl::OkStatus();
}

}  // namespace ctg::attack
