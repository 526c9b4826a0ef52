#include "policy/sdc/internal/block_protector.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "policy/sdc/internal/gauss_eliminator.h"
#include "policy/sdc/internal/hierarchy_basis.h"
#include "policy/sdc/internal/lp_block_audit.h"

namespace ctg::policy::sdc::internal {
namespace {

const char* CriterionText(const std::string& c) {
  if (c == "C2")
    return "a small count must keep a feasible maximum of at least the "
           "threshold";
  if (c == "C3") {
    return "an excluded territory's allocataire count must keep a feasible "
           "interval of at "
           "least the minimum width below the threshold";
  }
  return "a masked or excluded figure must not be a single value";
}

absl::Status Refuse(const CellInterval& b, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot protect cell ", b.key.ToString(), " (criterion ", b.criterion,
      ": ", CriterionText(b.criterion), "): a reader can bound it to [",
      b.lower, ", ", b.upper, "] and ", why, "; the release is refused"));
}

// The state of one block while secondary suppression and audit repair run.
class BlockProtector {
 public:
  BlockProtector(const TableModel& m, int32_t block, std::vector<CellPlan> plan,
                 const SdcConfig& config)
      : m_(m),
        b_(m.blocks[block]),
        plan_(std::move(plan)),
        config_(config),
        suppressed_(b_.num_cells, false),
        known_(b_.num_cells, false) {
    for (const Identity& id : m.identities) {
      if (id.block == block) identities_.push_back(&id);
    }
  }

  absl::Status Gauss() { return RunGauss(); }

  // Whether a cell (global index) of this block is published now.
  bool Published(int32_t ci) const {
    const int32_t i = ci - b_.first_cell;
    return plan_[i].role == Role::kForced ||
           (plan_[i].role == Role::kCandidate && !suppressed_[i]);
  }

  // An audit repair: the published cell `ci` becomes a primary (secondary
  // reason); the caller re-runs Gauss().
  void Suppress(int32_t ci) {
    plan_[ci - b_.first_cell] = {Role::kPrimary, MaskReason::kSecondary};
  }

  // Before a repair re-runs Gauss: the current secondaries become primaries,
  // so that the published set only shrinks (as SSBtools' interval
  // suppression re-runs Gauss with every suppressed cell primary).
  void FreezeSecondaries() {
    for (int32_t i = 0; i < b_.num_cells; ++i) {
      if (plan_[i].role == Role::kCandidate && suppressed_[i]) {
        plan_[i] = {Role::kPrimary, MaskReason::kSecondary};
      }
    }
  }

  bool Repairable(int32_t ci) const {
    const int32_t i = ci - b_.first_cell;
    return plan_[i].role == Role::kCandidate && !suppressed_[i] && !known_[i] &&
           (m_.cells[ci].value > 0 || config_.mask_zeros);
  }

  // A published zero of this release (the repair's last resort): a zero is
  // a figure while zeros are published, but masking one discloses nobody.
  bool RepairableZero(int32_t ci) const {
    const int32_t i = ci - b_.first_cell;
    return plan_[i].role == Role::kCandidate && !suppressed_[i] && !known_[i] &&
           m_.cells[ci].value == 0;
  }

  // A secondary of this release (Gauss or repair), never shown masked
  // before: it may be published again when the reader pins it anyway.
  bool SecondaryOfThisRelease(int32_t ci) const {
    const int32_t i = ci - b_.first_cell;
    return m_.cells[ci].requested && !plan_[i].seen_masked &&
           ((plan_[i].role == Role::kPrimary &&
             plan_[i].reason == MaskReason::kSecondary) ||
            (plan_[i].role == Role::kCandidate && suppressed_[i]));
  }

  // A secondary the reader computes exactly anyway (C1/C4 breached by
  // bounds no repair can relax): masking it protects nothing, so it is
  // published, as a figure the reader knows (forced), and never picked
  // again. The caller re-runs Gauss().
  void Republish(int32_t ci) {
    const int32_t i = ci - b_.first_cell;
    plan_[i] = {Role::kForced, MaskReason::kNone};
    known_[i] = true;
  }

