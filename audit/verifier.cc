#include "audit/verifier.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "audit/audit_log_format.h"
#include "audit/checkpoint.h"
#include "audit/internal/block_reader.h"
#include "audit/internal/line_analysis.h"
#include "audit/internal/sequencer.h"
#include "audit/line_reader.h"
#include "base/thread_pool.h"

namespace ctg::audit {
namespace {

using internal::BlockReader;
using internal::LineAnalyzer;
using internal::LineResult;
using internal::Sequencer;

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
                       Sequencer& v) {
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

// A block of whole lines read from the input, and the analysis of each line
// (filled by a worker of the pool).
struct AnalyzedBlock {
  std::string storage;
  absl::string_view text;
  std::vector<LineResult> results;
  bool done = false;  // guarded by the window's mutex
};

// Blocks read ahead and analysed by a pool of workers (one LineAnalyzer
// each), handed back in reading order. At most 2 * threads + 2 blocks are in
// flight; blocks handed back are reused, their buffers keep their capacity
// (1 MiB allocations would otherwise be mapped and faulted in again each
// time). Used by one thread, the reader and sequencer.
class AnalysisWindow {
 public:
  AnalysisWindow(BlockReader& blocks, absl::Span<const NoteVerifier> key,
                 int threads)
      : blocks_(blocks), max_blocks_(2 * static_cast<size_t>(threads) + 2) {
    for (int i = 0; i < threads; ++i) {
      analyzers_.push_back(std::make_unique<LineAnalyzer>(key));
    }
    pool_ = std::make_unique<base::ThreadPool>(threads);
  }
  // Blocks still queued are skipped, not analysed.
  ~AnalysisWindow() {
    cancelled_ = true;
    pool_.reset();  // joins the workers before the blocks go
  }

  // The next block in reading order, analysed; nullptr at the end of the
  // input or when reading failed (status()). The block stays valid until
  // the next call.
  AnalyzedBlock* Next() {
    if (current_ != nullptr) spare_.push_back(std::move(current_));
    Fill();
    if (window_.empty()) return nullptr;
    current_ = std::move(window_.front());
    window_.pop_front();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](AnalyzedBlock* b) { return b->done; }, current_.get()));
    return current_.get();
  }

  // The read error that ended the input early, or OK.
  const absl::Status& status() const { return status_; }

 private:
  // Reads blocks and queues their analysis until the window is full or the
  // input ends.
  void Fill() {
    while (!eof_ && window_.size() < max_blocks_) {
      std::unique_ptr<AnalyzedBlock> block = TakeSpare();
      absl::StatusOr<bool> more = blocks_.Next(&block->storage, &block->text);
      if (!more.ok()) status_ = more.status();
      if (!more.ok() || !*more) {
        eof_ = true;
        return;
      }
      AnalyzedBlock* raw = block.get();
      window_.push_back(std::move(block));
      pool_->Schedule([this, raw](int worker) {
        if (!cancelled_)
          AnalyzeBlock(raw->text, *analyzers_[worker], raw->results);
        absl::MutexLock lock(&mu_);
        raw->done = true;
      });
    }
  }

  std::unique_ptr<AnalyzedBlock> TakeSpare() {
    if (spare_.empty()) return std::make_unique<AnalyzedBlock>();
    std::unique_ptr<AnalyzedBlock> block = std::move(spare_.back());
    spare_.pop_back();
    block->storage.clear();
    block->done = false;
    return block;
  }

  BlockReader& blocks_;
  const size_t max_blocks_;
  absl::Status status_;
  bool eof_ = false;
  std::atomic<bool> cancelled_{false};
  absl::Mutex mu_;  // guards AnalyzedBlock::done
  std::deque<std::unique_ptr<AnalyzedBlock>> window_;  // in reading order
  std::unique_ptr<AnalyzedBlock> current_;             // handed back by Next()
  std::vector<std::unique_ptr<AnalyzedBlock>> spare_;
  std::vector<std::unique_ptr<LineAnalyzer>> analyzers_;  // one per worker
  std::unique_ptr<base::ThreadPool> pool_;  // last: uses everything above
};

