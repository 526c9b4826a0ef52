#include "audit/verifier.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/export_line.h"
#include "audit/line_reader.h"
#include "audit/internal/block_reader.h"
#include "audit/internal/line_analysis.h"
#include "audit/merkle_frontier.h"

namespace ctg::audit {
namespace {

using internal::BlockReader;
using internal::LineAnalyzer;
using internal::LineResult;

// One verification run: walks per-line results in order, keeping the
// incremental tree and what was found. Single-threaded; the per-line
// analysis may have run on other threads.
class Verification {
 public:
  Verification(const VerifyOptions& options, std::optional<Checkpoint> external)
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
  bool MatchRoot(const Checkpoint& cp, uint64_t line_no, absl::string_view which);
  bool CheckEmbedded(const LineResult& r, uint64_t line_no);

  std::optional<Checkpoint> external_;
  VerifyReport report_;
  MerkleFrontier frontier_;
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

bool Verification::CheckEmbedded(const LineResult& r, uint64_t line_no) {
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
                 absl::StrCat("line ", line_no, ": the checkpoint attached to "
                              "sequence ", seq, " is for tree size ", cp.size));
    return false;
  }
  if (report_.origin.empty()) report_.origin = cp.origin;
  if (cp.origin != report_.origin) {
    Fail(VerifyProblem::kBadCheckpoint, seq, seq, line_no,
         absl::StrCat("line ", line_no, ": checkpoint origin \"", cp.origin,
                      "\" differs from \"", report_.origin, "\""));
    return false;
  }
  return MatchRoot(cp, line_no, absl::StrCat("the checkpoint on line ", line_no));
}

bool Verification::Start() {
  if (external_.has_value() && external_->size == 0) {
    return MatchRoot(*external_, 0, "the supplied checkpoint");
  }
  return true;
}

bool Verification::OnLine(const LineResult& r, uint64_t line_no) {
  const uint64_t seq_expected = expected_;
  if (!r.parse.ok()) {
    Fail(VerifyProblem::kMalformedLine, seq_expected, seq_expected, line_no,
         r.overlong ? absl::StrCat("line ", line_no, ": ", r.parse.message(),
                                   " (where event ", seq_expected, " is expected)")
         : r.blank  ? absl::StrCat("line ", line_no, ": empty line where event ",
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
             "line ", line_no, ": sequence ", seq, " appears again after sequence ",
             seq_expected - 1, ": ",
             seq > a ? absl::StrCat("one of the two events numbered ", seq,
                                    " was inserted, or events were reordered")
                     : absl::StrCat("event ", seq, " is authenticated by a checkpoint, "
                                    "so this line was inserted or moved here, where "
                                    "event ", seq_expected, " belongs")));
    return false;
  }
  if (r.computed != r.recorded) {
    ++report_.altered_events;
    if (first_altered_ == 0) {
      first_altered_ = seq;
      first_altered_line_ = line_no;
      first_altered_reason_ = absl::StrCat(
          "line ", line_no, ": event ", seq, " was altered: its content hashes to ",
          HashToHex(r.computed), " but the leaf hash recorded at append time is ",
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

VerifyReport Verification::TakeReport() {
  report_.tree_size = frontier_.size();
  report_.root = frontier_.Root();
  return std::move(report_);
}

// Analyses a block of whole lines into `results` (one per line read; the
// last may be an overlong-line error). Stops at the first line that does not
// parse: nothing after it is used.
void AnalyzeBlock(absl::string_view block, LineAnalyzer& analyzer,
                  std::vector<LineResult>& results) {
  results.clear();
  LineReader lines(block);
  absl::string_view line;
  while (true) {
    absl::StatusOr<bool> more = lines.Next(&line);
    if (!more.ok()) {
      LineResult& r = results.emplace_back();
      r.overlong = true;
      // The reader's message starts with its block-relative line number.
      r.parse = absl::InvalidArgumentError(
          absl::StrCat("longer than ", kMaxExportLineBytes, " bytes"));
      return;
    }
    if (!*more) return;
    LineResult& r = results.emplace_back();
    analyzer.Analyze(line, &r);
    if (!r.parse.ok()) return;
  }
}

// Per-line analysis and sequencing on the calling thread, line by line.
absl::Status RunSerial(LineReader& lines, LineAnalyzer& analyzer,
                       Verification& v) {
  if (!v.Start()) return absl::OkStatus();
  LineResult result;
  while (true) {
    absl::string_view line;
    absl::StatusOr<bool> more = lines.Next(&line);
    if (!more.ok()) {
      if (more.status().code() != absl::StatusCode::kInvalidArgument) {
        return more.status();  // the stream failed
      }
      result.parse = absl::InvalidArgumentError(
          absl::StrCat("longer than ", kMaxExportLineBytes, " bytes"));
      result.overlong = true;
      v.OnLine(result, lines.line_number() + 1);
      return absl::OkStatus();
    }
    if (!*more) {
      v.Finish();
      return absl::OkStatus();
    }
    analyzer.Analyze(line, &result);
    if (!v.OnLine(result, lines.line_number())) return absl::OkStatus();
  }
}

// Blocks of lines analysed by `threads` workers, sequenced in order on the
// calling thread (which also reads the input).
absl::Status RunParallel(BlockReader& blocks, const NoteVerifier& key,
                         int threads, Verification& v) {
  if (!v.Start()) return absl::OkStatus();
  struct Block {
    std::string storage;
    absl::string_view text;
    std::vector<LineResult> results;
    bool taken = false;
    bool done = false;
  };
  absl::Mutex mu;
  std::deque<std::unique_ptr<Block>> window;  // guarded by mu
  bool stop = false;                           // guarded by mu
  const size_t max_window = 2 * static_cast<size_t>(threads) + 2;

  auto worker = [&] {
    LineAnalyzer analyzer(key);
    while (true) {
      Block* block = nullptr;
      {
        absl::MutexLock lock(&mu);
        auto has_work = [&] {
          if (stop) return true;
          for (auto& b : window) {
            if (!b->taken) return true;
          }
          return false;
        };
        mu.Await(absl::Condition(&has_work));
        if (stop) return;
        for (auto& b : window) {
          if (!b->taken) {
            b->taken = true;
            block = b.get();
            break;
          }
        }
      }
      AnalyzeBlock(block->text, analyzer, block->results);
      absl::MutexLock lock(&mu);
      block->done = true;
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);

  absl::Status status;
  bool eof = false;
  uint64_t line_base = 0;  // lines in blocks already sequenced
  // Sequenced blocks are reused: their buffers keep their capacity (1 MiB
  // allocations would otherwise be mapped and faulted in again each time).
  std::vector<std::unique_ptr<Block>> spare;
  bool go_on = true;
  while (go_on) {
    // Keep the window full.
    while (!eof) {
      {
        absl::MutexLock lock(&mu);
        if (window.size() >= max_window) break;
      }
      std::unique_ptr<Block> block;
      if (spare.empty()) {
        block = std::make_unique<Block>();
      } else {
        block = std::move(spare.back());
        spare.pop_back();
        block->storage.clear();
        block->taken = block->done = false;
      }
      absl::StatusOr<bool> more = blocks.Next(&block->storage, &block->text);
      if (!more.ok()) {
        status = more.status();
        eof = true;
        break;
      }
      if (!*more) {
        eof = true;
        break;
      }
      absl::MutexLock lock(&mu);
      window.push_back(std::move(block));
    }
    std::unique_ptr<Block> front;
    {
      absl::MutexLock lock(&mu);
      if (window.empty()) break;
      Block* first = window.front().get();
      mu.Await(absl::Condition(+[](Block* b) { return b->done; }, first));
      front = std::move(window.front());
      window.pop_front();
    }
    for (size_t i = 0; i < front->results.size() && go_on; ++i) {
      go_on = v.OnLine(front->results[i], line_base + i + 1);
    }
    line_base += front->results.size();
    spare.push_back(std::move(front));
  }
  {
    absl::MutexLock lock(&mu);
    stop = true;
  }
  for (std::thread& t : pool) t.join();
  if (!status.ok()) return status;
  if (go_on) v.Finish();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Checkpoint>> OpenSupplied(const NoteVerifier& key,
                                                      const VerifyOptions& options) {
  if (options.checkpoint_note.empty()) return std::optional<Checkpoint>();
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
  return std::optional<Checkpoint>(*std::move(cp));
}

template <typename Source>
absl::StatusOr<VerifyReport> Verify(Source source, const NoteVerifier& key,
                                    const VerifyOptions& options) {
  absl::StatusOr<std::optional<Checkpoint>> external = OpenSupplied(key, options);
  if (!external.ok()) return external.status();
  Verification v(options, *std::move(external));
  absl::Status status;
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 1) {
    LineReader lines(source);
    LineAnalyzer analyzer(key);
    status = RunSerial(lines, analyzer, v);
  } else {
    BlockReader blocks(source, kMaxExportLineBytes);
    status = RunParallel(blocks, key, threads, v);
  }
  if (!status.ok()) return status;
  return v.TakeReport();
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
  return Verify<std::istream*>(&in, key, options);
}

absl::StatusOr<VerifyReport> VerifyExport(absl::string_view text,
                                          const NoteVerifier& key,
                                          const VerifyOptions& options) {
  return Verify<absl::string_view>(text, key, options);
}

}  // namespace ctg::audit
