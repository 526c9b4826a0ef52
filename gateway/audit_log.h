// The gateway's audit trail (R9): every call becomes an event appended in
// the same write session as the state change it describes, a leaf of an
// RFC 6962 Merkle tree kept in memory for proofs and signed checkpoints.
//
// Thread-safe. Append() must be called from inside store::Backend::Write
// (the backend serialises write sessions, which is what makes sequence
// numbers dense and ordered); the tree grows when that write commits.
// Lock order: mu_ is a leaf lock: nothing else is acquired under it, and no
// store access happens under it. Proofs and old roots that need the leaf
// hashes of an old block (the tree keeps only the recent ones whole) read
// them with mu_ released, then check them against the block's node under
// mu_, so the writer's appends never wait for an auditor's read.
#ifndef CTG_GATEWAY_AUDIT_LOG_H_
#define CTG_GATEWAY_AUDIT_LOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "audit/event.h"
#include "audit/hash.h"
#include "audit/merkle_tree.h"
#include "audit/note_key.h"
#include "base/mutex.h"
#include "store/backend.h"

namespace ctg::gateway {

// One event to append, with the columns auditors filter on.
struct AuditEntry {
  audit::Event event;  // sequence and time are assigned by Append
  // The SPIFFE ID a refused certificate claimed, when event.caller is empty
  // (an unverified identity): recorded as the event's claimed_caller fact.
  std::string claimed_caller;
  // Verified callers only.
  std::string organisation;
  std::string request_id;
  std::string extract_sha256;
};

// Signs checkpoints (C2SP signed note) of a given tree size and root.
using CheckpointSignFn = std::function<absl::StatusOr<std::string>(
    uint64_t size, const audit::Hash& root)>;

struct AuditLogOptions {
  CheckpointSignFn sign;
  // Keys whose signatures are verified at start-up: a stored checkpoint
  // signed by one of them must verify; one that names none of them (signed
  // before a key rotation) is checked by its root only. Empty: roots only.
  // The gateway passes its signing key's public half.
  std::vector<audit::NoteVerifier> keys;
  std::function<absl::Time()> clock = absl::Now;
};

class AuditLog {
 public:
  // Rebuilds the tree from `db`, checking the whole stored trail
  // (audit/stored_trail.h): dense rows, each event's canonical bytes
  // decoding to its own sequence number, each stored leaf hash, the filter
  // columns, and every stored checkpoint (its signature by one of
  // options.keys, its root against the recomputed root at its size).
  // Errors: kDataLoss naming the first bad event (by sequence) or checkpoint
  // (by size): the trail was altered outside the gateway, and serving would
  // sign checkpoints that contradict those already signed.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(
      store::Backend* db, AuditLogOptions options);
  // Same, with no key (stored checkpoints are checked by their roots).
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(
      store::Backend* db, CheckpointSignFn sign,
      std::function<absl::Time()> clock = absl::Now);

  // Assigns the next sequence number and the current time to `entry`,
  // validates and encodes it, and inserts it in `tx`. Returns the sequence
  // number. Errors: kInternal if the event cannot be encoded (a bug), or the
  // store's error.
  absl::StatusOr<uint64_t> Append(store::WriteSession& tx, AuditEntry entry);

  // Committed size of the tree.
  uint64_t size() const ABSL_LOCKS_EXCLUDED(mu_);

  // Extends the tree with the events other gateway processes appended to
  // the same store (PostgreSQL replicas) since this one last looked, so
  // that a proof or a checkpoint covers them. Append() and Checkpoint() do
  // it themselves; the audit service does it before answering a proof.
  // Errors: the store's; kDataLoss for a stored leaf hash of the wrong size.
  absl::Status FollowOthers() ABSL_LOCKS_EXCLUDED(mu_);

  // The size of the last checkpoint stored (signed by this process or
  // found at start-up), and when this process last signed one (the time
  // it opened the log if it has signed none). For metrics.
  struct CheckpointState {
    uint64_t size = 0;
    absl::Time time;
  };
  CheckpointState LastCheckpoint() const ABSL_LOCKS_EXCLUDED(mu_);

  // Signs a checkpoint of the current tree, stores it (so that exports carry
  // it) and returns it with its size. Never signs a second root for a size:
  // if a checkpoint of this size is stored with another root (the trail was
  // altered since start-up), nothing is signed. Errors: kDataLoss in that
  // case; the signer's; the store's.
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

  // Signs and stores a checkpoint only if the tree grew since the last one
  // (OK without signing otherwise). Errors as Checkpoint(): nothing was
  // stored, and the next call tries again. The caller reports them to the
  // gateway's health (HealthState: kDataLoss is an integrity failure; any
  // other error leaves events unsigned until a later call succeeds).
  absl::Status PeriodicCheckpoint() ABSL_LOCKS_EXCLUDED(mu_);

  absl::StatusOr<audit::Hash> RootAt(uint64_t size) const
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::vector<audit::Hash>> InclusionProof(uint64_t index,
                                                          uint64_t size) const
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::vector<audit::Hash>> ConsistencyProof(
      uint64_t size1, uint64_t size2) const ABSL_LOCKS_EXCLUDED(mu_);

  // Tests only: runs `hook` each time a proof is about to read an old
  // block's leaf hashes from the database (with mu_ released). Set before
  // any proof.
  void SetBlockReadHookForTesting(std::function<void()> hook) {
    block_read_hook_ = std::move(hook);
  }

 private:
  using Blocks = std::map<uint64_t, std::vector<audit::Hash>>;

  explicit AuditLog(store::Backend* db, AuditLogOptions options)
      : db_(db), options_(std::move(options)) {}
  absl::Status Rebuild();
  // FollowOthers() within `session`.
  absl::Status Follow(store::ReadSession& session) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status SignAndStore(SignedCheckpoint& checkpoint);
  // The tree's leaf source: the old block starting at leaf `first` if the
  // current call read it (prefetched_), else kUnavailable, noting it in
  // wanted_. Called by tree_, under mu_.
  absl::StatusOr<std::vector<audit::Hash>> ServeBlock(uint64_t first)
      ABSL_NO_THREAD_SAFETY_ANALYSIS;
  // Runs `compute` (which uses tree_) under mu_; when it needs an old block
  // it does not have, reads that block with mu_ released and runs it again.
  template <typename T>
  absl::StatusOr<T> WithOldBlocks(
      absl::FunctionRef<absl::StatusOr<T>()> compute) const
      ABSL_LOCKS_EXCLUDED(mu_);

  store::Backend* const db_;
  const AuditLogOptions options_;
  std::function<void()> block_read_hook_;

  mutable Mutex mu_;
  audit::MerkleTree tree_ ABSL_GUARDED_BY(mu_);
  // Sequence numbers handed out, committed or not (writer thread only).
  uint64_t assigned_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t last_checkpoint_size_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_checkpoint_time_ ABSL_GUARDED_BY(mu_);
  // One checkpoint is signed and stored at a time, so that stored sizes
  // grow and waiting receipts can use the one being signed.
  bool signing_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<SignedCheckpoint> latest_signed_ ABSL_GUARDED_BY(mu_);
  // Old blocks read for the call in progress, and the one it lacks.
  mutable const Blocks* prefetched_ ABSL_GUARDED_BY(mu_) = nullptr;
  mutable std::optional<uint64_t> wanted_ ABSL_GUARDED_BY(mu_);
  std::string encode_buffer_;  // writer thread only
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_AUDIT_LOG_H_
