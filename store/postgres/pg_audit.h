// The audit trail (R9) in PostgreSQL: events appended under the sequencer
// (pg_schema.h), checkpoints with one root per size, and the reads a
// replica needs to follow the events other replicas appended.
//
// Functions use the session they are given (one thread at a time).
#ifndef CTG_STORE_POSTGRES_PG_AUDIT_H_
#define CTG_STORE_POSTGRES_PG_AUDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "store/audit_trail_store.h"
#include "store/postgres/pg_session.h"

namespace ctg::store::postgres {

// Appends one event: checked at once, sent with the transaction's next
// statement or its commit (PgWriteGroup). Errors: kAborted when row.seq is
// not the trail's next sequence number (the schema refuses gaps and
// duplicates); kInvalidArgument for a row the table would refuse (leaf
// hash not 32 bytes, text with NUL or not UTF-8).
absl::Status InsertPgAuditRow(PgTransaction& tx, const AuditRow& row);

// The SQL that inserts `rows` (consecutive, from the trail's next sequence
// number) in one statement, ";"-terminated, values escaped by libpq for
// `tx`'s connection (PQescapeStringConn, PQescapeByteaConn): what
// PgWriteGroup sends with the savepoints or the COMMIT that follow, in one
// round trip. "" for no rows.
std::string PgAuditRowsInsertSql(const pqxx::transaction_base& tx,
                                 absl::Span<const AuditRow> rows);

// Number of events in the trail as this session sees it.
absl::StatusOr<uint64_t> PgTrailSize(PgSession& session);

// The stored leaf hashes of events first_seq .. first_seq + count - 1, in
// order (fewer if the trail is shorter): what a replica reads to extend its
// tree with the events others appended.
absl::StatusOr<std::vector<std::string>> ReadPgLeafHashes(PgSession& session,
                                                          uint64_t first_seq,
                                                          uint64_t count);

// Visits matching rows in sequence order (with their checkpoint note, if
// any), stopping at the first error `visit` returns (and returning it). The
// filter means what it means for store::ScanAuditRows.
absl::Status ScanPgAuditRows(
    PgSession& session, const AuditFilter& filter,
    absl::FunctionRef<absl::Status(const AuditRow&)> visit);

// One stored row by sequence number. Errors: kNotFound.
absl::StatusOr<AuditRow> GetPgAuditRow(PgSession& session, uint64_t seq);

// The sequence number of the release event of an extract digest.
// Errors: kNotFound when no release carries that digest.
absl::StatusOr<uint64_t> FindPgReleaseSeq(PgSession& session,
                                          const std::string& extract_sha256);

// Visits every event in order with the columns checked at start-up.
absl::Status ScanPgTrail(
    PgSession& session, absl::FunctionRef<absl::Status(const AuditRow&)> visit);

// Stores the signed checkpoint of `tree_size` with its 32-byte `root`.
// One size has one root, ever: when a checkpoint of this size is stored
// already (by this or another replica) with the same root, nothing is
// stored and OK is returned (the existing note is left as it is). Errors:
// kDataLoss when it is stored with another root (the trail diverged:
// never sign it); kAborted when the trail has fewer than tree_size events.
absl::Status StorePgCheckpoint(PgSession& tx, uint64_t tree_size,
                               const std::string& root, int64_t time_us,
                               const std::string& note);

struct PgCheckpoint {
  uint64_t tree_size = 0;
  std::string root;
  std::string note;
};
// The stored checkpoint of `tree_size`, if any.
absl::StatusOr<std::optional<PgCheckpoint>> PgCheckpointOfSize(
    PgSession& session, uint64_t tree_size);
// The largest stored checkpoint, if any.
absl::StatusOr<std::optional<PgCheckpoint>> LatestPgCheckpoint(
    PgSession& session);
// Every stored checkpoint, by tree size.
absl::StatusOr<std::vector<PgCheckpoint>> AllPgCheckpoints(PgSession& session);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_AUDIT_H_
