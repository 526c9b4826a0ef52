// Checks an audit trail as the gateway stores it (one row per event: its
// sequence, canonical bytes, leaf hash and filter columns; and the signed
// checkpoints), read back in sequence order. The gateway runs it at
// start-up and refuses to start on the first problem; `ctg-gateway --check`
// runs it offline. For every row, in order:
//
//  - the rows are dense: row n follows row n-1;
//  - the canonical bytes decode, and the sequence inside them is the row's
//    (a swap or renumbering of rows is named at the first moved row);
//  - the stored leaf hash is SHA-256(0x00 || canonical bytes);
//  - the filter columns (time, caller, organisation, method, target, code)
//    say what the canonical bytes say, so that `ctg audit events --actor`
//    and the other filters answer about the signed events;
//
// and for every stored checkpoint, once the caller's tree has reached its
// size: the note parses, its size is the row's, a note signed by one of the
// given keys verifies, and its root is the recomputed root. Events altered
// with their leaf hashes rewritten are found this way: when the checkpoint
// of size a matched and the one of size b does not, the first bad event is
// in a+1..b (named exactly when b = a+1). A checkpoint larger than the trail
// means events were removed from the end.
//
//   StoredTrailChecker checker(db_path, std::move(checkpoints), options);
//   CTG_RETURN_IF_ERROR(checker.CheckCheckpointsAt(0, root_fn));
//   for each row: CTG_ASSIGN_OR_RETURN(Hash leaf, checker.CheckEvent(...));
//                 tree.Append(leaf);
//                 CTG_RETURN_IF_ERROR(checker.CheckCheckpointsAt(tree.size(),
//                 root_fn));
//   CTG_RETURN_IF_ERROR(checker.Finish(tree.size()));
//
// Every error is kDataLoss, its message starting "audit trail <name>: " and
// naming the first bad event (by sequence) or checkpoint (by size).
//
// Cost per event: one canonical decode and one SHA-256 over its bytes; per
// checkpoint: a note parse and one root from the caller's tree, plus one
// Ed25519 verification when it is signed by one of the keys.
//
// Not thread-safe (one thread feeds it); `options.keys` must outlive it.
#ifndef CTG_AUDIT_STORED_TRAIL_H_
#define CTG_AUDIT_STORED_TRAIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "audit/event.h"
#include "audit/hash.h"
#include "audit/note_key.h"

namespace ctg::audit {

// The columns the gateway copies out of an event so that auditors can
// filter (store/audit_trail_store.h). `caller` holds the verified caller
// or, for a refused certificate, the claimed identity (then `organisation`
// is empty).
struct StoredColumns {
  int64_t time_us = 0;
  absl::string_view caller;
  absl::string_view organisation;
  absl::string_view method;
  absl::string_view target_kind;
  absl::string_view target_id;
  int32_t code = 0;
};

struct StoredCheckpointNote {
  uint64_t tree_size = 0;  // the row's key
  std::string note;        // C2SP signed note
};

struct StoredTrailOptions {
  // Keys whose signatures are checked. Empty: no signature is checked
  // (roots still are).
  absl::Span<const NoteVerifier> keys;
  // True: every checkpoint must be signed by one of `keys`. False: a
  // checkpoint that names none of them (signed before a key rotation) is
  // checked by its root only; one that names one of them must verify.
  bool require_known_key = true;
};

class StoredTrailChecker {
 public:
  // `name` (e.g. the database path) prefixes every message; `checkpoints`
  // in any order.
  StoredTrailChecker(std::string name,
                     std::vector<StoredCheckpointNote> checkpoints,
                     StoredTrailOptions options);

  // Checks row `row_seq` (see above) and returns its leaf hash, for the
  // caller to append to its tree. `columns` may be null (not checked).
  absl::StatusOr<Hash> CheckEvent(uint64_t row_seq, absl::string_view canonical,
                                  absl::string_view stored_leaf_hash,
                                  const StoredColumns* columns);

  // Checks the stored checkpoints of tree size `size` (the caller's tree
  // after its size-th leaf) against `root()`, called only if there is one.
  // Call it with 0 before the first row, then after every row.
  absl::Status CheckCheckpointsAt(uint64_t size,
                                  absl::FunctionRef<Hash()> root);

  // After the last row, with `size` events read: checkpoints larger than
  // the trail mean events were removed from the end.
  absl::Status Finish(uint64_t size) const;

  // Checkpoints whose root matched, and of those, whose signature verified.
  uint64_t checkpoints_matched() const { return matched_count_; }
  uint64_t signatures_verified() const { return signatures_verified_; }
  // The largest checkpoint size that matched (0: none).
  uint64_t matched_size() const { return matched_size_; }

 private:
  absl::Status Fail(absl::string_view what) const;
  absl::Status CheckColumns(const Event& event,
                            const StoredColumns& columns) const;
  absl::Status CheckOne(const StoredCheckpointNote& stored, const Hash& root);

  const std::string name_;
  std::vector<StoredCheckpointNote> checkpoints_;  // sorted by tree_size
  const StoredTrailOptions options_;
  size_t next_ = 0;  // first checkpoint not yet checked
  uint64_t expected_ = 1;
  uint64_t matched_size_ = 0;
  uint64_t matched_count_ = 0;
  uint64_t signatures_verified_ = 0;
  Event event_;  // decode scratch
  Sha256Hasher hasher_;
};

}  // namespace ctg::audit

#endif  // CTG_AUDIT_STORED_TRAIL_H_
