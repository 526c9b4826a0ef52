#include "policy/sdc/internal/lp_block_audit.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"

namespace ctg::policy::sdc::internal {
namespace {

// GLPK's environment is global (thread-local at best, depending on how it was
// built): every use of GLPK in this process goes through this mutex.
ABSL_CONST_INIT absl::Mutex glpk_mu(absl::kConstInit);

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = 1e-6;

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};

}  // namespace

class ComponentLp {
 public:
  ComponentLp(const TableModel& m, std::vector<int32_t> blocks,
              const SdcConfig& config, ComponentAuditor::Options options)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(glpk_mu)
      : m_(m),
        blocks_(std::move(blocks)),
        config_(config),
        options_(options),
        lp_(glp_create_prob()) {
    BuildStatic();
  }

  absl::StatusOr<BlockAuditResult> Audit(const std::vector<AuditCell>& cells)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(glpk_mu) {
    cells_ = &cells;
    Update();
    if (first_audit_) {
      if (options_.feasible_first_basis) {
        FeasibleFirstBasis();
      } else {
        glp_adv_basis(lp_.get(), 0);
      }
      first_audit_ = false;
    }
    BlockAuditResult out;
    todo_.clear();
    witness_.clear();
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
        const AuditCell& a = cells[ci];
        if (a.role != AuditRole::kMasked || !a.check) continue;
        todo_.push_back(ci);
        // The true figures are one solution the reader cannot rule out.
        const double v = static_cast<double>(m_.cells[ci].value);
        witness_.push_back({v, v});
      }
    }
    if (!options_.exact_intervals) Spread(&out);
    for (next_ = 0; next_ < todo_.size(); ++next_) {
      ++out.cells_checked;
      CTG_RETURN_IF_ERROR(Check(todo_[next_], witness_[next_], &out));
    }
    return out;
  }

  size_t num_model_cells() const { return m_.cells.size(); }

 private:
  int Col(int32_t row) const { return col_of_row_[row] + 1; }
  const AuditCell& cell(int32_t ci) const { return (*cells_)[ci]; }

  // A primal feasible first basis, found cheaper than by the primal
  // simplex's own first phase (two thirds of a cold first solve): GLPK's
  // triangular crash, with the inner cells whose true figure is at their
  // lower bound kept out of it (the true figures are a feasible point: the
  // basis starts nearer to it), then the dual simplex on a zero objective,
  // for which every basis is dual feasible, so that it only removes primal
  // infeasibilities. Any basis gives the same optimum: this only changes
  // where the first solve starts (and, among several optimal bases, which
  // one it ends in).
  void FeasibleFirstBasis() {
    std::vector<int> at_lower;
    for (int32_t j = 0; j < static_cast<int32_t>(col_bounds_.size()); ++j) {
      const Bnd& bnd = col_bounds_[j];
      if (bnd.type == GLP_FX || col_true_[j] < 0 || col_true_[j] > bnd.lo)
        continue;
      at_lower.push_back(j);
      glp_set_col_bnds(lp_.get(), j + 1, GLP_FX, bnd.lo, bnd.lo);
    }
    glp_adv_basis(lp_.get(), 0);  // a fixed column is left out of the crash
    for (int j : at_lower) {
      const Bnd& bnd = col_bounds_[j];
      glp_set_col_bnds(lp_.get(), j + 1, bnd.type, bnd.lo, bnd.up);
    }
    glp_smcp dual = smcp_;
    dual.meth = GLP_DUAL;
    glp_set_obj_dir(lp_.get(), GLP_MIN);
    // The objective is zero between solves. If this fails, the next solve's
    // primal simplex starts from wherever it stopped.
    glp_simplex(lp_.get(), &dual);
  }

  // Solutions spread out over the cells to check: their witnesses settle
  // most cells without an LP of their own. All of them at their largest
  // together, then, while that pays, the largest of the cells still
  // unsettled. (A first "all at their smallest" solve cost more than it
  // settled: with the true figures as a known point, most criteria need a
  // larger value, not a smaller one.)
  void Spread(BlockAuditResult* out) {
    if (todo_.size() <= kSpreadMin || config_.audit.integer) return;
    next_ = static_cast<size_t>(-1);  // RecordSolution updates every cell
    SolveSpread(todo_, GLP_MAX, out);
    std::vector<int32_t> open = Unsettled();
    for (int extra = 0; extra < kMaxExtraSpreads && open.size() > kSpreadMin;
         ++extra) {
      SolveSpread(open, GLP_MAX, out);
      std::vector<int32_t> still = Unsettled();
      // Stop when a solve settles less than a tenth of the open cells: the
      // rest are settled cheaper one by one.
      if (10 * still.size() > 9 * open.size()) break;
      open = std::move(still);
    }
  }

  void SolveSpread(const std::vector<int32_t>& cells, int dir,
                   BlockAuditResult* out) {
    for (int32_t ci : cells) SetObjective(m_.cells[ci], 1.0);
    glp_set_obj_dir(lp_.get(), dir);
    ++out->lp_solves;
    if (glp_simplex(lp_.get(), &smcp_) == 0 &&
        glp_get_status(lp_.get()) == GLP_OPT) {
      RecordSolution();
    }
    for (int32_t ci : cells) SetObjective(m_.cells[ci], 0.0);
  }

  // The cells to check whose known points do not meet their criteria yet.
  std::vector<int32_t> Unsettled() const {
    std::vector<int32_t> out;
    for (size_t k = 0; k < todo_.size(); ++k) {
      const int32_t ci = todo_[k];
      if (Breach(m_.cells[ci], cell(ci), witness_[k].first, witness_[k].second,
                 /*up_exact=*/false) != nullptr) {
        out.push_back(ci);
      }
    }
    return out;
  }

  // The criterion [lo, up] breaches, or nullptr (C1-C3). `up_exact`: up is
  // the reader's maximum (not only a known point), so a zero it pins is
  // known to be pinned.
  const char* Breach(const Cell& c, const AuditCell& a, double lo, double up,
                     bool up_exact = true) const {
    const double lo_int = std::ceil(lo - kEps);
    const double up_int = std::isinf(up) ? kInf : std::floor(up + kEps);
    // C1 (and C4): a single value. A zero pinned by published zeros discloses
    // nobody while zeros are figures.
    const bool pinned_zero =
        up_exact && !config_.mask_zeros && c.value == 0 && up_int <= 0;
    if (up_int <= lo_int && !pinned_zero) return "C1";
    // C2: a small count must look possibly as large as the threshold.
    if (a.required_upper > 0 && up_int < static_cast<double>(a.required_upper))
      return "C2";
    // C3: an excluded territory's interval inside what its label allows.
    if (a.required_width > 0 && !pinned_zero) {
      const double cap = std::min(
          up_int, static_cast<double>(config_.territory_threshold - 1));
      if (cap - lo_int < static_cast<double>(a.required_width)) return "C3";
    }
    return nullptr;
  }

  // Every LP solution is a point the reader cannot rule out: it widens the
  // known part of the interval of every cell still to check, which often
  // proves them safe without solving their own LPs.
  void RecordSolution() {
    for (size_t k = next_ + 1; k < todo_.size(); ++k) {  // next_ + 1 wraps to 0
      double sum = 0;
      for (int32_t r : m_.cells[todo_[k]].rows)
        sum += glp_get_col_prim(lp_.get(), Col(r));
      witness_[k].first = std::min(witness_[k].first, sum);
      witness_[k].second = std::max(witness_[k].second, sum);
    }
  }

  absl::Status Check(int32_t ci, std::pair<double, double> known,
                     BlockAuditResult* out) {
    const Cell& c = m_.cells[ci];
    const AuditCell& a = cell(ci);
    bool all_fixed = true;
    for (int32_t r : c.rows) all_fixed = all_fixed && fixed_zero_[Col(r) - 1];
    double lo = 0, up = 0;
    // The binding published cells of the last max and min solves (only
    // needed when the cell breaches).
    std::vector<int32_t> binding_max, binding_min;
    bool solved_min = false;
    if (!all_fixed) {
      // [known] lies inside the reader's interval: if it already meets the
      // criteria, so does the interval. Otherwise widen it by solving, max
      // first (it decides C2).
      if (!options_.exact_intervals && Breach(c, a, known.first, known.second,
                                              /*up_exact=*/false) == nullptr) {
        return absl::OkStatus();
      }
      SetObjective(c, 1.0);
      absl::StatusOr<double> u = Solve(GLP_MAX, c, out);
      if (!u.ok()) return u.status();
      up = *u;
      lo = known.first;
      const char* by_max = Breach(c, a, lo, up);
      if (options_.exact_intervals || (by_max != nullptr && !SkipMin(by_max))) {
        AppendBinding(&binding_max);
        absl::StatusOr<double> l = Solve(GLP_MIN, c, out);
        if (!l.ok()) return l.status();
        lo = *l;
        AppendBinding(&binding_min);
        solved_min = true;
      } else if (by_max != nullptr) {
        AppendBinding(&binding_max);
      }
      SetObjective(c, 0.0);
    }
    if (options_.exact_intervals) out->intervals.push_back({ci, {lo, up}});
    const char* criterion = Breach(c, a, lo, up);
    if (criterion == nullptr) return absl::OkStatus();
    // A breach: the interval is exact here (the min was solved, or the
    // cell is pinned by zeros), but for a C2 breach whose min was skipped.
    CellInterval br{c.key, lo,       up, a.required_upper, a.required_width,
                    true,  criterion};
    out->breached.push_back(ci);
    out->breaches.push_back(std::move(br));
    out->lower_exact.push_back(all_fixed || solved_min);
    std::vector<int32_t> binding;
    if (all_fixed) {
      binding = ZeroSources(c);
    } else {
      // Duals of the direction(s) that make the interval too narrow: the
      // max for C2, both for C1 and C3.
      binding = std::move(binding_max);
      if (criterion[1] != '2' && solved_min) {
        binding.insert(binding.end(), binding_min.begin(), binding_min.end());
      }
      std::sort(binding.begin(), binding.end());
      binding.erase(std::unique(binding.begin(), binding.end()), binding.end());
    }
    out->binding.push_back(std::move(binding));
    return absl::OkStatus();
  }

  // Whether a breach found by the max alone may be reported without its
  // min: C2 depends on the max only, and a known point as the lower bound
  // that does not make the interval a single value proves the exact min
  // does not either (it is no larger), so the criterion is C2 whatever the
  // min. Its binding cells are the max's.
  bool SkipMin(const char* criterion) const {
    return !options_.exact_breach_lower && criterion[1] == '2';
  }

 public:
  // The reader's exact minimum of a cell under the last audit's roles.
  absl::StatusOr<double> ExactLower(int32_t ci) {
    const Cell& c = m_.cells[ci];
    bool all_fixed = true;
    for (int32_t r : c.rows) all_fixed = all_fixed && fixed_zero_[Col(r) - 1];
    if (all_fixed) return 0.0;
    BlockAuditResult unused;
    SetObjective(c, 1.0);
    absl::StatusOr<double> lo = Solve(GLP_MIN, c, &unused);
    SetObjective(c, 0.0);
    return lo;
  }

 private:
  struct Bnd {
    int type;
    double lo, up;
    bool operator==(const Bnd&) const = default;
  };

  // Columns, the dummy row, identities and Bounds: what no role changes.
  // Identity and Bound rows wait in `pending_` until one of their columns is
  // free (Update): a row over fixed columns only is a constant that the
  // true figures, hence the published ones, satisfy.
  void BuildStatic() {
    int32_t n = 0;
    col_of_row_.assign(m_.inner.size(), -1);
    absl::flat_hash_set<int32_t> in_component(blocks_.begin(), blocks_.end());
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t r = b.first_row; r < b.first_row + b.num_rows; ++r)
        col_of_row_[r] = n++;
    }
    glp_add_cols(lp_.get(), n);
    col_bounds_.assign(n, {-1, 0.0, 0.0});
    col_true_.assign(n, -1.0);
    for (size_t r = 0; r < m_.inner.size(); ++r) {
      if (col_of_row_[r] >= 0 && m_.inner[r].value_known)
        col_true_[col_of_row_[r]] = static_cast<double>(m_.inner[r].value);
    }
    for (int32_t j = 0; j < n; ++j) {
      if (config_.audit.integer) glp_set_col_kind(lp_.get(), j + 1, GLP_IV);
    }
    row_of_cell_.assign(m_.cells.size(), 0);
    row_cell_ = {-1, -1};        // GLPK rows count from 1; row 1 is the dummy
    glp_add_rows(lp_.get(), 1);  // GLPK dislikes empty problems
    glp_set_row_bnds(lp_.get(), 1, GLP_FR, 0.0, 0.0);
    // Identities of linked indicators: every reader knows them.
    for (const Identity& id : m_.identities) {
      if (!in_component.contains(id.block)) continue;
      PendingRow row{GLP_FX, {}};
      for (int32_t r : id.plus) row.terms.push_back({Col(r), 1.0});
      for (int32_t r : id.minus) row.terms.push_back({Col(r), -1.0});
      pending_.push_back(std::move(row));
    }
    // Sub-populations never exceed their populations. A row repeated on the
    // sub side is one term (GLPK refuses a column twice in a row).
    for (const Bound& bound : m_.bounds) {
      if (!in_component.contains(m_.inner[bound.sub[0]].block)) continue;
      PendingRow row{GLP_LO, {}};
      for (int32_t r : bound.pop) row.terms.push_back({Col(r), 1.0});
      for (int32_t r : bound.sub) {
        if (row.terms.back().first == Col(r)) {
          row.terms.back().second -= 1.0;
        } else {
          row.terms.push_back({Col(r), -1.0});
        }
      }
      pending_.push_back(std::move(row));
    }
    glp_init_smcp(&smcp_);
    smcp_.msg_lev = GLP_MSG_OFF;
    smcp_.presolve = GLP_OFF;  // it would discard the warm basis
    // Textbook pricing: the audit's many short re-solves (a few pivots
    // each) do not repay steepest edge's set-up and updates.
    smcp_.pricing = GLP_PT_STD;
    glp_init_iocp(&iocp_);
    iocp_.msg_lev = GLP_MSG_OFF;
  }

  // An identity (= 0) or Bound (>= 0) row not in the LP yet.
  struct PendingRow {
    int type;
    std::vector<std::pair<int, double>> terms;  // LP column, coefficient
  };

  // Adds the pending rows that have a free column (a new row is basic: the
  // basis stays valid). `cols`: the columns' bounds for this audit.
  void AddPendingRows(const std::vector<Bnd>& cols) {
    size_t kept = 0;
    std::vector<int> idx;
    std::vector<double> val;
    for (size_t k = 0; k < pending_.size(); ++k) {
      const PendingRow& row = pending_[k];
      const bool constant = std::all_of(
          row.terms.begin(), row.terms.end(),
          [&](const auto& t) { return cols[t.first - 1].type == GLP_FX; });
      if (constant) {
        if (kept != k) pending_[kept] = std::move(pending_[k]);
        ++kept;
        continue;
      }
      const int i = glp_add_rows(lp_.get(), 1);
      row_cell_.push_back(-1);
      idx.assign(1, 0);
      val.assign(1, 0.0);
      for (const auto& [j, coef] : row.terms) {
        idx.push_back(j);
        val.push_back(coef);
      }
      glp_set_mat_row(lp_.get(), i, static_cast<int>(idx.size()) - 1,
                      idx.data(), val.data());
      glp_set_row_bnds(lp_.get(), i, row.type, 0.0, 0.0);
    }
    pending_.resize(kept);
  }

  // The bounds of every column and cell row for the roles now: published
  // cells equal their value (a single inner cell as a fixed column: a
  // smaller basis; a zero fixes its inner cells), status words on
  // allocataire totals, masked cells the reader knows to be >= 1.
  void Update() {
    const int32_t n = static_cast<int32_t>(col_bounds_.size());
    fixed_zero_.assign(n, false);
    col_cell_.assign(n, -1);
    zero_cells_.assign(n, {});
    std::vector<double> fixed(n, -1.0), lower(n, 0.0);
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
        const Cell& c = m_.cells[ci];
        if (cell(ci).role != AuditRole::kPublished) continue;
        if (c.value == 0) {
          for (int32_t r : c.rows) {
            fixed_zero_[Col(r) - 1] = true;
            zero_cells_[Col(r) - 1].push_back(ci);
          }
        } else if (c.rows.size() == 1) {
          fixed[Col(c.rows[0]) - 1] = static_cast<double>(c.value);
          col_cell_[Col(c.rows[0]) - 1] = ci;
        }
      }
    }
    const double threshold = static_cast<double>(config_.territory_threshold);
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
        const AuditCell& a = cell(ci);
        const Cell& c = m_.cells[ci];
        const double v = static_cast<double>(c.value);
        Bnd row{GLP_FR, 0.0, 0.0};
        if (a.role == AuditRole::kPublished) {
          // Over fixed columns only, the equation is a constant: no row.
          const bool constant =
              std::all_of(c.rows.begin(), c.rows.end(), [&](int32_t r) {
                return fixed_zero_[Col(r) - 1] || fixed[Col(r) - 1] >= 0;
              });
          if (c.value > 0 && c.rows.size() > 1 && !constant) {
            row = {GLP_FX, v, v};
          }
        } else if (a.label == Label::kExcluded) {
          row = {GLP_DB, a.known_positive ? 1.0 : 0.0, threshold - 1};
        } else if (a.label == Label::kShown) {
          row = {GLP_LO, threshold, 0.0};
        } else if (a.role == AuditRole::kMasked && a.known_positive) {
          const int32_t j = Col(c.rows[0]) - 1;
          if (c.rows.size() == 1 && !fixed_zero_[j] && fixed[j] < 0) {
            lower[j] = 1.0;  // no row: a bound on its one column
          } else {
            row = {GLP_LO, 1.0, 0.0};
          }
        }
        SetCellRow(ci, row);
      }
    }
    std::vector<Bnd> want(n);
    for (int32_t j = 0; j < n; ++j) {
      want[j] = {GLP_LO, lower[j], 0.0};
      if (fixed_zero_[j]) {
        want[j] = {GLP_FX, 0.0, 0.0};
      } else if (fixed[j] >= 0) {
        want[j] = {GLP_FX, fixed[j], fixed[j]};
      }
    }
    AddPendingRows(want);
    for (int32_t j = 0; j < n; ++j) {
      if (col_bounds_[j] == want[j]) continue;
      col_bounds_[j] = want[j];
      glp_set_col_bnds(lp_.get(), j + 1, want[j].type, want[j].lo, want[j].up);
    }
  }

  // A cell's row gets `bnd`; the row is made the first time a cell needs
  // one (a new row is basic: the basis stays valid) and is never removed
  // (a free row constrains nothing).
  void SetCellRow(int32_t ci, const Bnd& bnd) {
    int row = row_of_cell_[ci];
    if (row == 0) {
      if (bnd.type == GLP_FR) return;
      row = glp_add_rows(lp_.get(), 1);
      row_of_cell_[ci] = row;
      row_cell_.push_back(ci);
      std::vector<int> idx{0};
      std::vector<double> val{0.0};
      for (int32_t r : m_.cells[ci].rows) {
        idx.push_back(Col(r));
        val.push_back(1.0);
      }
      glp_set_mat_row(lp_.get(), row, static_cast<int>(idx.size()) - 1,
                      idx.data(), val.data());
    } else if (glp_get_row_type(lp_.get(), row) == bnd.type &&
               glp_get_row_lb(lp_.get(), row) == bnd.lo &&
               glp_get_row_ub(lp_.get(), row) == bnd.up) {
      return;
    }
    glp_set_row_bnds(lp_.get(), row, bnd.type, bnd.lo, bnd.up);
  }

  void SetObjective(const Cell& c, double coef) {
    for (int32_t r : c.rows) glp_set_obj_coef(lp_.get(), Col(r), coef);
  }

  absl::StatusOr<double> Solve(int dir, const Cell& c, BlockAuditResult* out) {
    glp_set_obj_dir(lp_.get(), dir);
    ++out->lp_solves;
    int ret = glp_simplex(lp_.get(), &smcp_);
    if (ret != 0) {
      glp_std_basis(lp_.get());
      ++out->lp_solves;
      ret = glp_simplex(lp_.get(), &smcp_);
    }
    if (ret != 0) {
      return absl::InternalError(absl::StrCat(
          "LP audit: GLPK failed (code ", ret, ") on cell ", c.key.ToString()));
    }
    const int status = glp_get_status(lp_.get());
    if (status == GLP_UNBND) return dir == GLP_MAX ? kInf : -kInf;
    if (status != GLP_OPT) {
      return absl::InternalError(absl::StrCat(
          "LP audit: published figures are inconsistent around cell ",
          c.key.ToString()));
    }
    if (!config_.audit.integer) {
      RecordSolution();
      return glp_get_obj_val(lp_.get());
    }
    if (glp_intopt(lp_.get(), &iocp_) != 0 ||
        glp_mip_status(lp_.get()) != GLP_OPT) {
      return absl::InternalError(absl::StrCat(
          "LP audit: integer solve failed on cell ", c.key.ToString()));
    }
    return glp_mip_obj_val(lp_.get());
  }

  // Published cells whose equality binds the last solution.
  void AppendBinding(std::vector<int32_t>* out) const {
    for (size_t j = 0; j < col_cell_.size(); ++j) {
      if (col_cell_[j] < 0 && zero_cells_[j].empty()) continue;
      if (std::fabs(glp_get_col_dual(lp_.get(), static_cast<int>(j) + 1)) <=
          1e-9) {
        continue;
      }
      // A column fixed by a published figure, or to 0 by published zeros
      // (each of them binds: the repair's last resort).
      if (col_cell_[j] >= 0) out->push_back(col_cell_[j]);
      out->insert(out->end(), zero_cells_[j].begin(), zero_cells_[j].end());
    }
    for (size_t row = 1; row < row_cell_.size(); ++row) {
      const int32_t ci = row_cell_[row];
      if (ci < 0 || cell(ci).role != AuditRole::kPublished) continue;
      if (std::fabs(glp_get_row_dual(lp_.get(), static_cast<int>(row))) >
          1e-9) {
        out->push_back(ci);
      }
    }
  }

  // Published cells sharing a row with `c` (used when c is pinned by zeros).
  std::vector<int32_t> ZeroSources(const Cell& c) const {
    std::vector<int32_t> out;
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
        const Cell& p = m_.cells[ci];
        if (cell(ci).role != AuditRole::kPublished) continue;
        std::vector<int32_t> common;
        std::set_intersection(p.rows.begin(), p.rows.end(), c.rows.begin(),
                              c.rows.end(), std::back_inserter(common));
        if (!common.empty()) out.push_back(ci);
      }
    }
    return out;
  }

  // Spread solves only pay for more cells than this.
  static constexpr size_t kSpreadMin = 8;
  static constexpr int kMaxExtraSpreads = 10;

  const TableModel& m_;
  const std::vector<int32_t> blocks_;
  const SdcConfig& config_;
  const ComponentAuditor::Options options_;
  std::unique_ptr<glp_prob, ProbDeleter> lp_;
  const std::vector<AuditCell>* cells_ = nullptr;  // this audit's roles
  bool first_audit_ = true;
  std::vector<int32_t> col_of_row_;  // global row -> LP column - 1
  std::vector<Bnd> col_bounds_;      // by LP column - 1, as set in GLPK
  std::vector<double> col_true_;     // by LP column - 1: true figure, or -1
  std::vector<bool> fixed_zero_;     // by LP column - 1
  // LP column - 1 -> published cell fixing it, or -1.
  std::vector<int32_t> col_cell_;
  // LP column - 1 -> the published zeros fixing it to 0.
  std::vector<std::vector<int32_t>> zero_cells_;
  std::vector<int> row_of_cell_;   // global cell -> its GLPK row, or 0
  std::vector<int32_t> row_cell_;  // GLPK row -> global cell index, or -1
  std::vector<int32_t> todo_;      // masked cells to check, in order
  // Known part of each interval.
  std::vector<std::pair<double, double>> witness_;
  size_t next_ = 0;                  // position in todo_
  std::vector<PendingRow> pending_;  // identity and Bound rows not in the LP
  glp_smcp smcp_;
  glp_iocp iocp_;
};

