#include "policy/sdc/internal/lp_block_audit.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

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

class BlockLp {
 public:
  BlockLp(const TableModel& m, const Block& b, const std::vector<AuditCell>& cells,
          const SdcConfig& config)
      : m_(m), b_(b), cells_(cells), config_(config), lp_(glp_create_prob()) {}

  absl::StatusOr<BlockAuditResult> Run() ABSL_EXCLUSIVE_LOCKS_REQUIRED(glpk_mu) {
    Build();
    BlockAuditResult out;
    for (int32_t i = 0; i < b_.num_cells; ++i) {
      if (cells_[i].role != AuditRole::kMasked) continue;
      ++out.cells_checked;
      const Cell& c = m_.cells[b_.first_cell + i];
      double lo = 0, up = 0;
      bool all_fixed = true;
      for (int32_t r : c.rows) all_fixed = all_fixed && fixed_zero_[r - b_.first_row];
      if (!all_fixed) {
        SetObjective(c, 1.0);
        absl::StatusOr<double> l = Solve(GLP_MIN, c);
        if (!l.ok()) return l.status();
        lo = *l;
        absl::StatusOr<double> u = Solve(GLP_MAX, c);
        if (!u.ok()) return u.status();
        up = *u;
        SetObjective(c, 0.0);
      }
      const int64_t req = cells_[i].required_upper;
      const double lo_int = std::ceil(lo - kEps);
      const double up_int = std::isinf(up) ? kInf : std::floor(up + kEps);
      bool breach = up_int <= lo_int || (req > 0 && up_int < static_cast<double>(req));
      // A zero pinned by published zeros discloses nobody (zeros are figures).
      if (breach && !config_.mask_zeros && c.value == 0 && up_int == 0) breach = false;
      if (!breach) continue;
      out.breaches.push_back(CellInterval{c.key, lo, up, req, true});
      out.binding.push_back(all_fixed ? ZeroSources(c) : Binding(c));
    }
    return out;
  }

 private:
  void Build() {
    const int32_t n = b_.num_rows;
    fixed_zero_.assign(n, false);
    for (int32_t i = 0; i < b_.num_cells; ++i) {
      const Cell& c = m_.cells[b_.first_cell + i];
      if (cells_[i].role == AuditRole::kPublished && c.value == 0) {
        for (int32_t r : c.rows) fixed_zero_[r - b_.first_row] = true;
      }
    }
    glp_add_cols(lp_.get(), n);
    for (int32_t j = 0; j < n; ++j) {
      glp_set_col_bnds(lp_.get(), j + 1, fixed_zero_[j] ? GLP_FX : GLP_LO, 0.0, 0.0);
      if (config_.audit.integer) glp_set_col_kind(lp_.get(), j + 1, GLP_IV);
    }
    std::vector<int> ia{0}, ja{0};
    std::vector<double> ar{0.0};
    glp_add_rows(lp_.get(), 1);  // a free dummy row: GLPK dislikes empty problems
    glp_set_row_bnds(lp_.get(), 1, GLP_FR, 0.0, 0.0);
    row_cell_.push_back(-1);
    for (int32_t i = 0; i < b_.num_cells; ++i) {
      const AuditCell& a = cells_[i];
      const Cell& c = m_.cells[b_.first_cell + i];
      const bool eq = a.role == AuditRole::kPublished && c.value > 0;
      const bool ge1 = a.role == AuditRole::kMasked && a.known_positive;
      if (!eq && !ge1) continue;
      const int row = glp_add_rows(lp_.get(), 1);
      row_cell_.push_back(b_.first_cell + i);
      const double v = static_cast<double>(c.value);
      glp_set_row_bnds(lp_.get(), row, eq ? GLP_FX : GLP_LO, eq ? v : 1.0, eq ? v : 0.0);
      for (int32_t r : c.rows) {
        ia.push_back(row);
        ja.push_back(r - b_.first_row + 1);
        ar.push_back(1.0);
      }
    }
    // Identities of linked indicators: every reader knows them.
    for (const Identity& id : m_.identities) {
      if (&m_.blocks[id.block] != &b_) continue;
      const int row = glp_add_rows(lp_.get(), 1);
      row_cell_.push_back(-1);
      glp_set_row_bnds(lp_.get(), row, GLP_FX, 0.0, 0.0);
      for (const auto* side : {&id.plus, &id.minus}) {
        for (int32_t r : *side) {
          ia.push_back(row);
          ja.push_back(r - b_.first_row + 1);
          ar.push_back(side == &id.plus ? 1.0 : -1.0);
        }
      }
    }
    glp_load_matrix(lp_.get(), static_cast<int>(ia.size()) - 1, ia.data(), ja.data(),
                    ar.data());
    glp_init_smcp(&smcp_);
    smcp_.msg_lev = GLP_MSG_OFF;
    smcp_.presolve = GLP_OFF;
    glp_init_iocp(&iocp_);
    iocp_.msg_lev = GLP_MSG_OFF;
  }

