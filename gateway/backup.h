// `ctg-gateway --config FILE backup DEST`: an online, consistent copy of the
// configured store (store::Backend::CopyTo, while the gateway serves), then
// the same verification as `--check` on the copy.
//
// DEST is created with mode 0600 and appears only once the copy is complete,
// on disk and verified (it is written under a temporary name in the same
// directory, then renamed). Thread-safe (no shared state).
#ifndef CTG_GATEWAY_BACKUP_H_
#define CTG_GATEWAY_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "gateway/config.h"

namespace ctg::gateway {

// A one-line summary ("backup DEST: schema 4, audit trail ... intact: ...").
// Errors, nothing left at DEST: kAlreadyExists when DEST exists;
// kUnavailable when the database or DEST's directory cannot be used;
// kDataLoss when the copy's audit trail does not verify; kInternal /
// kResourceExhausted when the copy cannot be written.
absl::StatusOr<std::string> BackupDatabase(const Config& config,
                                           const std::string& dest);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_BACKUP_H_