int64_t RequiredWidth(const Cell& cell, const Block& block,
                      const SdcConfig& config) {
  // R6: the allocataire-count total of an excluded territory or piece.
  if (IsExcludedCell(cell, config) && block.allocataire_count &&
      cell.key.is_total() && cell.key.indicator == block.key.indicator) {
    return config.excluded_min_width;
  }
  return 0;
}

std::vector<std::vector<int32_t>> Components(const TableModel& model) {
  const int32_t nb = static_cast<int32_t>(model.blocks.size());
  std::vector<int32_t> root(nb);
  for (int32_t b = 0; b < nb; ++b) root[b] = b;
  auto find = [&](int32_t b) {
    while (root[b] != b) b = root[b] = root[root[b]];
    return b;
  };
  for (const Bound& bound : model.bounds) {
    const int32_t first = find(model.inner[bound.sub[0]].block);
    for (const std::vector<int32_t>* side : {&bound.sub, &bound.pop}) {
      for (int32_t r : *side) {
        const int32_t x = find(first), y = find(model.inner[r].block);
        if (x != y) root[std::max(x, y)] = std::min(x, y);
      }
    }
  }
  std::vector<std::vector<int32_t>> out;
  std::vector<int32_t> index(nb, -1);
  for (int32_t b = 0; b < nb; ++b) {
    const int32_t r = find(b);
    if (index[r] < 0) {
      index[r] = static_cast<int32_t>(out.size());
      out.emplace_back();
    }
    out[index[r]].push_back(b);
  }
  return out;
}