// Blocks of lines analysed by `threads` workers, sequenced in order on the
// calling thread (which also reads the input).
absl::Status RunParallel(BlockReader& blocks,
                         absl::Span<const NoteVerifier> key, int threads,
                         Sequencer& v) {
  if (!v.Start()) return absl::OkStatus();
  AnalysisWindow window(blocks, key, threads);
  uint64_t line_base = 0;  // lines in blocks already sequenced
  bool go_on = true;
  while (go_on) {
    const AnalyzedBlock* block = window.Next();
    if (block == nullptr) break;
    for (size_t i = 0; i < block->results.size() && go_on; ++i) {
      go_on = v.OnLine(block->results[i], line_base + i + 1);
    }
    line_base += block->results.size();
  }
  if (!window.status().ok()) return window.status();
  if (go_on) v.Finish();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Checkpoint>> OpenSupplied(
    absl::Span<const NoteVerifier> key, const VerifyOptions& options) {
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
absl::StatusOr<VerifyReport> Verify(Source source,
                                    absl::Span<const NoteVerifier> key,
                                    const VerifyOptions& options) {
  absl::StatusOr<std::optional<Checkpoint>> external =
      OpenSupplied(key, options);
  if (!external.ok()) return external.status();
  Sequencer v(options, *std::move(external));
  absl::Status status;
  const int threads =
      options.threads > 0
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
    case VerifyProblem::kNone:
      return "none";
    case VerifyProblem::kMalformedLine:
      return "malformed line";
    case VerifyProblem::kMissingEvent:
      return "event missing";
    case VerifyProblem::kInsertedOrReordered:
      return "event inserted or reordered";
    case VerifyProblem::kAlteredEvent:
      return "event altered";
    case VerifyProblem::kAlteredInRange:
      return "event altered in range";
    case VerifyProblem::kTruncated:
      return "events removed from the end";
    case VerifyProblem::kBadCheckpoint:
      return "bad checkpoint";
    case VerifyProblem::kNoCheckpoint:
      return "no checkpoint";
  }
  return "unknown";
}

std::string VerifyReport::Summary() const {
  const std::string head =
      absl::StrCat(events, " events, tree size ", tree_size, ", root ",
                   HashToHex(root), "; ", checkpoints_checked, " checkpoint",
                   checkpoints_checked == 1 ? "" : "s", " verified",
                   origin.empty() ? std::string()
                                  : absl::StrCat(" (origin \"", origin, "\")"));
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
                ? absl::StrCat(" at sequence ", first_bad_sequence,
                               " (somewhere in ", first_bad_sequence, "..",
                               last_bad_sequence, ")")
                : absl::StrCat(" at sequence ", first_bad_sequence);
  }
  return absl::StrCat("FAILED", where, ": ", VerifyProblemName(problem), ": ",
                      reason, ". Read ", head);
}

absl::Status VerifyReport::ToStatus() const {
  switch (problem) {
    case VerifyProblem::kNone:
      return absl::OkStatus();
    case VerifyProblem::kMalformedLine:
      return absl::InvalidArgumentError(Summary());
    case VerifyProblem::kNoCheckpoint:
      return absl::FailedPreconditionError(Summary());
    default:
      return absl::DataLossError(Summary());
  }
}

absl::StatusOr<VerifyReport> VerifyExport(std::istream& in,
                                          const NoteVerifier& key,
                                          const VerifyOptions& options) {
  return Verify<std::istream*>(&in, absl::MakeConstSpan(&key, 1), options);
}

absl::StatusOr<VerifyReport> VerifyExport(std::istream& in,
                                          absl::Span<const NoteVerifier> keys,
                                          const VerifyOptions& options) {
  return Verify<std::istream*>(&in, keys, options);
}

absl::StatusOr<VerifyReport> VerifyExport(absl::string_view text,
                                          const NoteVerifier& key,
                                          const VerifyOptions& options) {
  return Verify<absl::string_view>(text, absl::MakeConstSpan(&key, 1), options);
}

}  // namespace ctg::audit
