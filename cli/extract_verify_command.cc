// ctg extract verify FILE: re-checks, offline and at any later time, an
// extract saved by `ctg extract get -o FILE` (CSV or JSON) against the
// signed receipt saved beside it (FILE.receipt.json) and the audit public
// key: the file's digest is the one the Caf's audit trail records as
// released, for that request; and the onward-transfer agreements the
// receipt carries (R3) are the Caf's decisions on that release.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "audit/hash.h"
#include "audit/note_key.h"
#include "cli/command.h"
#include "cli/output.h"
#include "ctg/v1/extracts.pb.h"
#include "extract/extract_csv.h"
#include "extract/receipt.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace ctg::cli {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, ": cannot read the file"));
  }
  return buffer.str();
}

absl::StatusOr<google::protobuf::Struct> ParseJson(const std::string& text,
                                                   const std::string& path) {
  google::protobuf::Struct out;
  auto status = google::protobuf::util::JsonStringToMessage(text, &out);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": not valid JSON (", std::string(status.message()), ")"));
  }
  return out;
}

std::string Field(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}

// Hex text to bytes; false unless it is an even number of hex digits.
bool FromHex(const std::string& hex, std::string* out) {
  if (hex.size() % 2 != 0 ||
      hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return false;
  }
  *out = absl::HexStringToBytes(hex);
  return true;
}

// A receipt as extract::ReceiptJson writes it, already parsed.
absl::StatusOr<ctg::v1::ReleaseReceipt> ReceiptFromStruct(
    const google::protobuf::Struct& json, const std::string& path) {
  const auto& f = json.fields();
  ctg::v1::ReleaseReceipt receipt;
  auto number = [&](const char* key) -> int64_t {
    auto it = f.find(key);
    return it == f.end() ? 0 : static_cast<int64_t>(it->second.number_value());
  };
  receipt.set_audit_sequence(number("audit_sequence"));
  receipt.set_tree_size(number("tree_size"));
  receipt.set_checkpoint(Field(json, "checkpoint"));
  std::string event;
  if (!FromHex(Field(json, "event_canonical_hex"), &event) || event.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no event_canonical_hex"));
  }
  receipt.set_event(event);
  if (auto it = f.find("inclusion_proof"); it != f.end()) {
    for (const auto& h : it->second.list_value().values()) {
      std::string bytes;
      if (!FromHex(h.string_value(), &bytes)) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": inclusion_proof: not hex"));
      }
      receipt.add_inclusion_proof(bytes);
    }
  }
  // R11: a release under a termination notice (checked against its event).
  if (auto it = f.find("convention_end"); it != f.end()) {
    const google::protobuf::Struct& e = it->second.struct_value();
    ctg::v1::ConventionEndNotice* end = receipt.mutable_convention_end();
    end->set_convention_id(Field(e, "convention_id"));
    end->set_notice_date(Field(e, "notice_date"));
    end->set_end_date(Field(e, "end_date"));
    end->set_effective_date(Field(e, "effective_date"));
    end->set_conditions(Field(e, "conditions"));
  }
  return receipt;
}

// The receipt saved by `ctg extract get` (extract::ReceiptJson).
absl::StatusOr<ctg::v1::ReleaseReceipt> ParseReceipt(const std::string& text,
                                                     const std::string& path) {
  auto json = ParseJson(text, path);
  if (!json.ok()) return json.status();
  return ReceiptFromStruct(*json, path);
}

// R3: the onward-transfer agreements the release's receipt carries: those
// the gateway listed at the release (named by its signed event) and those
// attached since (`ctg transfer show ID --attach FILE`). Each one's
// decision receipt must verify and concern this very release, and every
// agreement the release names must be there; printed one per line.
// Errors (kDataLoss) name the agreement.
absl::Status VerifyAgreements(const std::string& receipt_text,
                              const std::string& path,
                              const audit::Event& release,
                              const std::string& release_sha256,
                              const audit::NoteVerifier& key) {
  auto json = ParseJson(receipt_text, path);
  if (!json.ok()) return json.status();
  std::vector<ctg::v1::ReleaseAgreement> carried;
  std::vector<std::string> claimed_states;  // as the receipt's text says
  if (auto list = json->fields().find("agreements");
      list != json->fields().end()) {
    for (const auto& v : list->second.list_value().values()) {
      const google::protobuf::Struct& a = v.struct_value();
      ctg::v1::ReleaseAgreement agreement;
      agreement.set_id(Field(a, "id"));
      agreement.set_recipient(Field(a, "recipient"));
      agreement.set_purpose(Field(a, "purpose"));
      claimed_states.push_back(Field(a, "state"));
      auto receipt_field = a.fields().find("receipt");
      if (receipt_field == a.fields().end()) {
        return absl::DataLossError(
            absl::StrCat("agreement ", agreement.id(), ": no receipt"));
      }
      auto receipt =
          ReceiptFromStruct(receipt_field->second.struct_value(), path);
      if (!receipt.ok()) return receipt.status();
      *agreement.mutable_decision_receipt() = *receipt;
      carried.push_back(std::move(agreement));
    }
  }
  auto verified =
      extract::VerifyReleaseAgreements(release, carried, release_sha256, key);
  if (!verified.ok()) return verified.status();
  // The state the receipt's text shows agrees with the signed decision
  // (an approval may have ended since: ENDED is not checked).
  for (size_t i = 0; i < verified->size(); ++i) {
    const extract::VerifiedAgreement& a = (*verified)[i];
    const std::string& claimed = claimed_states[i];
    if ((claimed == "AGREEMENT_APPROVED" && !a.approved) ||
        (claimed == "AGREEMENT_REJECTED" && a.approved)) {
      return absl::DataLossError(absl::StrCat(
          "agreement ", a.id, ": the receipt shows it ", claimed,
          " but the Caf's decision was ", a.approved ? "APPROVE" : "REJECT"));
    }
  }
  for (const extract::VerifiedAgreement& a : *verified) {
    std::cout << "  agreement " << a.id << ": onward transfer to "
              << a.recipient << " " << (a.approved ? "APPROVED" : "REJECTED")
              << " by the Caf (" << a.reasons << "), audit event "
              << a.decision_sequence << "; "
              << (a.listed_by_release
                      ? "in force at the release (listed by its audit event)"
                      : "attached to the receipt after the release")
              << "\n";
  }
  return absl::OkStatus();
}

