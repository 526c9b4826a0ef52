// One pass over the audit trail stored in a database, with every check of
// audit/stored_trail.h (dense rows, each event's canonical sequence equal to
// its row, leaf hashes, filter columns, every stored checkpoint's root and
// signature). Shared by the gateway's start-up (AuditLog) and
// `ctg-gateway --check`, so that both refuse the same trails with the same
// message naming the first bad event or checkpoint.
#ifndef CTG_GATEWAY_TRAIL_CHECK_H_
#define CTG_GATEWAY_TRAIL_CHECK_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "audit/hash.h"
#include "audit/stored_trail.h"
#include "store/session.h"

namespace ctg::gateway {

struct TrailCheckResult {
  uint64_t events = 0;
  uint64_t checkpoints_matched = 0;
  uint64_t last_checkpoint_size = 0;  // the largest stored checkpoint (0: none)
};

// Reads the trail of `session` in sequence order: each checked leaf is passed
// to `append` (the caller's tree), whose root `root()` must then return.
// `name` (e.g. the database path) prefixes every message. Errors: kDataLoss
// naming the first bad event or checkpoint; the store's errors.
absl::StatusOr<TrailCheckResult> CheckStoredTrail(
    store::ReadSession& session, const std::string& name,
    audit::StoredTrailOptions options,
    absl::FunctionRef<void(const audit::Hash&)> append,
    absl::FunctionRef<audit::Hash()> root);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_TRAIL_CHECK_H_
