#include "audit/internal/line_analysis.h"

#include "audit/canonical.h"

namespace ctg::audit::internal {

void LineAnalyzer::Analyze(absl::string_view line, LineResult* out) {
  out->parse = ParseExportLine(line, &record_);
  out->blank = false;
  out->overlong = false;
  out->has_checkpoint = false;
  if (!out->parse.ok()) {
    out->blank = line.find_first_not_of(" \t\r") == absl::string_view::npos;
    return;
  }
  out->sequence = record_.event.sequence;
  out->recorded = record_.leaf_hash;
  canonical_.clear();
  AppendCanonical(record_.event, &canonical_);
  out->computed = hasher_.Leaf(canonical_);
  if (!record_.checkpoint.empty()) {
    out->has_checkpoint = true;
    absl::StatusOr<Checkpoint> cp = OpenCheckpoint(record_.checkpoint, keys_);
    out->checkpoint_status = cp.status();
    if (cp.ok()) out->checkpoint = *std::move(cp);
  }
}

}  // namespace ctg::audit::internal