struct SavedExtract {
  std::string request_id;
  std::string sha256;  // of the canonical CSV bytes
  int64_t cells = 0;
};

// A CSV extract is the canonical bytes themselves.
SavedExtract FromCsv(const std::string& bytes) {
  SavedExtract out;
  for (absl::string_view line : absl::StrSplit(bytes, '\n')) {
    if (absl::StartsWith(line, "request_id,")) {
      out.request_id = std::string(line.substr(11));
      break;
    }
  }
  size_t table = bytes.find("\nterritory,level,period,");
  if (table != std::string::npos) {
    out.cells = std::count(bytes.begin() + table + 1, bytes.end(), '\n') - 1;
  }
  out.sha256 = audit::HashToHex(audit::Sha256(bytes));
  return out;
}

// The recipients text of the JSON back to messages that print the same.
void SetRecipients(const std::string& text, ctg::v1::ExtractHeader* header) {
  if (text.empty()) return;
  ctg::v1::Recipient* r = header->add_recipients();
  if (absl::StartsWith(text, "operator:") &&
      text.find(':', 9) != std::string::npos) {
    size_t colon = text.find(':', 9);
    r->set_kind(ctg::v1::Recipient::OPERATOR);
    r->set_operator_person(text.substr(9, colon - 9));
    r->set_name(text.substr(colon + 1));
  } else {
    r->set_kind(ctg::v1::Recipient::OWN_SERVICE);
    r->set_name(absl::StartsWith(text, "own:") ? text.substr(4) : text);
  }
}

// A JSON extract is rendered back to the canonical CSV, whose digest the
// receipt names.
absl::StatusOr<SavedExtract> FromJson(const std::string& text,
                                      const std::string& path) {
  auto json = ParseJson(text, path);
  if (!json.ok()) return json.status();
  ctg::v1::ExtractHeader header;
  header.set_source_mention(Field(*json, "source"));
  header.set_extract_id(Field(*json, "extract_id"));
  header.set_request_id(Field(*json, "request_id"));
  header.set_commune(Field(*json, "commune"));
  header.set_convention_id(Field(*json, "convention_id"));
  header.set_purpose(Field(*json, "purpose"));
  header.set_objective(Field(*json, "objective"));
  header.set_base_version(Field(*json, "base_version"));
  SetRecipients(Field(*json, "recipients"), &header);
  extract::ExtractCsvWriter writer;
  writer.WriteHeader(header);
  auto cells = json->fields().find("cells");
  if (cells == json->fields().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no \"cells\" list"));
  }
  for (const auto& v : cells->second.list_value().values()) {
    const google::protobuf::Struct& c = v.struct_value();
    ctg::v1::ExtractCell cell;
    cell.set_territory(Field(c, "territory"));
    std::string level = Field(c, "level");
    cell.set_level(level == "commune" ? ctg::v1::COMMUNE
                   : level == "iris"  ? ctg::v1::IRIS
                   : level == "qpv"   ? ctg::v1::QPV
                                      : ctg::v1::TERRITORY_LEVEL_UNSPECIFIED);
    cell.set_period(Field(c, "period"));
    cell.set_indicator(Field(c, "indicator"));
    cell.set_breakdown(Field(c, "breakdown"));
    cell.set_category(Field(c, "category"));
    std::string status = Field(c, "status");
    cell.set_status(status == "published"  ? ctg::v1::PUBLISHED
                    : status == "excluded" ? ctg::v1::EXCLUDED
                                           : ctg::v1::MASKED);
    if (auto value = c.fields().find("value"); value != c.fields().end()) {
      double number = value->second.number_value();
      if (number != static_cast<double>(static_cast<int64_t>(number))) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": a value is not a whole number"));
      }
      cell.set_value(static_cast<int64_t>(number));
    }
    writer.WriteCell(cell);
  }
  SavedExtract out;
  out.request_id = header.request_id();
  out.cells = writer.cells();
  out.sha256 = writer.FinishDigest();
  if (std::string stated = Field(*json, "sha256");
      !stated.empty() && stated != out.sha256) {
    return absl::DataLossError(absl::StrCat(
        path, ": its content does not match the sha256 it states (", stated,
        "; content ", out.sha256, "): the file was changed"));
  }
  return out;
}

