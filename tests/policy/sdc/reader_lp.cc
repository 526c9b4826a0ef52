#include "tests/policy/sdc/reader_lp.h"

#include <glpk.h>

#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace ctg::policy::sdc::testing {
namespace {

class Lp {
 public:
  explicit Lp(int n) : p_(glp_create_prob()) {
    glp_term_out(GLP_OFF);
    glp_add_cols(p_, n);
    for (int j = 1; j <= n; ++j) glp_set_col_bnds(p_, j, GLP_LO, 0, 0);
    ia_ = {0};
    ja_ = {0};
    ar_ = {0};
  }
  ~Lp() { glp_delete_prob(p_); }

  void Add(const std::vector<int32_t>& plus, const std::vector<int32_t>& minus,
           int type, double lo, double up) {
    const int row = glp_add_rows(p_, 1);
    glp_set_row_bnds(p_, row, type, lo, up);
    for (int32_t r : plus) Push(row, r, 1);
    for (int32_t r : minus) Push(row, r, -1);
  }

  // min (dir = GLP_MIN) or max of sum(rows).
  double Solve(const std::vector<int32_t>& rows, int dir) {
    if (!loaded_) {
      glp_load_matrix(p_, static_cast<int>(ia_.size()) - 1, ia_.data(),
                      ja_.data(), ar_.data());
      loaded_ = true;
    }
    for (int j = 1; j <= glp_get_num_cols(p_); ++j) glp_set_obj_coef(p_, j, 0);
    for (int32_t r : rows) glp_set_obj_coef(p_, r + 1, 1);
    glp_set_obj_dir(p_, dir);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    glp_simplex(p_, &parm);
    const int status = glp_get_status(p_);
    if (status == GLP_UNBND) {
      return dir == GLP_MAX ? std::numeric_limits<double>::infinity()
                            : -std::numeric_limits<double>::infinity();
    }
    return glp_get_obj_val(p_);
  }

 private:
  void Push(int row, int32_t col, double v) {
    ia_.push_back(row);
    ja_.push_back(col + 1);
    ar_.push_back(v);
  }
  glp_prob* p_;
  std::vector<int> ia_, ja_;
  std::vector<double> ar_;
  bool loaded_ = false;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> ReaderBreaches(
    const TableModel& model, const Release& release,
    const ReaderModel& reader) {
  absl::flat_hash_map<CellKey, const Cell*> cell;
  for (const Cell& c : model.cells) cell[c.key] = &c;
  auto rows = [&](const CellKey& k) -> const std::vector<int32_t>* {
    auto it = cell.find(k);
    return it == cell.end() ? nullptr : &it->second->rows;
  };
  Lp lp(static_cast<int>(model.inner.size()));
  std::set<std::pair<std::string, std::string>> shown, excluded;
  for (const ReleasedCell& c : release.cells) {
    const std::vector<int32_t>* r = rows(c.key);
    if (r == nullptr) return absl::InternalError("release cell not in model");
    if (c.status == CellStatus::kPublished) {
      lp.Add(*r, {}, GLP_FX, static_cast<double>(c.value),
             static_cast<double>(c.value));
      shown.insert({c.key.territory, c.key.period});
    } else if (c.status == CellStatus::kMasked) {
      lp.Add(*r, {}, GLP_LO, 1, 0);  // zeros are figures: masked >= 1
      shown.insert({c.key.territory, c.key.period});
    } else {
      excluded.insert({c.key.territory, c.key.period});
    }
  }
  const double t = static_cast<double>(reader.territory_threshold);
  for (const auto* set : {&shown, &excluded}) {
    for (const auto& [territory, period] : *set) {
      const std::vector<int32_t>* r =
          rows(CellKey{territory, period, reader.population_indicator, "", ""});
      if (r == nullptr) continue;
      if (set == &excluded) lp.Add(*r, {}, GLP_UP, 0, t - 1);
      if (set == &shown) lp.Add(*r, {}, GLP_LO, t, 0);
    }
  }
  for (const Relation& rel : reader.relations) {
    const std::vector<int32_t>* sub = rows(rel.sub);
    const std::vector<int32_t>* pop = rows(rel.pop);
    if (sub == nullptr || pop == nullptr)
      return absl::InternalError("relation cell unknown");
    lp.Add(*pop, *sub, GLP_LO, 0, 0);
  }
  std::vector<std::string> out;
  for (const ReleasedCell& c : release.cells) {
    if (c.status == CellStatus::kPublished) continue;
    const std::vector<int32_t>& r = *rows(c.key);
    const int64_t value = cell.at(c.key)->value;
    const double lo = std::ceil(lp.Solve(r, GLP_MIN) - 1e-6);
    const double up = std::floor(lp.Solve(r, GLP_MAX) + 1e-6);
    const std::string where = absl::StrCat(c.key.ToString(), " (true ", value,
                                           ") in [", lo, ", ", up, "]");
    if (up <= lo && value != 0) out.push_back(absl::StrCat("C1 ", where));
    if (c.status == CellStatus::kMasked && value > 0 &&
        value < reader.frequency_threshold &&
        up < static_cast<double>(reader.frequency_threshold)) {
      out.push_back(absl::StrCat("C2 ", where));
    }
    if (c.status == CellStatus::kExcluded && c.key.is_total() &&
        c.key.indicator == reader.population_indicator &&
        std::min(up, t - 1) - lo < static_cast<double>(reader.min_width)) {
      out.push_back(absl::StrCat("C3 ", where));
    }
  }
  return out;
}

}  // namespace ctg::policy::sdc::testing
