// The one kind of Backend::Write error after which the write may have been
// done: the answer to its COMMIT never came (the connection to a database
// server was lost while the COMMIT was in flight, or the server ended the
// session as it answered), so whether the transaction committed is
// unknown. Every other error of Write means nothing of it was kept.
//
// A backend marks such an error (OutcomeUnknown); callers that tell the
// client what happened ask IsOutcomeUnknown, whatever the backend. The
// mark is a payload: it survives copying the Status, not re-creating it.
//
// Pure; thread-safe.
#ifndef CTG_STORE_WRITE_OUTCOME_H_
#define CTG_STORE_WRITE_OUTCOME_H_

#include "absl/status/status.h"

namespace ctg::store {

// `status` (an error) marked as a write whose outcome is unknown.
absl::Status OutcomeUnknown(absl::Status status);

// True when `status` is an error marked by OutcomeUnknown: the write it
// reports may have been committed, or not.
bool IsOutcomeUnknown(const absl::Status& status);

}  // namespace ctg::store

#endif  // CTG_STORE_WRITE_OUTCOME_H_
