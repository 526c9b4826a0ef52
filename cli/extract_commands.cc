// ctg extract get: a commune downloads an approved extract, checks its
// digest and its signed receipt, and saves both.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
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

int Get(const Args& args) {
  if (args.positionals().size() != 1) {
    return ReportError(
        absl::InvalidArgumentError("give exactly one request ID"), kExitUsage);
  }
  std::string format = args.Get("format", "csv");
  if (format != "csv" && format != "json") {
    return ReportError(absl::InvalidArgumentError(absl::StrCat(
                           "--format ", format, ": expected csv or json")),
                       kExitUsage);
  }
  std::string output = args.Get("output");
  // Checked before contacting the gateway: a refused overwrite must not
  // spend a download.
  if (!output.empty() && std::filesystem::exists(output) &&
      !args.Has("force")) {
    return ReportError(absl::InvalidArgumentError(absl::StrCat(
                           output, " exists: pass --force to overwrite it")),
                       kExitUsage);
  }
  std::optional<audit::NoteVerifier> key;
  std::string key_path = args.Get(
      "audit-key",
      std::getenv("CTG_AUDIT_KEY") ? std::getenv("CTG_AUDIT_KEY") : "");
  if (!key_path.empty()) {
    std::ifstream in(key_path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = audit::NoteVerifier::FromKeyText(text.str());
    if (!in || !parsed.ok()) {
      return ReportError(
          absl::InvalidArgumentError(absl::StrCat(
              "--audit-key ", key_path, ": not a readable public key")),
          kExitUsage);
    }
    key = *parsed;
  }
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Extracts::NewStub(conn->channel);
  auto context = NewContext(args, 600);
  ctg::v1::GetExtractRequest request;
  request.set_request_id(args.positionals()[0]);
  auto reader = stub->GetExtract(context.get(), request);
  ctg::v1::ExtractChunk chunk;
  ctg::v1::ExtractHeader header;
  std::vector<ctg::v1::ExtractCell> cells;
  std::optional<ctg::v1::ExtractTrailer> trailer;
  while (reader->Read(&chunk)) {
    if (chunk.has_header()) header = chunk.header();
    if (chunk.has_cells()) {
      for (const auto& c : chunk.cells().cells()) cells.push_back(c);
      if (header.cell_count() >= 20000) {
        std::fprintf(stderr, "\rctg: received %zu of %lld cells", cells.size(),
                     static_cast<long long>(header.cell_count()));
      }
    }
    if (chunk.has_trailer()) trailer = chunk.trailer();
  }
  if (header.cell_count() >= 20000) std::fprintf(stderr, "\n");
  grpc::Status status = reader->Finish();
  if (!status.ok()) return ReportRpcError(status);
  std::string csv;
  extract::ExtractCsvWriter writer(
      [&csv](absl::string_view s) { csv.append(s.data(), s.size()); });
  writer.WriteHeader(header);
  for (const auto& c : cells) writer.WriteCell(c);
  std::string digest = writer.FinishDigest();
  if (!trailer || trailer->sha256() != digest ||
      static_cast<int64_t>(cells.size()) != header.cell_count()) {
    return ReportError(
        absl::DataLossError(
            absl::StrCat("the extract received does not match its digest (got ",
                         digest, "): discard it and download again")),
        kExitVerifyFailed);
  }
  std::string receipt_note =
      "receipt not verified (give --audit-key or CTG_AUDIT_KEY)";
  if (key) {
    auto event = extract::VerifyReceipt(trailer->receipt(), digest,
                                        header.request_id(), *key);
    if (!event.ok()) return ReportError(event.status(), kExitVerifyFailed);
    receipt_note = absl::StrCat("receipt verified: audit event ",
                                event->sequence, " in a checkpoint of ",
                                trailer->receipt().tree_size(), " events");
    std::vector<ctg::v1::ReleaseAgreement> agreements(
        trailer->receipt().agreements().begin(),
        trailer->receipt().agreements().end());
    auto verified =
        extract::VerifyReleaseAgreements(*event, agreements, digest, *key);
    if (!verified.ok())
      return ReportError(verified.status(), kExitVerifyFailed);
  }
  std::string body =
      format == "json" ? ExtractJson(header, cells, digest) : csv;
  if (output.empty()) {
    std::cout << body;
  } else {
    if (auto s = WriteFile(output, body); !s.ok())
      return ReportError(s, kExitFailed);
    if (auto s = WriteFile(output + ".receipt.json",
                           extract::ReceiptJson(trailer->receipt()));
        !s.ok()) {
      return ReportError(s, kExitFailed);
    }
  }
  std::fprintf(stderr,
               "ctg: extract %s of %s: %zu cells, sha256 %s verified; %s\n",
               header.extract_id().c_str(), header.request_id().c_str(),
               cells.size(), digest.c_str(), receipt_note.c_str());
  std::fprintf(
      stderr, "ctg: cite it as \"%s\"; use it only for the declared purpose.\n",
      header.source_mention().c_str());
  // R3: the onward transfers the Caf agreed to, in force at this release.
  for (const ctg::v1::ReleaseAgreement& a : trailer->receipt().agreements()) {
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