  // Fallback when no binding cell is repairable: the nearest repairable cell
  // to `key` in the graph of shared inner cells, smallest first; kHandled if
  // a cell in `picked` (global flags) is met first; -1 if none.
  static constexpr int32_t kHandled = -2;
  int32_t Nearest(const CellKey& key, const std::vector<bool>& picked) const {
    return PickNearest(key, picked);
  }

  const std::vector<CellPlan>& plan() const { return plan_; }
  bool suppressed(int32_t i) const { return suppressed_[i]; }

 private:
  int32_t PickNearest(const CellKey& key,
                      const std::vector<bool>& picked) const {
    auto cj_of = [&](int32_t j) { return b_.first_cell + j; };
    int32_t best = -1;
    std::vector<std::vector<int32_t>> cells_of_row(b_.num_rows);
    int32_t start = -1;
    for (int32_t i = 0; i < b_.num_cells; ++i) {
      const Cell& c = m_.cells[b_.first_cell + i];
      if (c.key == key) start = i;
      if (plan_[i].role == Role::kIgnored) continue;
      for (int32_t r : c.rows) cells_of_row[r - b_.first_row].push_back(i);
    }
    if (start < 0) return -1;
    std::vector<bool> seen_row(b_.num_rows, false),
        seen_cell(b_.num_cells, false);
    std::vector<int32_t> layer{start};
    seen_cell[start] = true;
    while (!layer.empty()) {
      std::vector<int32_t> next;
      for (int32_t i : layer) {
        for (int32_t r : m_.cells[b_.first_cell + i].rows) {
          if (seen_row[r - b_.first_row]) continue;
          seen_row[r - b_.first_row] = true;
          for (int32_t j : cells_of_row[r - b_.first_row]) {
            if (seen_cell[j]) continue;
            seen_cell[j] = true;
            next.push_back(j);
            if (picked[cj_of(j)]) return kHandled;
            const int32_t cj = b_.first_cell + j;
            if (Repairable(cj) &&
                (best < 0 || m_.cells[cj].value < m_.cells[best].value)) {
              best = cj;
            }
          }
        }
      }
      if (best >= 0) return best;
      layer.swap(next);
    }
    return -1;
  }

