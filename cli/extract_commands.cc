// ctg extract get: a commune downloads an approved extract, checks its
// digest and its signed receipt, and saves both.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/note_key.h"
#include "base/json.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/output.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "extract/extract_csv.h"
#include "extract/receipt.h"

namespace ctg::cli {
namespace {

// The extract as JSON: the header's fields, then the cells; a masked or
// excluded cell has no "value" key at all.
std::string ExtractJson(const ctg::v1::ExtractHeader& h,
                        const std::vector<ctg::v1::ExtractCell>& cells,
                        const std::string& sha256) {
  std::string out =
      absl::StrCat("{\"source\":", JsonString(h.source_mention()),
                   ",\"extract_id\":", JsonString(h.extract_id()),
                   ",\"request_id\":", JsonString(h.request_id()),
                   ",\"commune\":", JsonString(h.commune()),
                   ",\"convention_id\":", JsonString(h.convention_id()),
                   ",\"purpose\":", JsonString(h.purpose()),
                   ",\"objective\":", JsonString(h.objective()),
                   ",\"recipients\":", JsonString(extract::RecipientsText(h)),
                   ",\"base_version\":", JsonString(h.base_version()),
                   ",\"sha256\":", JsonString(sha256), ",\"cells\":[");
  for (size_t i = 0; i < cells.size(); ++i) {
    const ctg::v1::ExtractCell& c = cells[i];
    absl::StrAppend(&out, i ? "," : "",
                    "{\"territory\":", JsonString(c.territory()),
                    ",\"level\":", JsonString(extract::LevelWord(c.level())),
                    ",\"period\":", JsonString(c.period()),
                    ",\"indicator\":", JsonString(c.indicator()),
                    ",\"breakdown\":", JsonString(c.breakdown()),
                    ",\"category\":", JsonString(c.category()));
    if (c.status() == ctg::v1::PUBLISHED && c.has_value())
      absl::StrAppend(&out, ",\"value\":", c.value());
    absl::StrAppend(&out, ",\"status\":",
                    JsonString(extract::CellStatusWord(c.status())), "}");
  }
  out += "]}\n";
  return out;
}

absl::Status WriteFile(const std::string& path, const std::string& bytes) {
  std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      return absl::UnavailableError(
          absl::StrCat("cannot write ", path, " (disk full?)"));
    }
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error)
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", error.message()));
  return absl::OkStatus();
}

// The format and output options, checked before contacting the gateway: a
// refused overwrite must not spend a download.
absl::Status CheckGetOptions(const Args& args, const std::string& format,
                             const std::string& output) {
  if (args.positionals().size() != 1) {
    return absl::InvalidArgumentError("give exactly one request ID");
  }
  if (format != "csv" && format != "json") {
    return absl::InvalidArgumentError(
        absl::StrCat("--format ", format, ": expected csv or json"));
  }
  if (!output.empty() && std::filesystem::exists(output) &&
      !args.Has("force")) {
    return absl::InvalidArgumentError(
        absl::StrCat(output, " exists: pass --force to overwrite it"));
  }
  return absl::OkStatus();
}

// The audit public key of --audit-key or CTG_AUDIT_KEY; nullopt when
// neither is given.
absl::StatusOr<std::optional<audit::NoteVerifier>> ReadAuditKey(
    const Args& args) {
  const std::string key_path = args.Get(
      "audit-key",
      std::getenv("CTG_AUDIT_KEY") ? std::getenv("CTG_AUDIT_KEY") : "");
  if (key_path.empty()) return std::optional<audit::NoteVerifier>();
  std::ifstream in(key_path);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = audit::NoteVerifier::FromKeyText(text.str());
  if (!in || !parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--audit-key ", key_path, ": not a readable public key"));
  }
  return std::optional<audit::NoteVerifier>(*std::move(parsed));
}

// What the gateway streams for one extract.
struct Download {
  ctg::v1::ExtractHeader header;
  std::vector<ctg::v1::ExtractCell> cells;
  std::optional<ctg::v1::ExtractTrailer> trailer;
};

// Reads the whole stream; a large extract shows its progress on stderr.
grpc::Status Receive(grpc::ClientReader<ctg::v1::ExtractChunk>& reader,
                     Download& out) {
  ctg::v1::ExtractChunk chunk;
  while (reader.Read(&chunk)) {
    if (chunk.has_header()) out.header = chunk.header();
    if (chunk.has_cells()) {
      for (const auto& c : chunk.cells().cells()) out.cells.push_back(c);
      if (out.header.cell_count() >= 20000) {
        std::fprintf(stderr, "\rctg: received %zu of %lld cells",
                     out.cells.size(),
                     static_cast<long long>(out.header.cell_count()));
      }
    }
    if (chunk.has_trailer()) out.trailer = chunk.trailer();
  }
  if (out.header.cell_count() >= 20000) std::fprintf(stderr, "\n");
  return reader.Finish();
}

// The extract's CSV into `csv`, and its digest, which must be the
// trailer's. Error: kDataLoss when the extract received does not match.
absl::StatusOr<std::string> CheckDigest(const Download& d, std::string& csv) {
  extract::ExtractCsvWriter writer(
      [&csv](absl::string_view s) { csv.append(s.data(), s.size()); });
  writer.WriteHeader(d.header);
  for (const auto& c : d.cells) writer.WriteCell(c);
  std::string digest = writer.FinishDigest();
  if (!d.trailer || d.trailer->sha256() != digest ||
      static_cast<int64_t>(d.cells.size()) != d.header.cell_count()) {
    return absl::DataLossError(
        absl::StrCat("the extract received does not match its digest (got ",
                     digest, "): discard it and download again"));
  }
  return digest;
}

