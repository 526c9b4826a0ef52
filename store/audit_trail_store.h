// The audit trail (R9) as the store keeps it: one row per event, holding
// the event's canonical bytes and leaf hash (computed by audit/) plus a few
// columns copied out of the event so that auditors can filter, and the
// signed checkpoints of the trail.
//
// Append-only, dense and ordered: rows are numbered 1, 2, 3... in append
// order without gaps (a row's `seq` is the event's sequence number, chosen
// by the caller: gateway/audit_log.h); a row is never changed or deleted.
// At most one checkpoint per tree size; checkpoints are never changed.
//
// Handed out by a session (store/session.h), valid only during it; const
// members only read. Not thread-safe: one thread at a time.
#ifndef CTG_STORE_AUDIT_TRAIL_STORE_H_
#define CTG_STORE_AUDIT_TRAIL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctg::store {

struct AuditRow {
  uint64_t seq = 0;
  int64_t time_us = 0;
  // The verified caller's SPIFFE ID, or, when `organisation` is empty, the
  // identity a refused certificate claimed (the event's claimed_caller fact;
  // in events recorded before that fact existed, its caller). Empty when
  // there was neither.
  std::string caller;
  // "commune/33069", "caf/33": set only for a verified caller.
  std::string organisation;
  std::string method;
  std::string target_kind;
  std::string target_id;
  std::string request_id;
  std::string extract_sha256;
  int32_t code = 0;
  std::string canonical;
  std::string leaf_hash;
  // Filled by ScanAuditRows: the signed note of the checkpoint whose tree
  // size equals seq, if the gateway stored one.
  std::string checkpoint;
};

struct AuditFilter {
  std::optional<int64_t> start_time_us;  // inclusive
  std::optional<int64_t> end_time_us;    // exclusive
  // Verified caller (rows with an organisation only).
  std::string caller;
  // Identity claimed by a refused certificate (rows without one).
  std::string claimed_caller;
  std::string organisation;
  std::string method;
  std::string request_id;
  enum class Outcome { kAny, kAllowed, kDenied } outcome = Outcome::kAny;
  uint64_t from_seq = 0;
  std::optional<uint64_t> to_seq;  // inclusive
  uint64_t limit = 0;              // 0: no limit
};

struct StoredCheckpoint {
  uint64_t tree_size = 0;
  std::string note;
};

class AuditTrailStore {
 public:
  virtual ~AuditTrailStore() = default;

  // Appends one row. Errors: kAborted if `row.seq` is already taken.
  virtual absl::Status Append(const AuditRow& row) = 0;

  // Visits matching rows in sequence order, stopping at the first error
  // `visit` returns (and returning it).
  virtual absl::Status Scan(
      const AuditFilter& filter,
      absl::FunctionRef<absl::Status(const AuditRow&)> visit) const = 0;

  // Visits every row in sequence order, with the columns checked at
  // start-up (all but request_id, extract_sha256 and checkpoint), stopping
  // at the first error `visit` returns (and returning it).
  virtual absl::Status ScanTrail(
      absl::FunctionRef<absl::Status(const AuditRow&)> visit) const = 0;

  // Visits (seq, canonical, leaf_hash) of every row in sequence order.
  virtual absl::Status ScanLeaves(
      absl::FunctionRef<absl::Status(uint64_t seq, const std::string& canonical,
                                     const std::string& leaf_hash)>
          visit) const = 0;

  // The stored leaf hashes of events first_seq .. first_seq + count - 1, in
  // order (fewer if the trail is shorter).
  virtual absl::StatusOr<std::vector<std::string>> LeafHashes(
      uint64_t first_seq, uint64_t count) const = 0;

  // The sequence number of the release event of an extract digest.
  // Errors: kNotFound when no release carries that digest.
  virtual absl::StatusOr<uint64_t> FindReleaseSeq(
      const std::string& extract_sha256) const = 0;

  // One row by sequence number. Errors: kNotFound.
  virtual absl::StatusOr<AuditRow> Get(uint64_t seq) const = 0;

  // Stores the signed note of the checkpoint of `tree_size`; when that size
  // already has one, the stored one is kept (and OK returned).
  virtual absl::Status InsertCheckpoint(uint64_t tree_size, int64_t time_us,
                                        const std::string& note) = 0;
  // The largest stored checkpoint, if any.
  virtual absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint()
      const = 0;
  // The stored checkpoint of `tree_size`, if any.
  virtual absl::StatusOr<std::optional<StoredCheckpoint>> CheckpointOfSize(
      uint64_t tree_size) const = 0;
  // Every stored checkpoint, by tree size.
  virtual absl::StatusOr<std::vector<StoredCheckpoint>> AllCheckpoints()
      const = 0;
};

}  // namespace ctg::store

#endif  // CTG_STORE_AUDIT_TRAIL_STORE_H_