  absl::Status RunGauss() {
    GaussProblem p;
    p.num_rows = b_.num_rows;
    p.singleton_row.resize(b_.num_rows);
    for (int32_t r = 0; r < b_.num_rows; ++r) {
      p.singleton_row[r] = IsSingletonRow(m_.inner[b_.first_row + r], config_);
    }
    std::vector<int32_t> forced, cands, prims;
    for (int32_t i = 0; i < b_.num_cells; ++i) {
      switch (plan_[i].role) {
        case Role::kForced:
          forced.push_back(i);
          break;
        case Role::kCandidate:
          cands.push_back(i);
          break;
        case Role::kPrimary:
          // A zero discloses nobody while zeros are figures: it stays masked
          // (or excluded) but needs no protection from derivation.
          if (m_.cells[b_.first_cell + i].value != 0 || config_.mask_zeros) {
            prims.push_back(i);
          }
          break;
        case Role::kIgnored:
          break;
      }
    }
    // Candidate order (design doc §2.2): large cells first, so that small
    // cells are the natural secondaries; ties to cells over more inner cells,
    // then by key for reproducibility across runs and releases.
    auto cell = [&](int32_t i) -> const Cell& {
      return m_.cells[b_.first_cell + i];
    };
    // Zeros come first while they are figures (they are almost never worth
    // suppressing, and a masked zero would mislead a reader who knows masked
    // cells are >= 1); they are still checked like any candidate.
    std::sort(cands.begin(), cands.end(), [&](int32_t x, int32_t y) {
      const Cell &a = cell(x), &c = cell(y);
      if (!config_.mask_zeros && (a.value == 0) != (c.value == 0))
        return a.value == 0;
      if (a.value != c.value) return a.value > c.value;
      if (a.rows.size() != c.rows.size()) return a.rows.size() > c.rows.size();
      return a.key < c.key;
    });
    auto local = [&](int32_t i) {
      std::vector<int32_t> rows = cell(i).rows;
      for (int32_t& r : rows) r -= b_.first_row;
      return rows;
    };
    if (!basis_tried_ && identities_.empty() &&
        b_.num_rows >= config_.hierarchical_basis_min_rows) {
      basis_ = HierarchyBasis::Build(m_, b_);
    }
    basis_tried_ = true;
    std::vector<int32_t> virtual_of;  // subSum virtual primary -> its cell
    if (basis_.has_value()) {
      p.num_rows = basis_->size();
      p.singleton_row.clear();
      auto add = [&](int32_t i, std::vector<std::vector<int32_t>>* cols,
                     std::vector<std::vector<int64_t>>* vals) {
        SparseVec v = basis_->Column(i);
        cols->push_back(std::move(v.idx));
        vals->push_back(std::move(v.val));
      };
      for (int32_t i : forced) add(i, &p.candidates, &p.candidate_values);
      for (int32_t i : cands) add(i, &p.candidates, &p.candidate_values);
      for (int32_t i : prims) add(i, &p.primaries, &p.primary_values);
      AddSubSumPrimaries(&p, &virtual_of);
    } else {
      // Identities of linked indicators come first: known to every reader.
      for (const Identity* id : identities_) {
        std::vector<std::pair<int32_t, int64_t>> col;
        for (int32_t r : id->plus) col.push_back({r - b_.first_row, 1});
        for (int32_t r : id->minus) col.push_back({r - b_.first_row, -1});
        std::sort(col.begin(), col.end());
        p.candidates.emplace_back();
        p.candidate_values.emplace_back();
        for (const auto& [r, v] : col) {
          p.candidates.back().push_back(r);
          p.candidate_values.back().push_back(v);
        }
      }
      auto add_ones = [&](int32_t i) {
        p.candidates.push_back(local(i));
        if (!p.candidate_values.empty()) {
          p.candidate_values.emplace_back(p.candidates.back().size(), 1);
        }
      };
      for (int32_t i : forced) add_ones(i);
      for (int32_t i : cands) add_ones(i);
      for (int32_t i : prims) p.primaries.push_back(local(i));
    }
    const size_t num_identities = basis_.has_value() ? 0 : identities_.size();
    p.num_forced = static_cast<int32_t>(num_identities + forced.size());
    CTG_ASSIGN_OR_RETURN(
        GaussResult g,
        internal::RunGauss(p, basis_.has_value() ? SingletonMethod::kNone
                                                 : config_.singleton_method));
    for (int32_t& k : g.unsafe_primaries) {
      // A revealed subSum sum is reported through the cell it sums in.
      k = k < static_cast<int32_t>(prims.size()) ? prims[k]
                                                 : virtual_of[k - prims.size()];
    }
    // A protected cell of value 0 that published figures already pin down
    // (e.g. under a zero total) discloses nobody while zeros are figures.
    std::vector<int32_t> unsafe;
    for (int32_t i : g.unsafe_primaries) {
      if (cell(i).value != 0 || config_.mask_zeros) unsafe.push_back(i);
    }
    // A cell suppressed by an audit repair that earlier releases already
    // reveal was no use: publish it again and never pick it again.
    bool retry = false;
    for (int32_t i : unsafe) {
      if (plan_[i].reason == MaskReason::kSecondary) {
        plan_[i] = {Role::kCandidate, MaskReason::kNone};
        known_[i] = true;
        retry = true;
      }
    }
    if (retry) return RunGauss();
    if (!unsafe.empty()) {
      std::vector<std::string> names;
      for (size_t k = 0; k < unsafe.size() && k < 5; ++k) {
        names.push_back(cell(unsafe[k]).key.ToString());
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "unsafe: earlier releases (with this release's zeros) already "
          "reveal ",
          unsafe.size(), " confidential cell(s) (", absl::StrJoin(names, ", "),
          "); the release is refused"));
    }
    std::fill(suppressed_.begin(), suppressed_.end(), false);
    for (size_t k = 0; k < cands.size(); ++k) {
      suppressed_[cands[k]] = g.secondary[num_identities + forced.size() + k];
    }
    return absl::OkStatus();
  }

