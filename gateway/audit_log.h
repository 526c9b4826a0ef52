// The gateway's audit trail (R9): every call becomes an event appended in
// the same SQLite transaction as the state change it describes, a leaf of an
// RFC 6962 Merkle tree kept in memory for proofs and signed checkpoints.
//
// Thread-safe. Append() must be called from inside store::Database::Write
// (the writer thread serialises appends, which is what makes sequence
// numbers dense and ordered); the tree grows when that write commits.
// Lock order: mu_ is a leaf lock (nothing else is acquired under it).
#ifndef CTG_GATEWAY_AUDIT_LOG_H_
#define CTG_GATEWAY_AUDIT_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"
#include "absl/time/time.h"
#include "audit/event.h"
#include "audit/hash.h"
#include "audit/merkle_tree.h"
#include "store/database.h"

namespace ctg::gateway {

// One event to append, with the columns auditors filter on.
struct AuditEntry {
  audit::Event event;  // sequence and time are assigned by Append
  std::string organisation;
  std::string request_id;
  std::string extract_sha256;
};

// Signs checkpoints (C2SP signed note) of a given tree size and root.
using CheckpointSignFn =
    std::function<absl::StatusOr<std::string>(uint64_t size, const audit::Hash& root)>;

class AuditLog {
 public:
  // Rebuilds the tree from `db` and checks every stored leaf hash against
  // its event's canonical bytes, and the latest stored checkpoint against
  // the tree. Errors: kDataLoss naming the first sequence number that does
  // not match (the trail was altered outside the gateway).
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(
      store::Database* db, CheckpointSignFn sign,
      std::function<absl::Time()> clock = absl::Now);

  // Assigns the next sequence number and the current time to `entry`,
  // validates and encodes it, and inserts it in `tx`. Returns the sequence
  // number. Errors: kInternal if the event cannot be encoded (a bug), or the
  // store's error.
  absl::StatusOr<uint64_t> Append(store::Transaction& tx, AuditEntry entry);

  // Committed size of the tree.
  uint64_t size() const ABSL_LOCKS_EXCLUDED(mu_);

  // Signs a checkpoint of the current tree, stores it (so that exports carry
  // it) and returns it with its size. Errors: the signer's or the store's.
  struct SignedCheckpoint {
    uint64_t size = 0;
    audit::Hash root{};
    std::string note;
  };
  absl::StatusOr<SignedCheckpoint> Checkpoint() ABSL_LOCKS_EXCLUDED(mu_);

  // A checkpoint signed after event `sequence` was committed: the latest
  // one this process signed if it covers the event, else a new one. For
  // release receipts: concurrent releases share one signature and one
  // stored checkpoint instead of signing one each.
  absl::StatusOr<SignedCheckpoint> CheckpointCovering(uint64_t sequence)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Signs and stores a checkpoint only if the tree grew since the last one.
  absl::Status PeriodicCheckpoint() ABSL_LOCKS_EXCLUDED(mu_);

  absl::StatusOr<audit::Hash> RootAt(uint64_t size) const ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::vector<audit::Hash>> InclusionProof(uint64_t index,
                                                          uint64_t size) const
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::vector<audit::Hash>> ConsistencyProof(uint64_t size1,
                                                            uint64_t size2) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  AuditLog(store::Database* db, CheckpointSignFn sign, std::function<absl::Time()> clock)
      : db_(db), sign_(std::move(sign)), clock_(std::move(clock)) {}
  absl::Status Rebuild();
  absl::Status SignAndStore(SignedCheckpoint& checkpoint);

  store::Database* const db_;
  const CheckpointSignFn sign_;
  const std::function<absl::Time()> clock_;

  mutable Mutex mu_;
  audit::MerkleTree tree_ ABSL_GUARDED_BY(mu_);
  // Sequence numbers handed out, committed or not (writer thread only).
  uint64_t assigned_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t last_checkpoint_size_ ABSL_GUARDED_BY(mu_) = 0;
  // One checkpoint is signed and stored at a time, so that stored sizes
  // grow and waiting receipts can use the one being signed.
  bool signing_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<SignedCheckpoint> latest_signed_ ABSL_GUARDED_BY(mu_);
  std::string encode_buffer_;  // writer thread only
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_AUDIT_LOG_H_
