// The in-order half of export verification: walks per-line results
// (internal/line_analysis.h) in sequence, extends the Merkle tree, checks
// structure, leaf hashes and checkpoint roots, and builds the report with
// the smallest wrong sequence number. Internal to ctg_audit; the detection
// model is documented in audit/verifier.h.
#ifndef CTG_AUDIT_INTERNAL_SEQUENCER_H_
#define CTG_AUDIT_INTERNAL_SEQUENCER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "audit/checkpoint.h"
#include "audit/internal/line_analysis.h"
#include "audit/merkle_frontier.h"
#include "audit/verifier.h"

namespace ctg::audit::internal {

// One verification run. Not thread-safe: one thread feeds it the results
// in line order (the analysis may have run on other threads).
class Sequencer {
 public:
  Sequencer(const VerifyOptions& options, std::optional<Checkpoint> external)
      : external_(std::move(external)) {
    report_.origin = options.origin;
    if (external_.has_value() && report_.origin.empty()) {
      report_.origin = external_->origin;
    }
  }

  // Before the first line. False if verification is over.
  bool Start();
  // Consumes the result of line `line_no`. Returns false when verification
  // must stop (the report says why).
  bool OnLine(const LineResult& r, uint64_t line_no);
  // At the end of the input.
  void Finish();
  VerifyReport TakeReport();

 private:
  void Fail(VerifyProblem problem, uint64_t first, uint64_t last,
            uint64_t line_no, std::string reason);
  // Reports that something in verified_size+1..end is wrong, unless a leaf
  // hash mismatch already pinpointed an event there.
  void RangeFailure(uint64_t end, uint64_t line_no, std::string reason);
  // Compares a verified checkpoint of size frontier_.size() with the
  // recomputed root.
  bool MatchRoot(const Checkpoint& cp, uint64_t line_no,
                 absl::string_view which);
  bool CheckEmbedded(const LineResult& r, uint64_t line_no);

  std::optional<Checkpoint> external_;
  VerifyReport report_;
  MerkleFrontier frontier_;
  uint64_t expected_ = 1;
  uint64_t first_altered_ = 0;
  uint64_t first_altered_line_ = 0;
  std::string first_altered_reason_;
};

}  // namespace ctg::audit::internal

#endif  // CTG_AUDIT_INTERNAL_SEQUENCER_H_