  void SetObjective(const Cell& c, double coef) {
    for (int32_t r : c.rows) glp_set_obj_coef(lp_.get(), r - b_.first_row + 1, coef);
  }

  absl::StatusOr<double> Solve(int dir, const Cell& c) {
    glp_set_obj_dir(lp_.get(), dir);
    int ret = glp_simplex(lp_.get(), &smcp_);
    if (ret != 0) {
      glp_std_basis(lp_.get());
      ret = glp_simplex(lp_.get(), &smcp_);
    }
    if (ret != 0) {
      return absl::InternalError(absl::StrCat("LP audit: GLPK failed (code ", ret,
                                              ") on cell ", c.key.ToString()));
    }
    const int status = glp_get_status(lp_.get());
    if (status == GLP_UNBND) return dir == GLP_MAX ? kInf : -kInf;
    if (status != GLP_OPT) {
      return absl::InternalError(absl::StrCat(
          "LP audit: published figures are inconsistent around cell ", c.key.ToString()));
    }
    if (!config_.audit.integer) return glp_get_obj_val(lp_.get());
    if (glp_intopt(lp_.get(), &iocp_) != 0 || glp_mip_status(lp_.get()) != GLP_OPT) {
      return absl::InternalError(
          absl::StrCat("LP audit: integer solve failed on cell ", c.key.ToString()));
    }
    return glp_mip_obj_val(lp_.get());
  }

  // Published cells whose equality binds the last (maximisation) solution.
  std::vector<int32_t> Binding(const Cell&) const {
    std::vector<int32_t> out;
    for (size_t row = 1; row < row_cell_.size(); ++row) {
      const int32_t ci = row_cell_[row];
      if (ci < 0 || cells_[ci - b_.first_cell].role != AuditRole::kPublished) continue;
      if (std::fabs(glp_get_row_dual(lp_.get(), static_cast<int>(row))) > 1e-9) {
        out.push_back(ci);
      }
    }
    return out;
  }

  // Published cells sharing a row with `c` (used when c is pinned by zeros).
  std::vector<int32_t> ZeroSources(const Cell& c) const {
    std::vector<int32_t> out;
    for (int32_t i = 0; i < b_.num_cells; ++i) {
      const Cell& p = m_.cells[b_.first_cell + i];
      if (cells_[i].role != AuditRole::kPublished) continue;
      std::vector<int32_t> common;
      std::set_intersection(p.rows.begin(), p.rows.end(), c.rows.begin(), c.rows.end(),
                            std::back_inserter(common));
      if (!common.empty()) out.push_back(b_.first_cell + i);
    }
    return out;
  }

  const TableModel& m_;
  const Block& b_;
  const std::vector<AuditCell>& cells_;
  const SdcConfig& config_;
  std::unique_ptr<glp_prob, ProbDeleter> lp_;
  std::vector<bool> fixed_zero_;
  std::vector<int32_t> row_cell_;  // GLPK row -> global cell index
  glp_smcp smcp_;
  glp_iocp iocp_;
};

}  // namespace

int64_t RequiredUpper(const Cell& cell, const Block& block, const SdcConfig& config) {
  int64_t req = 0;
  if (block.kind == IndicatorKind::kCount && IsSmallCount(cell.value, config)) {
    req = config.frequency_threshold;
  }
  if (block.kind == IndicatorKind::kAmount && IsDerivedFigureMasked(cell.value, config)) {
    req = config.min_contributors;
  }
  const bool r6 = (!cell.piece || config.protect_small_pieces) &&
                  IsExcludedTerritory(cell.territory_population, config);
  if (r6 && block.allocataire_count && cell.key.is_total() &&
      cell.key.indicator == block.key.indicator) {
    req = std::max(req, config.territory_threshold);
  }
  return req;
}

absl::StatusOr<BlockAuditResult> AuditBlock(const TableModel& model, int32_t block,
                                            const std::vector<AuditCell>& cells,
                                            const SdcConfig& config) {
  const Block& b = model.blocks[block];
  if (static_cast<int32_t>(cells.size()) != b.num_cells) {
    return absl::InvalidArgumentError("AuditBlock: one AuditCell per cell of the block");
  }
  absl::MutexLock lock(&glpk_mu);
  glp_term_out(GLP_OFF);
  absl::StatusOr<BlockAuditResult> result;
  {
    BlockLp lp(model, b, cells, config);
    result = lp.Run();
  }
  // Debian's GLPK keeps one environment per thread: free it, or every thread
  // that ever audited would leak it at exit.
  glp_free_env();
  return result;
}

}  // namespace ctg::policy::sdc::internal
