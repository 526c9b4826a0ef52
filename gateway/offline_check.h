// `ctg-gateway --config FILE --check [DB]`: checks a database file's audit
// trail without serving and without writing to it (after a restore, or on
// a backup copy): every stored leaf hash against its event's canonical
// bytes, dense sequence numbers, and every stored checkpoint's signature
// (with the configured signing key's public half) and root.
#ifndef CTG_GATEWAY_OFFLINE_CHECK_H_
#define CTG_GATEWAY_OFFLINE_CHECK_H_

#include <string>

#include "absl/status/statusor.h"
#include "audit/note_key.h"
#include "gateway/config.h"

namespace ctg::gateway {

// A one-line summary when the trail is intact. Errors: kDataLoss naming the
// first bad sequence number or checkpoint; kUnavailable / kInvalidArgument
// when the file or key cannot be read.
absl::StatusOr<std::string> CheckAuditTrail(const Config& config, const std::string& db_path);

// Same, with the checkpoints' public key given directly (a trail signed by
// another key than the configured one, e.g. a test fixture).
absl::StatusOr<std::string> CheckAuditTrailWithKey(const audit::NoteVerifier& verifier,
                                                   const std::string& db_path);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_OFFLINE_CHECK_H_