// What to say of the signed receipt: verified with `key`, or not checked.
// Errors: VerifyReceipt's.
absl::StatusOr<std::string> CheckReceipt(
    const Download& d, const std::string& digest,
    const std::optional<audit::NoteVerifier>& key) {
  if (!key) return "receipt not verified (give --audit-key or CTG_AUDIT_KEY)";
  auto event = extract::VerifyReceipt(d.trailer->receipt(), digest,
                                      d.header.request_id(), *key);
  if (!event.ok()) return event.status();
  // R3: every agreement the release names, decided on this release.
  std::vector<ctg::v1::ReleaseAgreement> agreements(
      d.trailer->receipt().agreements().begin(),
      d.trailer->receipt().agreements().end());
  auto verified =
      extract::VerifyReleaseAgreements(*event, agreements, digest, *key);
  if (!verified.ok()) return verified.status();
  return absl::StrCat("receipt verified: audit event ", event->sequence,
                      " in a checkpoint of ", d.trailer->receipt().tree_size(),
                      " events");
}

// `body` to standard output, or to `output` with the receipt beside it.
absl::Status Save(const std::string& output, const std::string& body,
                  const ctg::v1::ExtractTrailer& trailer) {
  if (output.empty()) {
    std::cout << body;
    return absl::OkStatus();
  }
  if (auto s = WriteFile(output, body); !s.ok()) return s;
  return WriteFile(output + ".receipt.json",
                   extract::ReceiptJson(trailer.receipt()));
}

int Get(const Args& args) {
  const std::string format = args.Get("format", "csv");
  const std::string output = args.Get("output");
  if (absl::Status s = CheckGetOptions(args, format, output); !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  absl::StatusOr<std::optional<audit::NoteVerifier>> key = ReadAuditKey(args);
  if (!key.ok()) return ReportError(key.status(), kExitUsage);
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Extracts::NewStub(conn->channel);
  auto context = NewContext(args, 600);
  ctg::v1::GetExtractRequest request;
  request.set_request_id(args.positionals()[0]);
  auto reader = stub->GetExtract(context.get(), request);
  Download d;
  if (grpc::Status status = Receive(*reader, d); !status.ok()) {
    return ReportRpcError(status);
  }
  std::string csv;
  absl::StatusOr<std::string> digest = CheckDigest(d, csv);
  if (!digest.ok()) return ReportError(digest.status(), kExitVerifyFailed);
  absl::StatusOr<std::string> receipt_note = CheckReceipt(d, *digest, *key);
  if (!receipt_note.ok()) {
    return ReportError(receipt_note.status(), kExitVerifyFailed);
  }
  const std::string body =
      format == "json" ? ExtractJson(d.header, d.cells, *digest) : csv;
  if (absl::Status s = Save(output, body, *d.trailer); !s.ok()) {
    return ReportError(s, kExitFailed);
  }
  std::fprintf(stderr,
               "ctg: extract %s of %s: %zu cells, sha256 %s verified; %s\n",
               d.header.extract_id().c_str(), d.header.request_id().c_str(),
               d.cells.size(), digest->c_str(), receipt_note->c_str());
  std::fprintf(
      stderr, "ctg: cite it as \"%s\"; use it only for the declared purpose.\n",
      d.header.source_mention().c_str());
  // R11: released under a termination notice: when the convention ends.
  if (d.trailer->receipt().has_convention_end()) {
    const ctg::v1::ConventionEndNotice& e =
        d.trailer->receipt().convention_end();
    std::fprintf(stderr, "ctg: convention %s ends on %s: %s\n",
                 e.convention_id().c_str(), e.end_date().c_str(),
                 e.conditions().c_str());
  }
  // R3: the onward transfers the Caf agreed to, in force at this release.
  for (const ctg::v1::ReleaseAgreement& a : d.trailer->receipt().agreements()) {
    std::fprintf(stderr,
                 "ctg: agreement %s: the Caf agreed to its transfer to %s "
                 "(%s)\n",
                 a.id().c_str(), a.recipient().c_str(), a.purpose().c_str());
  }
  return kExitOk;
}

}  // namespace

void RegisterExtractCommands(std::vector<Command>& commands) {
  commands.push_back(
      {"extract",
       "get",
       "ID [--format csv|json] [-o FILE] [--force] [--audit-key PUBKEY]",
       "Downloads the extract of an approved request (a requester of the "
       "commune, or an "
       "operator declared on the request). Checks the extract's SHA-256 digest "
       "and, with "
       "--audit-key (or CTG_AUDIT_KEY), the signed receipt proving the release "
       "is in the "
       "Caf's audit trail. With -o, writes FILE and FILE.receipt.json (never "
       "overwrites "
       "without --force); otherwise prints to standard output. Each download "
       "counts "
       "against the approval's quota. Masked cells have no value; excluded "
       "territories "
       "(under 100 allocataires) have no figure.",
       {{"output", true, false, 'o'}, {"force", false}, {"audit-key"}},
       Get});
  RegisterExtractVerifyCommand(commands);
}

}  // namespace ctg::cli
