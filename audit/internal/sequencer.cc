#include "audit/internal/sequencer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ctg::audit::internal {

void Sequencer::Fail(VerifyProblem problem, uint64_t first, uint64_t last,
                     uint64_t line_no, std::string reason) {
  // A leaf hash mismatch seen earlier names a smaller sequence number: it
  // stays the headline, the stopping problem is added to the reason.
  if (first_altered_ != 0 && (first == 0 || first_altered_ <= first)) {
    report_.problem = VerifyProblem::kAlteredEvent;
    report_.first_bad_sequence = report_.last_bad_sequence = first_altered_;
    report_.line = first_altered_line_;
    report_.reason = absl::StrCat(first_altered_reason_, "; then ",
                                  VerifyProblemName(problem), ": ", reason);
    return;
  }
  report_.problem = problem;
  report_.first_bad_sequence = first;
  report_.last_bad_sequence = last;
  report_.line = line_no;
  report_.reason = std::move(reason);
}

void Sequencer::RangeFailure(uint64_t end, uint64_t line_no,
                             std::string reason) {
  const uint64_t a = report_.verified_size;
  if (first_altered_ != 0 && first_altered_ > a) {
    // (b) already pinpointed the culprit inside the failing range.
    Fail(VerifyProblem::kAlteredEvent, first_altered_, first_altered_,
         first_altered_line_, "");
    report_.reason = absl::StrCat(first_altered_reason_, "; then ", reason);
    return;
  }
  Fail(VerifyProblem::kAlteredInRange, a + 1, end, line_no,
       absl::StrCat(reason,
                    a == 0 ? std::string("; no earlier checkpoint matched")
                           : absl::StrCat("; the previous checkpoint (size ", a,
                                          ") matched"),
                    ", so an event in ", a + 1, "..", end,
                    " was altered, inserted or removed and the leaf hashes "
                    "rewritten to match"));
}

bool Sequencer::MatchRoot(const Checkpoint& cp, uint64_t line_no,
                          absl::string_view which) {
  const Hash root = frontier_.Root();
  if (root == cp.root) {
    ++report_.checkpoints_checked;
    report_.verified_size = std::max(report_.verified_size, cp.size);
    return true;
  }
  RangeFailure(cp.size, line_no,
               absl::StrCat(which, " of size ", cp.size, " has root ",
                            HashToHex(cp.root), " but events 1..", cp.size,
                            " hash to ", HashToHex(root)));
  return false;
}

bool Sequencer::CheckEmbedded(const LineResult& r, uint64_t line_no) {
  const uint64_t seq = r.sequence;
  if (!r.checkpoint_status.ok()) {
    Fail(VerifyProblem::kBadCheckpoint, seq, seq, line_no,
         absl::StrCat("line ", line_no, ": the checkpoint of sequence ", seq,
                      " does not verify: ", r.checkpoint_status.message()));
    return false;
  }
  const Checkpoint& cp = r.checkpoint;
  if (cp.size != seq) {
    // The gateway attaches a checkpoint to the event that ends its tree:
    // events before it were inserted or deleted and the rest renumbered
    // (or the checkpoint was moved).
    RangeFailure(std::max(seq, cp.size), line_no,
                 absl::StrCat("line ", line_no,
                              ": the checkpoint attached to "
                              "sequence ",
                              seq, " is for tree size ", cp.size));
    return false;
  }
  if (report_.origin.empty()) report_.origin = cp.origin;
  if (cp.origin != report_.origin) {
    Fail(VerifyProblem::kBadCheckpoint, seq, seq, line_no,
         absl::StrCat("line ", line_no, ": checkpoint origin \"", cp.origin,
                      "\" differs from \"", report_.origin, "\""));
    return false;
  }
  return MatchRoot(cp, line_no,
                   absl::StrCat("the checkpoint on line ", line_no));
}

bool Sequencer::Start() {
  if (external_.has_value() && external_->size == 0) {
    return MatchRoot(*external_, 0, "the supplied checkpoint");
  }
  return true;
}

