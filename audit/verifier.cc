#include "audit/verifier.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/export_line.h"
#include "audit/line_reader.h"
#include "audit/merkle_frontier.h"

namespace ctg::audit {
namespace {

// One verification run. Holds the incremental tree and what was found.
class Verification {
 public:
  Verification(const NoteVerifier& key, const VerifyOptions& options,
               std::optional<Checkpoint> external)
      : key_(key), external_(std::move(external)) {
    report_.origin = options.origin;
    if (external_.has_value()) {
      report_.origin = report_.origin.empty() ? external_->origin : report_.origin;
    }
  }

  absl::StatusOr<VerifyReport> Run(LineReader& lines);

 private:
  // Returns false when verification must stop.
  bool OnLine(absl::string_view line, uint64_t line_no);
  bool CheckEmbedded(const std::string& note, uint64_t seq, uint64_t line_no);
  // Compares a verified checkpoint of size frontier_.size() with the
  // recomputed root.
  bool MatchRoot(const Checkpoint& cp, uint64_t line_no, absl::string_view which);
  // Reports that something in verified_size+1..end is wrong, unless a leaf
  // hash mismatch already pinpointed an event there.
  void RangeFailure(uint64_t end, uint64_t line_no, std::string reason);
  void Fail(VerifyProblem problem, uint64_t first, uint64_t last,
            uint64_t line_no, std::string reason);
  void Finish();

