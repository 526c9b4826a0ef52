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

class ComponentLp {
 public:
  ComponentLp(const TableModel& m, const std::vector<int32_t>& blocks,
              const std::vector<AuditCell>& cells, const SdcConfig& config)
      : m_(m),
        blocks_(blocks),
        cells_(cells),
        config_(config),
        lp_(glp_create_prob()) {}

  absl::StatusOr<BlockAuditResult> Run()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(glpk_mu) {
    Build();
    BlockAuditResult out;
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
        const AuditCell& a = cells_[ci];
        if (a.role != AuditRole::kMasked || !a.check) continue;
        todo_.push_back(ci);
        // The true figures are one solution the reader cannot rule out.
        const double v = static_cast<double>(m_.cells[ci].value);
        witness_.push_back({v, v});
      }
    }
    // Two spread-out solutions first (all cells to check at their smallest,
    // then at their largest together): their witnesses settle most cells.
    if (todo_.size() > 8 && !config_.audit.integer) {
      next_ = static_cast<size_t>(-1);  // RecordSolution updates every cell
      for (int dir : {GLP_MIN, GLP_MAX}) {
        for (int32_t ci : todo_) SetObjective(m_.cells[ci], 1.0);
        glp_set_obj_dir(lp_.get(), dir);
        if (glp_simplex(lp_.get(), &smcp_) == 0 &&
            glp_get_status(lp_.get()) == GLP_OPT) {
          RecordSolution();
        }
        for (int32_t ci : todo_) SetObjective(m_.cells[ci], 0.0);
      }
    }
    for (next_ = 0; next_ < todo_.size(); ++next_) {
      ++out.cells_checked;
      CTG_RETURN_IF_ERROR(Check(todo_[next_], witness_[next_], &out));
    }
    return out;
  }

 private:
  int Col(int32_t row) const { return col_of_row_[row] + 1; }

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
    const AuditCell& a = cells_[ci];
    bool all_fixed = true;
    for (int32_t r : c.rows) all_fixed = all_fixed && fixed_zero_[Col(r) - 1];
    double lo = 0, up = 0;
    if (!all_fixed) {
      // [known] lies inside the reader's interval: if it already meets the
      // criteria, so does the interval. Otherwise widen it by solving, max
      // first (it decides C2).
      if (Breach(c, a, known.first, known.second, /*up_exact=*/false) ==
          nullptr) {
        return absl::OkStatus();
      }
      SetObjective(c, 1.0);
      absl::StatusOr<double> u = Solve(GLP_MAX, c);
      if (!u.ok()) return u.status();
      up = *u;
      lo = known.first;
      if (Breach(c, a, lo, up) != nullptr) {
        absl::StatusOr<double> l = Solve(GLP_MIN, c);
        if (!l.ok()) return l.status();
        lo = *l;
      }
    }
    const char* criterion = Breach(c, a, lo, up);
    if (criterion != nullptr) {
      CellInterval br{c.key, lo,       up, a.required_upper, a.required_width,
                      true,  criterion};
      out->breached.push_back(ci);
      out->breaches.push_back(std::move(br));
      std::vector<int32_t> binding;
      if (all_fixed) {
        binding = ZeroSources(c);
      } else {
        // Duals of the direction(s) that make the interval too narrow.
        const bool need_min = criterion[1] != '2';
        if (need_min) {
          CTG_RETURN_IF_ERROR(Solve(GLP_MIN, c).status());
          AppendBinding(&binding);
        }
        CTG_RETURN_IF_ERROR(Solve(GLP_MAX, c).status());
        AppendBinding(&binding);
        std::sort(binding.begin(), binding.end());
        binding.erase(std::unique(binding.begin(), binding.end()),
                      binding.end());
      }
      out->binding.push_back(std::move(binding));
    }
    if (!all_fixed) SetObjective(c, 0.0);
    return absl::OkStatus();
  }

  void AddRow(int bounds_type, double lo, double up, int32_t cell,
              const std::vector<std::pair<int32_t, double>>& terms) {
    const int row = glp_add_rows(lp_.get(), 1);
    row_cell_.push_back(cell);
    glp_set_row_bnds(lp_.get(), row, bounds_type, lo, up);
    for (const auto& [r, coef] : terms) {
      ia_.push_back(row);
      ja_.push_back(Col(r));
      ar_.push_back(coef);
    }
  }

  void Build() {
    int32_t n = 0;
    col_of_row_.assign(m_.inner.size(), -1);
    absl::flat_hash_set<int32_t> in_component(blocks_.begin(), blocks_.end());
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t r = b.first_row; r < b.first_row + b.num_rows; ++r)
        col_of_row_[r] = n++;
    }
    fixed_zero_.assign(n, false);
    // A published cell of one inner cell fixes that variable (no row: a
    // smaller basis); its binding shows as the column's reduced cost.
    col_cell_.assign(n, -1);
    std::vector<double> fixed(n, -1.0);
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
        const Cell& c = m_.cells[ci];
        if (cells_[ci].role != AuditRole::kPublished) continue;
        if (c.value == 0) {
          for (int32_t r : c.rows) fixed_zero_[Col(r) - 1] = true;
        } else if (c.rows.size() == 1) {
          fixed[Col(c.rows[0]) - 1] = static_cast<double>(c.value);
          col_cell_[Col(c.rows[0]) - 1] = ci;
        }
      }
    }
    glp_add_cols(lp_.get(), n);
    for (int32_t j = 0; j < n; ++j) {
      if (fixed_zero_[j]) {
        glp_set_col_bnds(lp_.get(), j + 1, GLP_FX, 0.0, 0.0);
      } else if (fixed[j] >= 0) {
        glp_set_col_bnds(lp_.get(), j + 1, GLP_FX, fixed[j], fixed[j]);
      } else {
        glp_set_col_bnds(lp_.get(), j + 1, GLP_LO, 0.0, 0.0);
      }
      if (config_.audit.integer) glp_set_col_kind(lp_.get(), j + 1, GLP_IV);
    }
    ia_ = {0};
    ja_ = {0};
    ar_ = {0.0};
    AddRow(GLP_FR, 0.0, 0.0, -1, {});  // GLPK dislikes empty problems
    std::vector<std::pair<int32_t, double>> terms;
    auto ones = [&](const std::vector<int32_t>& rows, double coef) {
      for (int32_t r : rows) terms.push_back({r, coef});
    };
    const double threshold = static_cast<double>(config_.territory_threshold);
    for (int32_t bi : blocks_) {
      const Block& b = m_.blocks[bi];
      for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
        const AuditCell& a = cells_[ci];
        const Cell& c = m_.cells[ci];
        terms.clear();
        ones(c.rows, 1.0);
        const double v = static_cast<double>(c.value);
        if (a.role == AuditRole::kPublished) {
          if (c.value > 0 && c.rows.size() > 1) AddRow(GLP_FX, v, v, ci, terms);
          continue;
        }
        if (a.label == Label::kExcluded) {
          AddRow(GLP_DB, a.known_positive ? 1.0 : 0.0, threshold - 1, -1,
                 terms);
        } else if (a.label == Label::kShown) {
          AddRow(GLP_LO, threshold, 0.0, -1, terms);
        } else if (a.role == AuditRole::kMasked && a.known_positive &&
                   c.rows.size() == 1 &&
                   glp_get_col_type(lp_.get(), Col(c.rows[0])) == GLP_LO) {
          glp_set_col_bnds(lp_.get(), Col(c.rows[0]), GLP_LO, 1.0, 0.0);
        } else if (a.role == AuditRole::kMasked && a.known_positive) {
          AddRow(GLP_LO, 1.0, 0.0, -1, terms);
        }
      }
    }
    // Identities of linked indicators: every reader knows them.
    for (const Identity& id : m_.identities) {
      if (!in_component.contains(id.block)) continue;
      terms.clear();
      ones(id.plus, 1.0);
      ones(id.minus, -1.0);
      AddRow(GLP_FX, 0.0, 0.0, -1, terms);
    }
    // Sub-populations never exceed their populations. A row repeated on the
    // sub side is one term (GLPK refuses a column twice in a row).
    for (const Bound& bound : m_.bounds) {
      if (!in_component.contains(m_.inner[bound.sub[0]].block)) continue;
      terms.clear();
      ones(bound.pop, 1.0);
      for (int32_t r : bound.sub) {
        if (!terms.empty() && terms.back().first == r) {
          terms.back().second -= 1.0;
        } else {
          terms.push_back({r, -1.0});
        }
      }
      AddRow(GLP_LO, 0.0, 0.0, -1, terms);
    }
    glp_load_matrix(lp_.get(), static_cast<int>(ia_.size()) - 1, ia_.data(),
                    ja_.data(), ar_.data());
    glp_adv_basis(lp_.get(), 0);  // a better first basis than all slacks
    glp_init_smcp(&smcp_);
    smcp_.msg_lev = GLP_MSG_OFF;
    smcp_.presolve = GLP_OFF;
    glp_init_iocp(&iocp_);
    iocp_.msg_lev = GLP_MSG_OFF;
  }

  void SetObjective(const Cell& c, double coef) {
    for (int32_t r : c.rows) glp_set_obj_coef(lp_.get(), Col(r), coef);
  }

  absl::StatusOr<double> Solve(int dir, const Cell& c) {
    glp_set_obj_dir(lp_.get(), dir);
    int ret = glp_simplex(lp_.get(), &smcp_);
    if (ret != 0) {
      glp_std_basis(lp_.get());
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
      if (col_cell_[j] < 0) continue;
      if (std::fabs(glp_get_col_dual(lp_.get(), static_cast<int>(j) + 1)) >
          1e-9) {
        out->push_back(col_cell_[j]);
      }
    }
    for (size_t row = 1; row < row_cell_.size(); ++row) {
      const int32_t ci = row_cell_[row];
      if (ci < 0 || cells_[ci].role != AuditRole::kPublished) continue;
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
        if (cells_[ci].role != AuditRole::kPublished) continue;
        std::vector<int32_t> common;
        std::set_intersection(p.rows.begin(), p.rows.end(), c.rows.begin(),
                              c.rows.end(), std::back_inserter(common));
        if (!common.empty()) out.push_back(ci);
      }
    }
    return out;
  }

  const TableModel& m_;
  const std::vector<int32_t>& blocks_;
  const std::vector<AuditCell>& cells_;
  const SdcConfig& config_;
  std::unique_ptr<glp_prob, ProbDeleter> lp_;
  std::vector<int32_t> col_of_row_;  // global row -> LP column - 1
  std::vector<bool> fixed_zero_;     // by LP column - 1
  std::vector<int32_t>
      col_cell_;  // LP column - 1 -> published cell fixing it, or -1
  std::vector<int32_t> row_cell_;  // GLPK row -> global cell index, or -1
  std::vector<int32_t> todo_;      // masked cells to check, in order
  std::vector<std::pair<double, double>>
      witness_;      // known part of each interval
  size_t next_ = 0;  // position in todo_
  std::vector<int> ia_, ja_;
  std::vector<double> ar_;
  glp_smcp smcp_;
  glp_iocp iocp_;
};

}  // namespace

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

absl::StatusOr<BlockAuditResult> AuditComponent(
    const TableModel& model, const std::vector<int32_t>& blocks,
    const std::vector<AuditCell>& cells, const SdcConfig& config) {
  if (cells.size() != model.cells.size()) {
    return absl::InvalidArgumentError(
        "AuditComponent: one AuditCell per cell of the model");
  }
  absl::MutexLock lock(&glpk_mu);
  glp_term_out(GLP_OFF);
  absl::StatusOr<BlockAuditResult> result;
  {
    ComponentLp lp(model, blocks, cells, config);
    result = lp.Run();
  }
  // Debian's GLPK keeps one environment per thread: free it, or every thread
  // that ever audited would leak it at exit.
  glp_free_env();
  return result;
}

}  // namespace ctg::policy::sdc::internal