  // SSBtools' subSum singleton method, for the hierarchical basis: every sum
  // of two to kMaxSubSum singleton inner cells within one cell is a virtual
  // primary. Cells holding more singletons (a département, the nation) are
  // left out: their sum is dense in the basis, costly to carry, and the
  // leaks it would guard against are the local ones the smaller cells that
  // hold the same singletons already cover.
  static constexpr size_t kMaxSubSum = 16;
  void AddSubSumPrimaries(GaussProblem* p, std::vector<int32_t>* virtual_of) {
    absl::flat_hash_set<std::vector<int32_t>> seen;
    std::vector<int32_t> single;
    for (int32_t i = 0; i < b_.num_cells; ++i) {
      if (plan_[i].role == Role::kIgnored) continue;
      single.clear();
      for (int32_t r : m_.cells[b_.first_cell + i].rows) {
        if (IsSingletonRow(m_.inner[r], config_))
          single.push_back(r - b_.first_row);
      }
      if (single.size() < 2 || single.size() > kMaxSubSum ||
          !seen.insert(single).second) {
        continue;
      }
      SparseVec v = basis_->Rows(single);
      p->primaries.push_back(std::move(v.idx));
      p->primary_values.push_back(std::move(v.val));
      virtual_of->push_back(i);
    }
  }

  const TableModel& m_;
  const Block& b_;
  std::vector<CellPlan> plan_;
  const SdcConfig& config_;
  std::vector<bool> suppressed_;  // candidates made secondary
  std::vector<bool> known_;       // candidates earlier releases already reveal
  std::vector<const Identity*> identities_;  // linked indicators
  std::optional<HierarchyBasis> basis_;      // large nested blocks only
  bool basis_tried_ = false;
};

using OfCellFn = absl::FunctionRef<BlockProtector&(int32_t)>;

// A breach whose interval this many repair rounds in a row left unchanged
// is stuck. One: on the attacker's 1,000 communes 1, 2 and 3 mask 27,917,
// 27,967 and 28,005 cells (3,002 releases); on ctg_sdc_bench's synthetic
// commune 1,129, 1,126 and 1,124.
constexpr int kStuckRounds = 1;

// Whether the repair rounds move each breach's interval.
class BreachProgress {
 public:
  // Records breach k of this round: true when kStuckRounds rounds in a row
  // left its interval unchanged.
  bool Stuck(const BlockAuditResult& res, size_t k) {
    Seen& seen = now_[res.breached[k]];
    seen.interval = IntegerInterval(res.breaches[k]);
    const auto before = last_.find(res.breached[k]);
    if (before != last_.end() && before->second.interval == seen.interval)
      seen.unchanged = before->second.unchanged + 1;
    return seen.unchanged >= kStuckRounds;
  }

  // This round's breaches become the last round's.
  void EndRound() {
    last_ = std::move(now_);
    now_.clear();
  }

 private:
  struct Seen {
    std::pair<double, double> interval;
    int unchanged = 0;  // rounds in a row
  };

  // A breach's interval rounded inwards to integers, as the criteria read
  // it (two LP solves of the same bound may differ in the last bits).
  static std::pair<double, double> IntegerInterval(const CellInterval& b) {
    constexpr double kEps = 1e-6;
    return {std::ceil(b.lower - kEps),
            std::isinf(b.upper) ? b.upper : std::floor(b.upper + kEps)};
  }

  absl::flat_hash_map<int32_t, Seen> last_, now_;  // breached cell -> seen
};

// The smallest of `cells` that `ok` accepts (the first on ties), or -1.
template <typename Ok>
int32_t Smallest(const TableModel& m, const std::vector<int32_t>& cells,
                 Ok ok) {
  int32_t best = -1;
  for (int32_t ci : cells) {
    if (ok(ci) && (best < 0 || m.cells[ci].value < m.cells[best].value))
      best = ci;
  }
  return best;
}

