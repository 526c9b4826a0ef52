// The per-line half of export verification: parse a line, re-encode the
// event, recompute its leaf hash and open its embedded checkpoint. Lines are
// independent here, so this half runs on worker threads; the verifier then
// walks the results in order (structure, tree, checkpoint roots).
// Internal to ctg_audit.
#ifndef CTG_AUDIT_INTERNAL_LINE_ANALYSIS_H_
#define CTG_AUDIT_INTERNAL_LINE_ANALYSIS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "audit/checkpoint.h"
#include "audit/export_line.h"
#include "audit/hash.h"
#include "audit/note_key.h"

namespace ctg::audit::internal {

struct LineResult {
  // Not OK: the line is not a valid event (message without line number).
  absl::Status parse;
  // The line is empty or blank (then `parse` is not OK either).
  bool blank = false;
  // The line is longer than the limit (then `parse` is not OK either).
  bool overlong = false;
  uint64_t sequence = 0;
  Hash computed{};  // LeafHash(EncodeCanonical(event))
  Hash recorded{};  // the line's leaf_hash
  bool has_checkpoint = false;
  // Result of OpenCheckpoint() on the line's checkpoint, if any.
  absl::Status checkpoint_status;
  Checkpoint checkpoint;
};

// Per-thread state for AnalyzeLine. Not thread-safe; `key` must outlive it.
class LineAnalyzer {
 public:
  explicit LineAnalyzer(absl::Span<const NoteVerifier> keys) : keys_(keys) {}
  LineAnalyzer(const LineAnalyzer&) = delete;
  LineAnalyzer& operator=(const LineAnalyzer&) = delete;

  void Analyze(absl::string_view line, LineResult* out);

 private:
  absl::Span<const NoteVerifier> keys_;
  Sha256Hasher hasher_;
  ExportRecord record_;
  std::string canonical_;
};

}  // namespace ctg::audit::internal

#endif  // CTG_AUDIT_INTERNAL_LINE_ANALYSIS_H_
