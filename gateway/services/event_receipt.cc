#include "gateway/services/event_receipt.h"

#include <string>
#include <vector>

#include "base/status_macros.h"
#include "store/audit_trail_store.h"

namespace ctg::gateway {

absl::Status BuildEventReceipt(AuditLog& audit_log, store::Backend& db,
                               uint64_t sequence,
                               ctg::v1::ReleaseReceipt* out) {
  CTG_ASSIGN_OR_RETURN(AuditLog::SignedCheckpoint checkpoint,
                       audit_log.CheckpointCovering(sequence));
  CTG_ASSIGN_OR_RETURN(std::vector<audit::Hash> proof,
                       audit_log.InclusionProof(sequence - 1, checkpoint.size));
  store::AuditRow row;
  CTG_RETURN_IF_ERROR(db.Read([&](store::ReadSession& session) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(row, session.audit().Get(sequence));
    return absl::OkStatus();
  }));
  out->Clear();
  out->set_audit_sequence(sequence);
  out->set_checkpoint(checkpoint.note);
  out->set_tree_size(checkpoint.size);
  for (const audit::Hash& h : proof) {
    out->add_inclusion_proof(
        std::string(reinterpret_cast<const char*>(h.data()), h.size()));
  }
  out->set_event(row.canonical);
  return absl::OkStatus();
}

}  // namespace ctg::gateway
