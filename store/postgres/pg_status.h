// The one place where libpqxx's exceptions become absl::Status: project code
// throws none, and calls libpqxx only through PgCall().
//
// Codes, by SQLSTATE class (so that callers treat both backends alike):
//   08 (connection), 57P01-57P03 (server shutting down) -> kUnavailable
//   28 (authentication), 42501 (privilege)          -> kPermissionDenied
//   3D000 (no such database)                         -> kNotFound
//   23 (constraint), P0001 (a trigger's refusal),
//   40 (serialization failure, deadlock)             -> kAborted
//   57014 (statement_timeout), 55P03 (lock timeout)  -> kDeadlineExceeded
//   53 (disk full, out of memory)                    -> kResourceExhausted
//   a commit whose outcome is unknown                -> kUnavailable, saying
//   so,
//                                                       store::IsOutcomeUnknown
//   anything else                                    -> kInternal
// Messages are one line: "<what>: <server's first line>".
//
// Thread-safe (no state).
#ifndef CTG_STORE_POSTGRES_PG_STATUS_H_
#define CTG_STORE_POSTGRES_PG_STATUS_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::store::postgres {

// Runs `f`, returning OK, or the Status of what it threw, prefixed by `what`.
absl::Status PgCall(absl::string_view what, absl::FunctionRef<void()> f);

// The Status for an error of SQLSTATE `sqlstate` with server message
// `message` (exposed for tests).
absl::Status StatusFromSqlState(absl::string_view sqlstate,
                                absl::string_view what,
                                absl::string_view message);

// True for the errors after which the session must be dropped and opened
// again (the connection is gone or unusable).
bool IsConnectionLost(const absl::Status& status);

// `lost` (IsConnectionLost), an error of the round trip that carried a
// COMMIT, as what it means: whether the transaction committed is unknown
// (the server may have committed before its answer was lost, or before it
// ended the session with an error). kUnavailable, connection lost,
// store::IsOutcomeUnknown; the message says so and keeps `lost`'s.
absl::Status CommitOutcomeUnknown(const absl::Status& lost);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_STATUS_H_
