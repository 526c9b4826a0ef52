// The signed receipt of one audit event (R9): the event's canonical bytes,
// a checkpoint signed after it and the RFC 6962 inclusion proof, as an
// extract's trailer carries it. Given for the Caf's downloads of a
// commune's data, for the commune's uploads and for onward-transfer
// decisions, so that each party holds its own proof.
//
// Thread-safe as AuditLog and Database are.
#ifndef CTG_GATEWAY_SERVICES_EVENT_RECEIPT_H_
#define CTG_GATEWAY_SERVICES_EVENT_RECEIPT_H_

#include <cstdint>

#include "absl/status/status.h"
#include "ctg/v1/extracts.pb.h"
#include "gateway/audit_log.h"
#include "store/backend.h"

namespace ctg::gateway {

// Fills `out` for event `sequence`, which must be durable (call it once
// the dispatcher's commit is done: in a Staged call's `after`). Errors:
// the audit log's (signing, proofs) and the store's.
absl::Status BuildEventReceipt(AuditLog& audit_log, store::Backend& db,
                               uint64_t sequence, ctg::v1::ReleaseReceipt* out);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_EVENT_RECEIPT_H_
