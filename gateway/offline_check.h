// `ctg-gateway --config FILE --check [DB]`: checks a database file's audit
// trail without serving and without writing to it (after a restore, or on
// a backup copy), as the gateway does at start-up (audit/stored_trail.h):
// dense rows, each event's canonical bytes holding its own sequence number,
// each stored leaf hash, the filter columns, and every stored checkpoint's
// signature (with the configured signing key's public half) and root.
#ifndef CTG_GATEWAY_OFFLINE_CHECK_H_
#define CTG_GATEWAY_OFFLINE_CHECK_H_

#include <string>

#include "absl/status/statusor.h"
#include "gateway/config.h"

namespace ctg::gateway {

// A one-line summary when the trail is intact. Errors: kDataLoss naming the
// first bad event (by sequence; for events altered with their leaf hashes
// rewritten, the first one the checkpoints allow) or checkpoint; kUnavailable / kInvalidArgument
// when the file or key cannot be read.
absl::StatusOr<std::string> CheckAuditTrail(const Config& config, const std::string& db_path);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_OFFLINE_CHECK_H_
