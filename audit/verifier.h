// Offline verification of a JSON Lines audit export (`ctg audit verify`):
// recomputes every leaf hash and the Merkle tree, checks each signed
// checkpoint against the recomputed roots, and reports the first sequence
// number that is wrong.
//
// Detection model (docs/audit-log-format.md §6):
//  (a) structure: line n must hold sequence n. A jump from N-1 to M > N
//      means event N is missing (deleted, or events reordered). A repeat or
//      decrease to M means an event was inserted or reordered: reported at N
//      if a verified checkpoint already covers M (this line is the
//      intruder), else at M. A line that is not a valid event is wrong at
//      the sequence expected there.
//  (b) each event's leaf hash, recomputed from its canonical bytes, must
//      equal its recorded `leaf_hash`: otherwise event N was altered (or its
//      recorded hash was, when a later checkpoint still matches).
//  (c) each embedded checkpoint, and the separately supplied one, must be
//      signed by the key, share one origin, sit on the event whose sequence
//      is its size, and match the root recomputed over events 1..size. If
//      one fails and the last good checkpoint had size a, an event in
//      a+1..size was altered, inserted or deleted with leaf hashes rewritten
//      (when (b) already pinpointed one there, that one is reported). A
//      supplied checkpoint larger than the export means events were removed
//      from the end.
// The smallest wrong sequence number found is reported. Verification stops
// at the first structural or checkpoint failure (later positions cannot be
// trusted) but runs past leaf hash mismatches.
//
// Cost: one SHA-256 over each event's canonical bytes plus one 65-byte node
// hash per event (the tree is extended incrementally, never rebuilt), and a
// single Ed25519 verification per checkpoint. Memory: O(log N) besides the
// longest line (with threads > 1: a few 1 MiB blocks per thread).
#ifndef CTG_AUDIT_VERIFIER_H_
#define CTG_AUDIT_VERIFIER_H_

#include <cstdint>
#include <istream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "audit/hash.h"
#include "audit/note_key.h"

namespace ctg::audit {

struct VerifyOptions {
  // A signed checkpoint obtained separately (`ctg audit checkpoint`), e.g.
  // the latest one; empty for none. Strongly recommended: without it the
  // events after the last periodic checkpoint are not authenticated, and
  // events deleted from the end go unnoticed.
  std::string checkpoint_note;
  // Expected checkpoint origin; empty to accept the origin of the first
  // checkpoint (all must then agree).
  std::string origin;
  // Worker threads for the per-line work (parsing, re-encoding, leaf
  // hashes, checkpoint signatures); the tree and the checks stay in order
  // on the calling thread. 0 (the default) uses one per hardware thread;
  // 1 verifies line by line on the calling thread alone. The report is the
  // same for any value.
  int threads = 0;
};

enum class VerifyProblem {
  kNone,
  kMalformedLine,        // a line is not a valid event (JSON, fields, values)
  kMissingEvent,         // (a) sequence jumps: event first_bad_sequence missing
  kInsertedOrReordered,  // (a) sequence repeats or goes back
  kAlteredEvent,    // (b) recomputed leaf hash differs from the recorded one
  kAlteredInRange,  // (c) checkpoint root mismatch with no (b) culprit
  kTruncated,       // (c) checkpoint larger than the export
  kBadCheckpoint,   // (c) checkpoint malformed, unsigned, wrong size/origin
  kNoCheckpoint,    // nothing in the export is covered by a signature
};

// Name of a problem for messages, e.g. "event altered".
absl::string_view VerifyProblemName(VerifyProblem problem);

struct VerifyReport {
  // Events read (lines that parsed, in order, before any stop).
  uint64_t events = 0;
  // Size and root of the tree recomputed from those events.
  uint64_t tree_size = 0;
  Hash root{};
  // Checkpoints that verified and matched the recomputed root.
  uint64_t checkpoints_checked = 0;
  // Largest tree size covered by a verified, matching checkpoint: events
  // 1..verified_size are authenticated by the gateway's key.
  uint64_t verified_size = 0;
  // Origin of the checkpoints (all must agree).
  std::string origin;
  // Number of events whose recomputed leaf hash differed from the recorded
  // one (all of them are counted, not only the first).
  uint64_t altered_events = 0;

  // The outcome. On failure, first_bad_sequence is the smallest wrong
  // sequence number (0 only for kNoCheckpoint); last_bad_sequence equals it
  // unless only a range a+1..size is known (kAlteredInRange); line is the
  // export line where the problem was detected; reason says why.
  VerifyProblem problem = VerifyProblem::kNone;
  uint64_t first_bad_sequence = 0;
  uint64_t last_bad_sequence = 0;
  uint64_t line = 0;
  std::string reason;

  bool ok() const { return problem == VerifyProblem::kNone; }
  // One paragraph for humans: "OK: ..." or "FAILED at sequence N ...".
  std::string Summary() const;
  // OK; InvalidArgument (kMalformedLine); FailedPrecondition
  // (kNoCheckpoint); DataLoss otherwise. The message is Summary().
  absl::Status ToStatus() const;
};

// Thread-safe (runs may proceed concurrently); `key` is only read.
//
// Verifies the export read from `in` against `key`. Returns a report for
// anything found in the export; an error Status only when verification
// could not run: the stream failed to read (DataLoss), or
// options.checkpoint_note is malformed (InvalidArgument) or does not verify
// with `key` (DataLoss "bad signature" / "wrong key").
absl::StatusOr<VerifyReport> VerifyExport(std::istream& in,
                                          const NoteVerifier& key,
                                          const VerifyOptions& options = {});
// Same, with a key ring: each checkpoint may be signed by any of `keys`
// (the current key and the ones it replaced after a rotation).
absl::StatusOr<VerifyReport> VerifyExport(std::istream& in,
                                          absl::Span<const NoteVerifier> keys,
                                          const VerifyOptions& options = {});
// Same, for an export in memory.
absl::StatusOr<VerifyReport> VerifyExport(absl::string_view text,
                                          const NoteVerifier& key,
                                          const VerifyOptions& options = {});

}  // namespace ctg::audit

#endif  // CTG_AUDIT_VERIFIER_H_