bool Sequencer::OnLine(const LineResult& r, uint64_t line_no) {
  const uint64_t seq_expected = expected_;
  if (!r.parse.ok()) {
    Fail(VerifyProblem::kMalformedLine, seq_expected, seq_expected, line_no,
         r.overlong
             ? absl::StrCat("line ", line_no, ": ", r.parse.message(),
                            " (where event ", seq_expected, " is expected)")
         : r.blank
             ? absl::StrCat("line ", line_no, ": empty line where event ",
                            seq_expected, " is expected")
             : absl::StrCat("line ", line_no, " (where event ", seq_expected,
                            " is expected): ", r.parse.message()));
    return false;
  }
  const uint64_t seq = r.sequence;
  if (seq > seq_expected) {
    Fail(VerifyProblem::kMissingEvent, seq_expected, seq_expected, line_no,
         absl::StrCat("line ", line_no, ": expected sequence ", seq_expected,
                      ", found ", seq, ": event ", seq_expected,
                      seq == seq_expected + 1
                          ? std::string(" is missing")
                          : absl::StrCat(" (to ", seq - 1, ") is missing"),
                      " (deleted, or events reordered)"));
    return false;
  }
  if (seq < seq_expected) {
    // Two lines carry `seq`. If a checkpoint already authenticated event
    // `seq`, this line is the intruder; otherwise either may be.
    const uint64_t a = report_.verified_size;
    const uint64_t first = seq > a ? seq : seq_expected;
    Fail(VerifyProblem::kInsertedOrReordered, first, first, line_no,
         absl::StrCat(
             "line ", line_no, ": sequence ", seq,
             " appears again after sequence ", seq_expected - 1, ": ",
             seq > a ? absl::StrCat("one of the two events numbered ", seq,
                                    " was inserted, or events were reordered")
                     : absl::StrCat(
                           "event ", seq,
                           " is authenticated by a checkpoint, "
                           "so this line was inserted or moved here, where "
                           "event ",
                           seq_expected, " belongs")));
    return false;
  }
  if (r.computed != r.recorded) {
    ++report_.altered_events;
    if (first_altered_ == 0) {
      first_altered_ = seq;
      first_altered_line_ = line_no;
      first_altered_reason_ = absl::StrCat(
          "line ", line_no, ": event ", seq,
          " was altered: its content hashes to ", HashToHex(r.computed),
          " but the leaf hash recorded at append time is ",
          HashToHex(r.recorded));
    }
  }
  frontier_.Append(r.computed);
  ++report_.events;
  ++expected_;
  if (r.has_checkpoint && !CheckEmbedded(r, line_no)) return false;
  if (external_.has_value() && external_->size == seq &&
      !MatchRoot(*external_, line_no, "the supplied checkpoint")) {
    return false;
  }
  return true;
}

void Sequencer::Finish() {
  const uint64_t n = report_.events;
  if (external_.has_value() && external_->size > n) {
    Fail(VerifyProblem::kTruncated, n + 1, external_->size, 0,
         absl::StrCat(
             "the supplied checkpoint covers ", external_->size,
             " events but the export ends at ", n, ": events ", n + 1, "..",
             external_->size,
             " were removed from the end (or the export is incomplete)"));
    return;
  }
  if (first_altered_ != 0) {
    const bool covered = first_altered_ <= report_.verified_size;
    Fail(VerifyProblem::kAlteredEvent, first_altered_, first_altered_,
         first_altered_line_, "");
    report_.reason =
        covered ? absl::StrCat(first_altered_reason_,
                               " (the event matches the signed checkpoint of "
                               "size ",
                               report_.verified_size,
                               ": its recorded leaf hash was altered)")
                : first_altered_reason_;
    return;
  }
  if (n > 0 && report_.checkpoints_checked == 0) {
    Fail(VerifyProblem::kNoCheckpoint, 0, 0, 0,
         absl::StrCat("no signed checkpoint covers any of the ", n,
                      " events: nothing is authenticated (supply the latest "
                      "checkpoint)"));
  }
}

VerifyReport Sequencer::TakeReport() {
  report_.tree_size = frontier_.size();
  report_.root = frontier_.Root();
  return std::move(report_);
}

}  // namespace ctg::audit::internal
