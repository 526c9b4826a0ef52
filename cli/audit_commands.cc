// ctg audit ...: the auditor's view of the trail, and offline verification.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "audit/checkpoint.h"
#include "audit/export_line.h"
#include "audit/merkle_proof.h"
#include "audit/note_key.h"
#include "audit/verifier.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/filters.h"
#include "cli/output.h"
#include "cli/time_text.h"
#include "ctg/v1/audit.grpc.pb.h"

namespace ctg::cli {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, ": cannot read the file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::Status ParseTime(const std::string& text, const char* flag,
                       google::protobuf::Timestamp* out) {
  auto t =
      ParseTimeFlag(text, flag);  // a plain date is a day of the Caf's calendar
  if (!t.ok()) return t.status();
  int64_t micros = absl::ToUnixMicros(*t);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
  return absl::OkStatus();
}

absl::StatusOr<ctg::v1::ListEventsRequest> EventsRequest(const Args& args) {
  ctg::v1::ListEventsRequest request;
  if (args.Has("since")) {
    if (auto s =
            ParseTime(args.Get("since"), "since", request.mutable_start_time());
        !s.ok())
      return s;
  }
  if (args.Has("until")) {
    if (auto s =
            ParseTime(args.Get("until"), "until", request.mutable_end_time());
        !s.ok())
      return s;
  }
  request.set_caller(args.Get("actor"));
  request.set_claimed_caller(args.Get("claimed"));
  if (auto s = CheckOrganisationFilter(args.Get("organisation")); !s.ok())
    return s;
  request.set_organisation(args.Get("organisation"));
  request.set_method(args.Get("method"));
  request.set_request_id(args.Get("request"));
  std::string outcome = args.Get("outcome");
  if (outcome == "allowed")
    request.set_outcome(ctg::v1::ListEventsRequest::ALLOWED);
  else if (outcome == "denied")
    request.set_outcome(ctg::v1::ListEventsRequest::DENIED);
  else if (!outcome.empty())
    return absl::InvalidArgumentError("--outcome: expected allowed or denied");
  return request;
}

// The export line of one event, exactly as `ctg audit verify` reads it.
absl::StatusOr<std::string> ExportLine(const ctg::v1::AuditEvent& e) {
  audit::ExportRecord record;
  record.event.sequence = e.sequence();
  record.event.time_micros =
      e.time().seconds() * 1000000 + e.time().nanos() / 1000;
  record.event.caller = e.caller();
  record.event.cert_sha256 = e.cert_sha256();
  record.event.peer = e.peer();
  record.event.method = e.method();
  record.event.target_kind = e.target_kind();
  record.event.target_id = e.target_id();
  record.event.code = e.code();
  record.event.message = e.message();
  for (const auto& f : e.facts())
    record.event.facts.push_back({f.key(), f.value()});
  if (e.leaf_hash().size() != audit::kHashSize) {
    return absl::DataLossError(
        absl::StrCat("event ", e.sequence(), " has no valid leaf hash"));
  }
  std::copy(e.leaf_hash().begin(), e.leaf_hash().end(),
            record.leaf_hash.begin());
  record.checkpoint = e.checkpoint();
  return audit::FormatExportLine(record);
}

// The verified caller, or the identity a refused certificate claimed,
// marked as such.
std::string CallerCell(const ctg::v1::AuditEvent& e) {
  if (!e.caller().empty()) return e.caller();
  if (!e.claimed_caller().empty()) {
    return absl::StrCat("(unverified, claimed ", e.claimed_caller(), ")");
  }
  return "(no identity)";
}

int Events(const Args& args) {
  auto request = EventsRequest(args);
  if (!request.ok()) return ReportError(request.status(), kExitUsage);
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  bool jsonl = args.Get("format") == "jsonl" || args.Get("format") == "json";
  auto stub = ctg::v1::Audit::NewStub(conn->channel);
  auto context = NewContext(args, 600);
  auto reader = stub->ListEvents(context.get(), *request);
  Table table({"SEQ", "TIME", "CALLER", "METHOD", "TARGET", "OUTCOME"});
  ctg::v1::AuditEvent event;
  while (reader->Read(&event)) {
    if (jsonl) {
      auto line = ExportLine(event);
      if (!line.ok()) return ReportError(line.status(), kExitFailed);
      std::cout << *line;
      continue;
    }
    table.Add(
        {absl::StrCat(event.sequence()),
         LocalTimeText(absl::FromUnixSeconds(event.time().seconds()), true),
         CallerCell(event), event.method(),
         event.target_id().empty()
             ? ""
             : event.target_kind() + " " + event.target_id(),
         event.code() == 0
             ? "OK"
             : absl::StrCat("denied (", event.code(), ") ", event.message())});
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return ReportRpcError(status);
  if (!jsonl) table.Print(std::cout);
  return kExitOk;
}

int CheckpointCmd(const Args& args) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Audit::NewStub(conn->channel);
  auto context = NewContext(args);
  ctg::v1::Checkpoint checkpoint;
  grpc::Status status = stub->GetCheckpoint(context.get(), {}, &checkpoint);
  if (!status.ok()) return ReportRpcError(status);
  if (args.Get("format") == "json") {
    std::cout << ToJson(checkpoint) << "\n";
  } else {
    std::cout << checkpoint.note();
  }
  return kExitOk;
}

