#include "gateway/trail_check.h"

#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "store/audit_trail_store.h"

namespace ctg::gateway {

absl::StatusOr<TrailCheckResult> CheckStoredTrail(
    store::ReadSession& session, const std::string& name,
    audit::StoredTrailOptions options,
    absl::FunctionRef<void(const audit::Hash&)> append,
    absl::FunctionRef<audit::Hash()> root) {
  TrailCheckResult result;
  CTG_ASSIGN_OR_RETURN(std::vector<store::StoredCheckpoint> stored,
                       session.audit().AllCheckpoints());
  if (!stored.empty()) result.last_checkpoint_size = stored.back().tree_size;
  std::vector<audit::StoredCheckpointNote> notes;
  notes.reserve(stored.size());
  for (store::StoredCheckpoint& c : stored)
    notes.push_back({c.tree_size, std::move(c.note)});
  audit::StoredTrailChecker checker(name, std::move(notes), options);
  CTG_RETURN_IF_ERROR(checker.CheckCheckpointsAt(0, root));
  CTG_RETURN_IF_ERROR(session.audit().ScanTrail(
      [&](const store::AuditRow& row) -> absl::Status {
        const audit::StoredColumns columns{
            .time_us = row.time_us,
            .caller = row.caller,
            .organisation = row.organisation,
            .method = row.method,
            .target_kind = row.target_kind,
            .target_id = row.target_id,
            .code = row.code,
        };
        CTG_ASSIGN_OR_RETURN(audit::Hash leaf,
                             checker.CheckEvent(row.seq, row.canonical,
                                                row.leaf_hash, &columns));
        append(leaf);
        ++result.events;
        return checker.CheckCheckpointsAt(result.events, root);
      }));
  CTG_RETURN_IF_ERROR(checker.Finish(result.events));
  result.checkpoints_matched = checker.checkpoints_matched();
  return result;
}

}  // namespace ctg::gateway
