#include "policy/sdc/suppressor.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "policy/sdc/internal/block_plan.h"
#include "policy/sdc/internal/block_protector.h"
#include "policy/sdc/internal/lp_block_audit.h"

namespace ctg::policy::sdc {
namespace {

using internal::CellPlan;
using internal::Role;

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Which components the audit covers (all of them below max_rows inner cells
// in kAlways mode; otherwise a seeded sample within that budget).
std::vector<bool> SelectAudited(const TableModel& m,
                                const std::vector<std::vector<int32_t>>& comps,
                                const AuditConfig& a, uint64_t seed) {
  const size_t nc = comps.size();
  std::vector<bool> sel(nc, false);
  if (a.mode == AuditMode::kOff) return sel;
  if (a.mode == AuditMode::kAlways &&
      static_cast<int64_t>(m.inner.size()) <= a.max_rows) {
    sel.assign(nc, true);
    return sel;
  }
  std::vector<size_t> order(nc);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return SplitMix(seed ^ x) < SplitMix(seed ^ y);
  });
  int64_t budget = a.max_rows;
  size_t wanted =
      a.mode == AuditMode::kAlways
          ? nc
          : std::max<size_t>(1, static_cast<size_t>(a.sample_fraction * nc));
  for (size_t c : order) {
    if (wanted == 0) break;
    int64_t rows = 0;
    for (int32_t b : comps[c]) rows += m.blocks[b].num_rows;
    if (rows > budget) continue;
    budget -= rows;
    sel[c] = true;
    --wanted;
  }
  return sel;
}

// Open data (SdcConfig::open_data) is known to every reader: added to the
// memory as published figures, for the cells the model has.
absl::StatusOr<ReleaseMemory> WithOpenData(const TableModel& model,
                                           const ReleaseMemory& memory,
                                           const SdcConfig& config) {
  ReleaseMemory out = memory;
  if (config.open_data.empty()) return out;
  absl::flat_hash_set<CellKey> keys;
  for (const Cell& c : model.cells) keys.insert(c.key);
  for (const OpenFigure& f : config.open_data) {
    if (!keys.contains(f.key) || out.Find(f.key) != nullptr) continue;
    CTG_RETURN_IF_ERROR(
        out.AddPublished(f.key, f.value, f.amount, "open-data"));
  }
  return out;
}

void AddToRelease(
    const TableModel& m, int32_t bi, const internal::BlockOutcome& bp,
    Release* out,
    absl::flat_hash_set<std::pair<std::string, std::string>>* ex) {
  const Block& b = m.blocks[bi];
  for (int32_t i = 0; i < b.num_cells; ++i) {
    const Cell& c = m.cells[b.first_cell + i];
    if (!c.requested) continue;
    const CellPlan& p = bp.plan[i];
    ReleasedCell rc{
        c.key,    CellStatus::kPublished,          MaskReason::kNone, c.value,
        c.amount, b.kind == IndicatorKind::kAmount};
    if (p.role == Role::kPrimary) {
      rc.reason = p.reason;
      rc.status = p.reason == MaskReason::kExcludedTerritory
                      ? CellStatus::kExcluded
                      : CellStatus::kMasked;
    } else if (p.role == Role::kCandidate && bp.suppressed[i]) {
      rc.status = CellStatus::kMasked;
      rc.reason = MaskReason::kSecondary;
    }
    if (rc.status != CellStatus::kPublished) {
      ++out->loss.cells_masked;
      out->loss.value_masked += c.value;
    }
    if (rc.reason == MaskReason::kSecondary) {
      ++out->loss.cells_secondary;
      out->loss.value_secondary += c.value;
    }
    if (rc.status == CellStatus::kExcluded &&
        ex->insert({c.key.territory, c.key.period}).second) {
      out->excluded.push_back(
          {c.key.territory, c.key.period, c.territory_population});
    }
    out->cells.push_back(std::move(rc));
  }
}

}  // namespace

absl::StatusOr<Release> ProtectTable(const TableModel& model,
                                     const ReleaseMemory& memory,
                                     const SdcConfig& config,
                                     absl::string_view base_version,
                                     uint64_t seed) {
  CTG_RETURN_IF_ERROR(model.Validate());
  CTG_ASSIGN_OR_RETURN(ReleaseMemory known,
                       WithOpenData(model, memory, config));
  CTG_ASSIGN_OR_RETURN(auto mem, internal::MatchMemory(model, known));
  const internal::Visible visible = internal::VisibleTerritories(model, known);
  const std::vector<std::vector<int32_t>> comps = internal::Components(model);
  const std::vector<bool> audit =
      SelectAudited(model, comps, config.audit, seed);
  Release out;
  out.base_version = std::string(base_version);
  out.audit.blocks_total = static_cast<int64_t>(model.blocks.size());
  auto audit_cell = [&](int32_t ci, internal::AuditRole role,
                        const CellPlan& plan) {
    const Cell& c = model.cells[ci];
    return internal::MakeAuditCell(c,
                                   model.blocks[model.inner[c.rows[0]].block],
                                   role, plan, visible, config);
  };
  std::vector<internal::BlockOutcome> outcomes(model.blocks.size());
  for (size_t k = 0; k < comps.size(); ++k) {
    std::vector<std::vector<CellPlan>> plans;
    for (int32_t bi : comps[k]) {
      CTG_ASSIGN_OR_RETURN(std::vector<CellPlan> plan,
                           internal::PlanBlock(model, bi, mem, config));
      plans.push_back(std::move(plan));
    }
    CTG_ASSIGN_OR_RETURN(
        std::vector<internal::BlockOutcome> done,
        internal::ProtectComponent(model, comps[k], std::move(plans), config,
                                   audit[k], audit_cell, &out.audit));
    for (size_t j = 0; j < comps[k].size(); ++j) {
      outcomes[comps[k][j]] = std::move(done[j]);
      if (audit[k]) ++out.audit.blocks_audited;
    }
  }
  absl::flat_hash_set<std::pair<std::string, std::string>> excluded;
  for (int32_t bi = 0; bi < static_cast<int32_t>(model.blocks.size()); ++bi) {
    AddToRelease(model, bi, outcomes[bi], &out, &excluded);
  }
  out.audit.ran = out.audit.blocks_audited > 0;
  out.audit.complete = out.audit.blocks_audited == out.audit.blocks_total;
  return out;
}

}  // namespace ctg::policy::sdc
