// Signed checkpoints of the audit tree in the C2SP tlog-checkpoint form
// (https://c2sp.org/tlog-checkpoint): a signed note whose text is
//
//   <origin>\n
//   <tree size in decimal>\n
//   <base64 of the 32-byte root hash>\n
//   [extension lines]
//
// The gateway signs one on demand (GetCheckpoint) and periodically; its key
// name should be the origin. Example:
//
//   absl::StatusOr<std::string> note = SignCheckpoint(
//       {.origin = "caf33.example/ctg-audit", .size = tree.size(),
//        .root = tree.Root()},
//       *signer);                      // NoteSigner, loaded once at start-up
//
// All functions are thread-safe.
#ifndef CTG_AUDIT_CHECKPOINT_H_
#define CTG_AUDIT_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "audit/hash.h"
#include "audit/note_key.h"

namespace ctg::audit {

struct Checkpoint {
  // Identifies the log, e.g. "caf33.example/ctg-audit". Non-empty UTF-8, no
  // control characters.
  std::string origin;
  // Number of leaves (events) covered.
  uint64_t size = 0;
  // RFC 6962 root of the first `size` leaves.
  Hash root{};
  // Opaque non-empty extra lines (the gateway writes none).
  std::vector<std::string> extensions;

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text of `checkpoint`. InvalidArgument for an empty or multi-line
// origin, control characters, or an empty or multi-line extension.
absl::StatusOr<std::string> FormatCheckpointBody(const Checkpoint& checkpoint);

// Strict inverse of FormatCheckpointBody: InvalidArgument naming the line
// for a missing line, a size with a sign, leading zero or overflow, a root
// that is not the base64 of 32 bytes, or an empty extension line.
absl::StatusOr<Checkpoint> ParseCheckpointBody(absl::string_view text);

// The signed note of `checkpoint`, signed by `signer`.
absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                           const NoteSigner& signer);

// Verifies the note's signature with `verifier` (OpenNote) and parses its
// text. Errors as OpenNote and ParseCheckpointBody, prefixed "checkpoint: ".
absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view note,
                                          const NoteVerifier& verifier);

// Same, accepting a signature by any of `keys` (a key ring: the current
// signing key and the ones it replaced, so that checkpoints signed before a
// key rotation stay verifiable). A signature line of one of the keys that
// does not verify is an error even if another key signed.
absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view note,
                                          absl::Span<const NoteVerifier> keys);

}  // namespace ctg::audit

#endif  // CTG_AUDIT_CHECKPOINT_H_
