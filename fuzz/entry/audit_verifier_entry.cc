// Fuzz entry 6: the offline verifier (audit/verifier.h VerifyExport) on
// corrupted exports.
//
// The fixture (fixtures.h) is a valid export of 12 events with an embedded
// checkpoint every 4, signed with a fixed Ed25519 key. Input: a byte that
// chooses the supplied checkpoint (bits 0-1: the final one of size 12, none,
// or the signed checkpoint of some size 1..12), bit 2 the expected origin,
// bit 3 CRLF line ends, bit 4 a parallel re-run (bit 5: 2 or 3 threads),
// bit 6 a re-run from a std::istream; then up to 12
// mutations of the export: bit flips, byte sets, inserts, deletions, line
// drops, swaps, duplications, replacement by another original line,
// truncation, splices of JSON-significant tokens.
//
// Invariants (only what the verifier's header guarantees):
//  - VerifyExport returns a report (an error status only for a bad supplied
//    checkpoint, and ours is genuine);
//  - the report is the same from a string, from a std::istream, and with
//    several worker threads ("The report is the same for any value");
//  - the report is coherent: ok() iff no problem; a failure names a
//    sequence (>= 1 but for kNoCheckpoint), last >= first, and a reason;
//    verified_size <= tree_size;
//  - the unmutated export verifies, covering all 12 events;
//  - an OK report authenticates events 1..verified_size: verified_size is at
//    least the supplied checkpoint's size, and lines 1..verified_size of the
//    mutated export parse to exactly the original records' events and leaf
//    hashes. With the final checkpoint supplied, any change to the bytes of
//    an event therefore fails.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "audit/export_line.h"
#include "audit/verifier.h"
#include "fuzz/entry/byte_reader.h"
#include "fuzz/entry/entry.h"
#include "fuzz/entry/fixtures.h"