  const NoteVerifier& key_;
  std::optional<Checkpoint> external_;
  VerifyReport report_;
  MerkleFrontier frontier_;
  Sha256Hasher hasher_;
  ExportRecord record_;
  std::string canonical_;
  uint64_t expected_ = 1;
  uint64_t first_altered_ = 0;
  uint64_t first_altered_line_ = 0;
  std::string first_altered_reason_;
};

void Verification::Fail(VerifyProblem problem, uint64_t first, uint64_t last,
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

void Verification::RangeFailure(uint64_t end, uint64_t line_no,
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

bool Verification::MatchRoot(const Checkpoint& cp, uint64_t line_no,
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

bool Verification::CheckEmbedded(const std::string& note, uint64_t seq,
                                 uint64_t line_no) {
  absl::StatusOr<Checkpoint> cp = OpenCheckpoint(note, key_);
  if (!cp.ok()) {
    Fail(VerifyProblem::kBadCheckpoint, seq, seq, line_no,
         absl::StrCat("line ", line_no, ": the checkpoint of sequence ", seq,
                      " does not verify: ", cp.status().message()));
    return false;
  }
  if (cp->size != seq) {
    // The gateway attaches a checkpoint to the event that ends its tree:
    // events before it were inserted or deleted and the rest renumbered
    // (or the checkpoint was moved).
    RangeFailure(std::max(seq, cp->size), line_no,
                 absl::StrCat("line ", line_no, ": the checkpoint attached to "
                              "sequence ", seq, " is for tree size ", cp->size));
    return false;
  }
  if (report_.origin.empty()) report_.origin = cp->origin;
  if (cp->origin != report_.origin) {
    Fail(VerifyProblem::kBadCheckpoint, seq, seq, line_no,
         absl::StrCat("line ", line_no, ": checkpoint origin \"", cp->origin,
                      "\" differs from \"", report_.origin, "\""));
    return false;
  }
  return MatchRoot(*cp, line_no,
                   absl::StrCat("the checkpoint on line ", line_no));
}

bool Verification::OnLine(absl::string_view line, uint64_t line_no) {
  const uint64_t seq_expected = expected_;
  if (absl::Status s = ParseExportLine(line, &record_); !s.ok()) {
    const bool blank = line.find_first_not_of(" \t\r") == absl::string_view::npos;
    Fail(VerifyProblem::kMalformedLine, seq_expected, seq_expected, line_no,
         blank ? absl::StrCat("line ", line_no, ": empty line where event ",
                              seq_expected, " is expected")
               : absl::StrCat("line ", line_no, " (where event ", seq_expected,
                              " is expected): ", s.message()));
    return false;
  }
  const uint64_t seq = record_.event.sequence;
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
             "line ", line_no, ": sequence ", seq, " appears again after sequence ",
             seq_expected - 1, ": ",
             seq > a ? absl::StrCat("one of the two events numbered ", seq,
                                    " was inserted, or events were reordered")
                     : absl::StrCat("event ", seq, " is authenticated by a checkpoint, "
                                    "so this line was inserted or moved here, where "
                                    "event ", seq_expected, " belongs")));
    return false;
  }
  canonical_.clear();
  AppendCanonical(record_.event, &canonical_);
  const Hash leaf = hasher_.Leaf(canonical_);
  if (leaf != record_.leaf_hash) {
    ++report_.altered_events;
    if (first_altered_ == 0) {
      first_altered_ = seq;
      first_altered_line_ = line_no;
      first_altered_reason_ = absl::StrCat(
          "line ", line_no, ": event ", seq, " was altered: its content hashes to ",
          HashToHex(leaf), " but the leaf hash recorded at append time is ",
          HashToHex(record_.leaf_hash));
    }
  }
  frontier_.Append(leaf);
  ++report_.events;
  ++expected_;
  if (!record_.checkpoint.empty() &&
      !CheckEmbedded(record_.checkpoint, seq, line_no)) {
    return false;
  }
  if (external_.has_value() && external_->size == seq &&
      !MatchRoot(*external_, line_no, "the supplied checkpoint")) {
    return false;
  }
  return true;
}

void Verification::Finish() {
  const uint64_t n = report_.events;
  if (external_.has_value() && external_->size > n) {
    Fail(VerifyProblem::kTruncated, n + 1, external_->size, 0,
         absl::StrCat("the supplied checkpoint covers ", external_->size,
                      " events but the export ends at ", n, ": events ", n + 1,
                      "..", external_->size,
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
                               "size ", report_.verified_size,
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

absl::StatusOr<VerifyReport> Verification::Run(LineReader& lines) {
  if (external_.has_value() && external_->size == 0 &&
      !MatchRoot(*external_, 0, "the supplied checkpoint")) {
    return report_;
  }
  bool go_on = true;
  while (go_on) {
    absl::string_view line;
    absl::StatusOr<bool> more = lines.Next(&line);
    if (!more.ok()) {
      if (more.status().code() != absl::StatusCode::kInvalidArgument) {
        return more.status();  // the stream failed
      }
      Fail(VerifyProblem::kMalformedLine, expected_, expected_,
           lines.line_number() + 1,
           absl::StrCat(more.status().message(), " (where event ", expected_,
                        " is expected)"));
      break;
    }
    if (!*more) {
      Finish();
      break;
    }
    go_on = OnLine(line, lines.line_number());
  }
  report_.tree_size = frontier_.size();
  report_.root = frontier_.Root();
  return report_;
}

absl::StatusOr<VerifyReport> VerifyWith(LineReader& lines,
                                        const NoteVerifier& key,
                                        const VerifyOptions& options) {
  std::optional<Checkpoint> external;
  if (!options.checkpoint_note.empty()) {
    absl::StatusOr<Checkpoint> cp = OpenCheckpoint(options.checkpoint_note, key);
    if (!cp.ok()) {
      return absl::Status(cp.status().code(),
                          absl::StrCat("supplied ", cp.status().message()));
    }
    if (!options.origin.empty() && cp->origin != options.origin) {
      return absl::InvalidArgumentError(
          absl::StrCat("supplied checkpoint: origin \"", cp->origin,
                       "\", expected \"", options.origin, "\""));
    }
    external = *std::move(cp);
  }
  Verification v(key, options, std::move(external));
  return v.Run(lines);
}

}  // namespace

absl::string_view VerifyProblemName(VerifyProblem problem) {
  switch (problem) {
    case VerifyProblem::kNone: return "none";
    case VerifyProblem::kMalformedLine: return "malformed line";
    case VerifyProblem::kMissingEvent: return "event missing";
    case VerifyProblem::kInsertedOrReordered: return "event inserted or reordered";
    case VerifyProblem::kAlteredEvent: return "event altered";
    case VerifyProblem::kAlteredInRange: return "event altered in range";
    case VerifyProblem::kTruncated: return "events removed from the end";
    case VerifyProblem::kBadCheckpoint: return "bad checkpoint";
    case VerifyProblem::kNoCheckpoint: return "no checkpoint";
  }
  return "unknown";
}

std::string VerifyReport::Summary() const {
  const std::string head = absl::StrCat(
      events, " events, tree size ", tree_size, ", root ", HashToHex(root), "; ",
      checkpoints_checked, " checkpoint", checkpoints_checked == 1 ? "" : "s",
      " verified",
      origin.empty() ? std::string() : absl::StrCat(" (origin \"", origin, "\")"));
  if (ok()) {
    std::string out = absl::StrCat("OK: ", head);
    if (verified_size < events) {
      absl::StrAppend(&out, "; events ", verified_size + 1, "..", events,
                      " are not covered by a signed checkpoint (supply a "
                      "newer checkpoint to authenticate them)");
    }
    return out;
  }
  std::string where;
  if (first_bad_sequence != 0) {
    where = last_bad_sequence > first_bad_sequence
                ? absl::StrCat(" at sequence ", first_bad_sequence, " (somewhere in ",
                               first_bad_sequence, "..", last_bad_sequence, ")")
                : absl::StrCat(" at sequence ", first_bad_sequence);
  }
  return absl::StrCat("FAILED", where, ": ", VerifyProblemName(problem), ": ",
                      reason, ". Read ", head);
}

absl::Status VerifyReport::ToStatus() const {
  switch (problem) {
    case VerifyProblem::kNone: return absl::OkStatus();
    case VerifyProblem::kMalformedLine: return absl::InvalidArgumentError(Summary());
    case VerifyProblem::kNoCheckpoint: return absl::FailedPreconditionError(Summary());
    default: return absl::DataLossError(Summary());
  }
}

absl::StatusOr<VerifyReport> VerifyExport(std::istream& in,
                                          const NoteVerifier& key,
                                          const VerifyOptions& options) {
  LineReader lines(&in);
  return VerifyWith(lines, key, options);
}

absl::StatusOr<VerifyReport> VerifyExport(absl::string_view text,
                                          const NoteVerifier& key,
                                          const VerifyOptions& options) {
  LineReader lines(text);
  return VerifyWith(lines, key, options);
}

}  // namespace ctg::audit