// Every cell (global index) of the component's blocks.
std::vector<int32_t> CellsOf(const TableModel& m,
                             const std::vector<int32_t>& blocks) {
  std::vector<int32_t> out;
  for (int32_t bi : blocks) {
    const Block& b = m.blocks[bi];
    for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci)
      out.push_back(ci);
  }
  return out;
}

// The cell an audit repair suppresses for breach k (C1-C3) that the LP
// names, in order of preference: when `stuck` (kStuckRounds rounds in a row
// left its interval unchanged), the smallest repairable binding sibling (the
// same figure of another territory); the smallest repairable binding cell (its
// equation bounds the breach); a binding zero published by this release
// (R7 allows masking it: it discloses nobody). BlockProtector::kHandled if a
// cell picked this round may do; -1 if none.
int32_t PickBinding(const TableModel& m, OfCellFn of,
                    const BlockAuditResult& res, size_t k,
                    const std::vector<bool>& picked, bool stuck) {
  const std::vector<int32_t>& binding = res.binding[k];
  for (int32_t ci : binding) {
    if (picked[ci]) return BlockProtector::kHandled;
  }
  int32_t pick = -1;
  if (stuck) {
    // The smallest binding cells are far from the breach (an equation
    // elsewhere takes over); its siblings (an IRIS total for an IRIS
    // total) carry the slack of the margin that bounds it.
    const CellKey& key = res.breaches[k].key;
    const int32_t block = m.inner[m.cells[res.breached[k]].rows[0]].block;
    pick = Smallest(m, binding, [&](int32_t ci) {
      const Cell& c = m.cells[ci];
      return m.inner[c.rows[0]].block == block &&
             c.key.breakdown == key.breakdown &&
             c.key.category == key.category && of(ci).Repairable(ci);
    });
    if (pick >= 0) return pick;
  }
  pick =
      Smallest(m, binding, [&](int32_t ci) { return of(ci).Repairable(ci); });
  if (pick >= 0) return pick;
  return Smallest(m, binding,
                  [&](int32_t ci) { return of(ci).RepairableZero(ci); });
}

// When the LP names no cell of this release: the nearest repairable cell
// of the breach's block, then the smallest of the same territory in the
// component (the bound may come through another indicator). Blind guesses;
// BlockProtector::kHandled or -1 as PickBinding.
int32_t PickBlind(const TableModel& m, const std::vector<int32_t>& cells,
                  OfCellFn of, const BlockAuditResult& res, size_t k,
                  const std::vector<bool>& picked) {
  const int32_t pick = of(res.breached[k]).Nearest(res.breaches[k].key, picked);
  if (pick != -1) return pick;
  const std::string& territory = res.breaches[k].key.territory;
  return Smallest(m, cells, [&](int32_t ci) {
    return m.cells[ci].key.territory == territory && of(ci).Repairable(ci);
  });
}

}  // namespace

