// Rows of the audit trail (R9) and its signed checkpoints. The rows hold the
// event's canonical bytes and leaf hash (computed by audit/) plus a few
// columns copied out of the event so that auditors can filter.
//
// Functions take the Connection of a transaction or read; they are as
// thread-safe as that connection (one thread at a time).
#ifndef CTG_STORE_SQLITE_AUDIT_TABLE_H_
#define CTG_STORE_SQLITE_AUDIT_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/audit_trail_store.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {

// Appends one row. Errors: kAborted if seq is already taken.
absl::Status InsertAuditRow(Connection& conn, const AuditRow& row);

// Visits matching rows in sequence order, stopping at the first error
// `visit` returns (and returning it).
absl::Status ScanAuditRows(
    Connection& conn, const AuditFilter& filter,
    absl::FunctionRef<absl::Status(const AuditRow&)> visit);

// Visits every row in order, with the columns checked at start-up (all but
// request_id, extract_sha256 and checkpoint), stopping at the first error
// `visit` returns (and returning it).
absl::Status ScanTrail(Connection& conn,
                       absl::FunctionRef<absl::Status(const AuditRow&)> visit);

// Visits (seq, canonical, leaf_hash) of every row in order.
absl::Status ScanAllLeaves(
    Connection& conn,
    absl::FunctionRef<absl::Status(uint64_t seq, const std::string& canonical,
                                   const std::string& leaf_hash)>
        visit);

// The stored leaf hashes of events first_seq .. first_seq + count - 1, in
// order (fewer if the trail is shorter).
absl::StatusOr<std::vector<std::string>> ReadLeafHashes(Connection& conn,
                                                        uint64_t first_seq,
                                                        uint64_t count);

// The sequence number of the release event of an extract digest.
// Errors: kNotFound when no release carries that digest.
absl::StatusOr<uint64_t> FindReleaseSeq(Connection& conn,
                                        const std::string& extract_sha256);

// One stored row by sequence number. Errors: kNotFound.
absl::StatusOr<AuditRow> GetAuditRow(Connection& conn, uint64_t seq);

absl::Status InsertCheckpoint(Connection& conn, uint64_t tree_size,
                              int64_t time_us, const std::string& note);

// The largest stored checkpoint, if any.
absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint(
    Connection& conn);
// The stored checkpoint of `tree_size`, if any.
absl::StatusOr<std::optional<StoredCheckpoint>> CheckpointOfSize(
    Connection& conn, uint64_t tree_size);
// Every stored checkpoint, by tree size.
absl::StatusOr<std::vector<StoredCheckpoint>> AllCheckpoints(Connection& conn);

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_AUDIT_TABLE_H_