namespace ctg::fuzz {
namespace {

constexpr absl::string_view kTokens[] = {"\"sequence\":",
                                         "\"leaf_hash\":\"",
                                         "\"checkpoint\":\"",
                                         "\"facts\":{",
                                         "\\u0000",
                                         "\\n",
                                         "\\\"",
                                         "\r",
                                         "\n",
                                         " ",
                                         ",",
                                         "}",
                                         "{",
                                         "0",
                                         "1",
                                         "13",
                                         "-1",
                                         "1e3",
                                         "18446744073709551616",
                                         "null",
                                         "\xc3\xa9",
                                         "\xff",
                                         "\\ud800",
                                         "\"time\":\"2026-11-22T00:00:00Z\""};

std::string ReportString(const audit::VerifyReport& r) {
  return absl::StrCat(
      audit::VerifyProblemName(r.problem), " first=", r.first_bad_sequence,
      " last=", r.last_bad_sequence, " line=", r.line, " events=", r.events,
      " tree=", r.tree_size, " verified=", r.verified_size,
      " checkpoints=", r.checkpoints_checked, " altered=", r.altered_events,
      " origin=", r.origin, " root=", audit::HashToHex(r.root),
      " reason=", r.reason);
}

void Mutate(ByteReader& r, std::string& text) {
  const ExportFixture& fx = FuzzExport();
  auto lines = [&] {
    std::vector<std::string> out = absl::StrSplit(text, '\n');
    return out;  // the last element is what follows the last '\n'
  };
  auto join = [](const std::vector<std::string>& ls) {
    return absl::StrJoin(ls, "\n");
  };
  auto pos = [&](size_t n) {
    return n == 0 ? 0 : static_cast<size_t>(r.Uint(2) % n);
  };
  switch (r.Byte() % 10) {
    case 0:
      if (!text.empty())
        text[pos(text.size())] ^= static_cast<char>(1u << (r.Byte() & 7));
      break;
    case 1:
      if (!text.empty()) text[pos(text.size())] = static_cast<char>(r.Byte());
      break;
    case 2:
      text.insert(pos(text.size() + 1), 1, static_cast<char>(r.Byte()));
      break;
    case 3:
      if (!text.empty()) text.erase(pos(text.size()), 1 + r.Byte() % 8);
      break;
    case 4: {  // drop a line
      std::vector<std::string> ls = lines();
      ls.erase(ls.begin() + static_cast<long>(pos(ls.size())));
      text = join(ls);
      break;
    }
    case 5: {  // swap two lines
      std::vector<std::string> ls = lines();
      std::swap(ls[pos(ls.size())], ls[pos(ls.size())]);
      text = join(ls);
      break;
    }
    case 6: {  // duplicate a line elsewhere
      std::vector<std::string> ls = lines();
      const std::string copy = ls[pos(ls.size())];
      ls.insert(ls.begin() + static_cast<long>(pos(ls.size() + 1)), copy);
      text = join(ls);
      break;
    }
    case 7: {  // a line replaced by an original line
      std::vector<std::string> ls = lines();
      std::string line = fx.lines[pos(fx.lines.size())];
      line.pop_back();
      ls[pos(ls.size())] = line;
      text = join(ls);
      break;
    }
    case 8:
      text.resize(pos(text.size() + 1));
      break;
    default: {
      const absl::string_view token = kTokens[r.Byte() % std::size(kTokens)];
      const size_t at = pos(text.size() + 1);
      const size_t cut = std::min<size_t>(r.Byte() % 4, text.size() - at);
      text.replace(at, cut, token.data(), token.size());
      break;
    }
  }
}

}  // namespace

std::string AuditVerifierEntry(absl::string_view data) {
  const ExportFixture& fx = FuzzExport();
  const audit::NoteVerifier& key = *FuzzAuditKeys().verifier;
  ByteReader r(data);
  const uint8_t mode = r.Byte();
  uint64_t supplied = 0;
  audit::VerifyOptions options;
  options.threads = 1;
  switch (mode % 4) {
    case 0:
    case 1:
      supplied = kExportEvents;
      break;
    case 2:
      supplied = 0;
      break;
    default:
      supplied = 1 + r.Byte() % kExportEvents;
      break;
  }
  if (supplied > 0) options.checkpoint_note = fx.checkpoints[supplied];
  if ((mode >> 2) & 1) options.origin = kAuditOrigin;
  const bool crlf = (mode >> 3) & 1;

  std::string text = fx.text;
  if (crlf) text = absl::StrReplaceAll(text, {{"\n", "\r\n"}});
  const int64_t n_ops = r.Range(0, 12);
  for (int64_t i = 0; i < n_ops; ++i) Mutate(r, text);

  absl::StatusOr<audit::VerifyReport> report =
      audit::VerifyExport(text, key, options);
  if (!report.ok())
    return absl::StrCat("VerifyExport error: ", report.status().ToString());
  const audit::VerifyReport& rep = *report;
  const std::string summary = ReportString(rep);

  // Same report from a stream and with worker threads (on the inputs whose
  // mode asks for it: the stream reader allocates large buffers).
  if ((mode >> 6) & 1) {
    std::istringstream in(text);
    absl::StatusOr<audit::VerifyReport> streamed =
        audit::VerifyExport(in, key, options);
    if (!streamed.ok() || ReportString(*streamed) != summary) {
      return absl::StrCat("stream report differs: ", summary, " vs ",
                          streamed.ok() ? ReportString(*streamed)
                                        : streamed.status().ToString());
    }
  }
  if ((mode >> 4) & 1) {
    audit::VerifyOptions parallel = options;
    parallel.threads = 2 + ((mode >> 5) & 1);
    absl::StatusOr<audit::VerifyReport> p =
        audit::VerifyExport(text, key, parallel);
    if (!p.ok() || ReportString(*p) != summary) {
      return absl::StrCat("threads=", parallel.threads,
                          " report differs: ", summary, " vs ",
                          p.ok() ? ReportString(*p) : p.status().ToString());
    }
  }

  // Coherence.
  if (rep.ok() != (rep.problem == audit::VerifyProblem::kNone))
    return "ok() incoherent";
  if (!rep.ok()) {
    if (rep.reason.empty())
      return absl::StrCat("failure without reason: ", summary);
    if (rep.problem != audit::VerifyProblem::kNoCheckpoint &&
        rep.first_bad_sequence == 0) {
      return absl::StrCat("failure without a sequence: ", summary);
    }
    if (rep.last_bad_sequence < rep.first_bad_sequence) {
      return absl::StrCat("last_bad_sequence < first: ", summary);
    }
  }
  if (rep.verified_size > rep.tree_size) {
    return absl::StrCat("verified_size beyond the tree: ", summary);
  }
  if (text ==
      (crlf ? absl::StrReplaceAll(fx.text, {{"\n", "\r\n"}}) : fx.text)) {
    if (!rep.ok() || rep.verified_size != kExportEvents) {
      return absl::StrCat("the genuine export does not verify: ", summary);
    }
  }
  if (!rep.ok()) return "";

  // OK: events 1..verified_size are the original ones.
  if (rep.verified_size < supplied) {
    return absl::StrCat("OK but the supplied checkpoint (size ", supplied,
                        ") is not covered: ", summary);
  }
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() < rep.verified_size) {
    return absl::StrCat("OK with ", rep.verified_size,
                        " events verified but only ", lines.size(),
                        " lines: ", summary);
  }
  for (uint64_t k = 0; k < rep.verified_size; ++k) {
    absl::StatusOr<audit::ExportRecord> rec = audit::ParseExportLine(lines[k]);
    if (!rec.ok()) {
      return absl::StrCat("OK but line ", k + 1,
                          " does not parse: ", rec.status().ToString());
    }
    if (!(rec->event == fx.records[k].event) ||
        rec->leaf_hash != fx.records[k].leaf_hash) {
      return absl::StrCat("OK but event ", k + 1,
                          " differs from the original (undetected "
                          "alteration): ",
                          summary);
    }
  }
  return "";
}

}  // namespace ctg::fuzz