absl::StatusOr<std::vector<BlockOutcome>> ProtectComponent(
    const TableModel& model, const std::vector<int32_t>& blocks,
    std::vector<std::vector<CellPlan>> plans, const SdcConfig& config,
    bool audit, const AuditCellFn& audit_cell, AuditReport* report) {
  std::vector<std::unique_ptr<BlockProtector>> prot;
  absl::flat_hash_map<int32_t, size_t> index;  // block -> position
  for (size_t k = 0; k < blocks.size(); ++k) {
    index[blocks[k]] = k;
    prot.push_back(std::make_unique<BlockProtector>(
        model, blocks[k], std::move(plans[k]), config));
    CTG_RETURN_IF_ERROR(prot.back()->Gauss());
  }
  auto of_cell = [&](int32_t ci) -> BlockProtector& {
    return *prot[index.at(model.inner[model.cells[ci].rows[0]].block)];
  };
  if (audit) {
    // One LP for the whole loop: each round only relaxes it (fewer published
    // cells) and starts from the last round's basis.
    ComponentAuditor auditor(model, blocks, config,
                             {.exact_breach_lower = false});
    // A refusal names the exact interval: the min of a C2 breach was
    // skipped.
    auto refuse = [&](const BlockAuditResult& res, size_t k,
                      absl::string_view why) -> absl::Status {
      CellInterval breach = res.breaches[k];
      if (!res.lower_exact[k]) {
        CTG_ASSIGN_OR_RETURN(breach.lower, auditor.ExactLower(res.breached[k]));
      }
      return Refuse(breach, why);
    };
    const std::vector<int32_t> component_cells = CellsOf(model, blocks);
    BreachProgress progress;
    std::vector<AuditCell> cells(model.cells.size());
    std::vector<bool> passed(model.cells.size(), false),
        picked(model.cells.size(), false);
    std::vector<bool> was_published(model.cells.size(), false);
    for (int round = 0;; ++round) {
      bool republished = false;
      for (size_t k = 0; k < blocks.size(); ++k) {
        const Block& b = model.blocks[blocks[k]];
        for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
          const CellPlan& p = prot[k]->plan()[ci - b.first_cell];
          const bool published = prot[k]->Published(ci);
          // Fewer published cells only widen every interval: a cell that
          // passed stays passed unless a cell was published again.
          republished = republished || (published && !was_published[ci]);
          was_published[ci] = published;
          const AuditRole role = published ? AuditRole::kPublished
                                 : p.role == Role::kIgnored
                                     ? AuditRole::kIgnored
                                     : AuditRole::kMasked;
          cells[ci] = audit_cell(ci, role, p);
        }
      }
      if (republished) std::fill(passed.begin(), passed.end(), false);
      for (size_t ci = 0; ci < cells.size(); ++ci)
        cells[ci].check = !passed[ci];
      CTG_ASSIGN_OR_RETURN(BlockAuditResult res, auditor.Audit(cells));
      report->cells_checked += res.cells_checked;
      report->lp_solves += res.lp_solves;
      for (size_t ci = 0; ci < cells.size(); ++ci) {
        if (cells[ci].role == AuditRole::kMasked) passed[ci] = true;
      }
      for (int32_t ci : res.breached) passed[ci] = false;
      if (res.breaches.empty()) break;
      if (round >= config.audit.max_repair_rounds) {
        return refuse(res, 0, "too many repair rounds");
      }
      std::fill(picked.begin(), picked.end(), false);
      std::vector<size_t> touched;
      for (size_t k = 0; k < res.breaches.size(); ++k) {
        const int32_t ci = res.breached[k];
        const bool stuck = progress.Stuck(res, k);
        int32_t pick = PickBinding(model, of_cell, res, k, picked, stuck);
        if (pick == BlockProtector::kHandled) continue;
        int32_t changed = pick;
        if (pick < 0 && res.breaches[k].criterion == "C1" &&
            of_cell(ci).SecondaryOfThisRelease(ci)) {
          // C4, bound by earlier figures only: a secondary the reader
          // computes anyway is published again rather than masking more.
          of_cell(ci).Republish(ci);
          changed = ci;
        } else {
          if (pick < 0) {
            pick = PickBlind(model, component_cells, of_cell, res, k, picked);
            if (pick == BlockProtector::kHandled) continue;
            if (pick < 0)
              return refuse(res, k, "no published cell can be suppressed");
          }
          of_cell(pick).Suppress(pick);
          picked[pick] = true;
          changed = pick;
        }
        touched.push_back(
            index.at(model.inner[model.cells[changed].rows[0]].block));
      }
      progress.EndRound();
      std::sort(touched.begin(), touched.end());
      touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
      for (size_t k : touched) {
        prot[k]->FreezeSecondaries();
        CTG_RETURN_IF_ERROR(prot[k]->Gauss());
      }
      ++report->repair_rounds;
    }
  }
  std::vector<BlockOutcome> out(blocks.size());
  for (size_t k = 0; k < blocks.size(); ++k) {
    out[k].plan = prot[k]->plan();
    out[k].suppressed.resize(out[k].plan.size());
    for (size_t i = 0; i < out[k].plan.size(); ++i) {
      out[k].suppressed[i] = prot[k]->suppressed(static_cast<int32_t>(i));
    }
  }
  return out;
}

}  // namespace ctg::policy::sdc::internal