int Prove(const Args& args) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  ctg::v1::GetInclusionProofRequest request;
  if (args.Has("extract")) {
    request.set_extract_sha256(args.Get("extract"));
  } else if (args.positionals().size() == 1) {
    uint64_t seq = 0;
    if (!absl::SimpleAtoi(args.positionals()[0], &seq) || seq == 0) {
      return ReportError(
          absl::InvalidArgumentError("SEQ must be a sequence number >= 1"),
          kExitUsage);
    }
    request.set_sequence(seq);
  } else {
    return ReportError(absl::InvalidArgumentError(
                           "give a sequence number SEQ or --extract SHA256"),
                       kExitUsage);
  }
  auto stub = ctg::v1::Audit::NewStub(conn->channel);
  auto context = NewContext(args);
  ctg::v1::InclusionProof proof;
  grpc::Status status = stub->GetInclusionProof(context.get(), request, &proof);
  if (!status.ok()) return ReportRpcError(status);
  if (args.Get("format") == "json") {
    std::cout << ToJson(proof) << "\n";
    return kExitOk;
  }
  std::cout << "event " << proof.sequence() << " (" << proof.event().method()
            << ")\n"
            << "leaf hash " << absl::BytesToHexString(proof.leaf_hash()) << "\n"
            << "tree size " << proof.tree_size() << ", " << proof.hashes_size()
            << " proof hashes:\n";
  for (const auto& h : proof.hashes())
    std::cout << "  " << absl::BytesToHexString(h) << "\n";
  std::cout << proof.checkpoint().note();
  return kExitOk;
}

int Verify(const Args& args) {
  if (!args.Has("events") || !args.Has("key")) {
    return ReportError(
        absl::InvalidArgumentError("--events FILE and --key FILE are required"),
        kExitUsage);
  }
  // Several --key: the current signing key and those it replaced.
  std::vector<audit::NoteVerifier> keys;
  for (const std::string& path : args.GetAll("key")) {
    auto key_text = ReadFile(path, "--key");
    if (!key_text.ok()) return ReportError(key_text.status(), kExitUsage);
    auto key = audit::NoteVerifier::FromKeyText(*key_text);
    if (!key.ok()) {
      return ReportError(absl::InvalidArgumentError(absl::StrCat(
                             "--key ", path, ": ", key.status().message())),
                         kExitUsage);
    }
    keys.push_back(*std::move(key));
  }
  audit::VerifyOptions options;
  if (args.Has("checkpoint")) {
    auto note = ReadFile(args.Get("checkpoint"), "--checkpoint");
    if (!note.ok()) return ReportError(note.status(), kExitUsage);
    options.checkpoint_note = *note;
  }
  std::ifstream events(args.Get("events"), std::ios::binary);
  if (!events) {
    return ReportError(
        absl::InvalidArgumentError(absl::StrCat("--events ", args.Get("events"),
                                                ": cannot read the file")),
        kExitUsage);
  }
  auto report = audit::VerifyExport(events, keys, options);
  if (!report.ok()) return ReportError(report.status(), kExitVerifyFailed);
  std::cout << report->Summary() << "\n";
  return report->ok() ? kExitOk : kExitVerifyFailed;
}

}  // namespace

void RegisterAuditCommands(std::vector<Command>& commands) {
  commands.push_back(
      {"audit",
       "events",
       "[--since TIME] [--until TIME] [--actor SPIFFE_ID] [--claimed "
       "SPIFFE_ID] "
       "[--organisation commune/33069] [--method /ctg.v1.X/Y] [--request ID] "
       "[--outcome allowed|denied] [--format table|jsonl]",
       "Lists audit events (auditor). --actor matches verified callers only; "
       "--claimed "
       "matches the identity claimed by refused certificates (unverified). "
       "With --format "
       "jsonl, writes the export that `ctg audit verify` checks offline: keep "
       "it with a "
       "checkpoint.",
       {{"since"},
        {"until"},
        {"actor"},
        {"claimed"},
        {"organisation"},
        {"method"},
        {"request"},
        {"outcome"}},
       Events});
  commands.push_back({"audit",
                      "checkpoint",
                      "[--format json]",
                      "Prints a freshly signed checkpoint of the audit tree "
                      "(C2SP signed note). "
                      "Save it: it authenticates every event up to its size.",
                      {},
                      CheckpointCmd});
  commands.push_back(
      {"audit",
       "prove",
       "SEQ | --extract SHA256",
       "Prints the RFC 6962 inclusion proof of one event (or of the release "
       "of an extract, by its SHA-256) in a freshly signed checkpoint.",
       {{"extract"}},
       Prove});
  commands.push_back(
      {"audit",
       "verify",
       "--events FILE --key PUBKEY [--key OLD_PUBKEY ...] [--checkpoint FILE]",
       "Works offline. Recomputes every leaf hash and the Merkle tree of an "
       "export made "
       "with `ctg audit events --format jsonl`, checks each signed checkpoint "
       "with the "
       "gateway's public key (PEM, or a note verifier key), and reports the "
       "first wrong "
       "sequence number if any event was altered, removed, inserted or "
       "reordered "
       "(exit code 3). After a rotation of the signing key, give the current "
       "key and "
       "the ones it replaced (one --key each).",
       {{"events"}, {"checkpoint"}},
       Verify});
}

}  // namespace ctg::cli
