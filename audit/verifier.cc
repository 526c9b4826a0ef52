#include "audit/verifier.h"

#include <algorithm>
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

// Blocks of lines analysed by `threads` workers, sequenced in order on the
// calling thread (which also reads the input).
absl::Status RunParallel(BlockReader& blocks,
                         absl::Span<const NoteVerifier> key, int threads,
                         Sequencer& v) {
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
  bool stop = false;                          // guarded by mu
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
      mu.Await(absl::Condition(
          +[](Block* b) { return b->done; }, first));
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