int Verify(const Args& args) {
  if (args.positionals().size() != 1) {
    return ReportError(
        absl::InvalidArgumentError("give exactly one extract FILE"),
        kExitUsage);
  }
  const std::string& path = args.positionals()[0];
  std::string receipt_path = args.Get("receipt", path + ".receipt.json");
  std::string key_path = args.Get(
      "audit-key",
      std::getenv("CTG_AUDIT_KEY") ? std::getenv("CTG_AUDIT_KEY") : "");
  if (key_path.empty()) {
    return ReportError(
        absl::InvalidArgumentError(
            "--audit-key is required (or set CTG_AUDIT_KEY): the Caf's audit "
            "public key"),
        kExitUsage);
  }
  auto key_text = ReadFile(key_path, "--audit-key");
  if (!key_text.ok()) return ReportError(key_text.status(), kExitUsage);
  auto key = audit::NoteVerifier::FromKeyText(*key_text);
  if (!key.ok()) {
    return ReportError(absl::InvalidArgumentError(absl::StrCat(
                           "--audit-key ", key_path, ": not a public key (",
                           key.status().message(), ")")),
                       kExitUsage);
  }
  auto bytes = ReadFile(path, "extract");
  if (!bytes.ok()) return ReportError(bytes.status(), kExitUsage);
  auto receipt_text = ReadFile(receipt_path, "receipt");
  if (!receipt_text.ok()) {
    return ReportError(
        absl::InvalidArgumentError(absl::StrCat(
            receipt_text.status().message(),
            " (saved beside the extract by `ctg extract get -o FILE`; or give "
            "--receipt FILE)")),
        kExitUsage);
  }
  auto receipt = ParseReceipt(*receipt_text, receipt_path);
  if (!receipt.ok()) return ReportError(receipt.status(), kExitVerifyFailed);
  bool json = !bytes->empty() && (*bytes)[0] == '{';
  auto saved = json ? FromJson(*bytes, path)
                    : absl::StatusOr<SavedExtract>(FromCsv(*bytes));
  if (!saved.ok()) return ReportError(saved.status(), kExitVerifyFailed);
  if (saved->request_id.empty()) {
    return ReportError(absl::DataLossError(absl::StrCat(
                           path, ": no request_id: not an extract")),
                       kExitVerifyFailed);
  }
  auto event =
      extract::VerifyReceipt(*receipt, saved->sha256, saved->request_id, *key);
  if (!event.ok()) {
    return ReportError(
        absl::DataLossError(absl::StrCat(
            path, " does not match its receipt: ", event.status().message())),
        kExitVerifyFailed);
  }
  std::cout << "OK: " << path << " (" << (json ? "JSON" : "CSV") << ", "
            << saved->cells << " cells, sha256 " << saved->sha256
            << ") is the extract released for " << saved->request_id
            << ": audit event " << event->sequence << ", in a checkpoint of "
            << receipt->tree_size() << " events signed by the audit key\n";
  if (receipt->has_convention_end()) {  // R11, checked against the event
    std::cout << "  released under a termination notice: convention "
              << receipt->convention_end().convention_id() << " ends on "
              << receipt->convention_end().end_date()
              << " (recorded by its audit event)\n";
  }
  if (absl::Status s = VerifyAgreements(*receipt_text, receipt_path, *event,
                                        saved->sha256, *key);
      !s.ok()) {
    return ReportError(s, kExitVerifyFailed);
  }
  return kExitOk;
}

}  // namespace

void RegisterExtractVerifyCommand(std::vector<Command>& commands) {
  commands.push_back({"extract",
                      "verify",
                      "FILE [--receipt FILE.receipt.json] --audit-key PUBKEY",
                      "Re-checks, offline and at any time, an extract saved by "
                      "`ctg extract get -o FILE` "
                      "(CSV or JSON): its content has the digest its signed "
                      "receipt records, the receipt's "
                      "audit event is the release of that request, and the "
                      "event is in a checkpoint signed "
                      "by the Caf's audit key (--audit-key or CTG_AUDIT_KEY). "
                      "Lists the onward-transfer agreements the receipt "
                      "carries (in force at the release, or attached since "
                      "with `ctg transfer show ID --attach FILE`), each "
                      "checked. Exit code 3 when anything differs.",
                      {{"receipt"}, {"audit-key"}},
                      Verify});
}

}  // namespace ctg::cli