// Auditors alive on this thread: the first takes the GLPK mutex, the last
// frees the thread's GLPK environment (which deletes every problem of the
// thread) and releases it.
thread_local int auditors_on_thread = 0;

ComponentAuditor::ComponentAuditor(
    const TableModel& model, std::vector<int32_t> blocks,
    const SdcConfig& config, Options options) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (auditors_on_thread++ == 0) glpk_mu.Lock();  // released by the last
  glp_term_out(GLP_OFF);
  lp_ =
      std::make_unique<ComponentLp>(model, std::move(blocks), config, options);
}

ComponentAuditor::~ComponentAuditor() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  lp_.reset();
  if (--auditors_on_thread > 0) return;
  // Debian's GLPK keeps one environment per thread: free it, or every thread
  // that ever audited would leak it at exit.
  glp_free_env();
  glpk_mu.Unlock();
}

absl::StatusOr<BlockAuditResult> ComponentAuditor::Audit(
    const std::vector<AuditCell>& cells) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (cells.size() != lp_->num_model_cells()) {
    return absl::InvalidArgumentError(
        "ComponentAuditor: one AuditCell per cell of the model");
  }
  return lp_->Audit(cells);
}

absl::StatusOr<double> ComponentAuditor::ExactLower(int32_t ci)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return lp_->ExactLower(ci);
}

absl::StatusOr<BlockAuditResult> AuditComponent(
    const TableModel& model, const std::vector<int32_t>& blocks,
    const std::vector<AuditCell>& cells, const SdcConfig& config) {
  ComponentAuditor auditor(model, blocks, config);
  return auditor.Audit(cells);
}

}  // namespace ctg::policy::sdc::internal
