// ctg transfer ...: onward-transfer agreements (R3). A requester of the
// commune asks, on a release it holds, the Caf's prior agreement to pass it
// to a named third party; a Caf reviewer approves or rejects with reasons.
// An extract downloaded after the Caf approved an agreement lists it in
// its own receipt (the gateway does); `ctg transfer show ID --attach FILE`
// adds a decision made since the download to the release's receipt
// (FILE.receipt.json) without downloading again, where `ctg extract verify
// FILE` checks and lists it.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "audit/canonical.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/output.h"
#include "cli/request_output.h"
#include "ctg/v1/transfer_agreements.grpc.pb.h"
#include "extract/receipt.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace ctg::cli {
namespace {

using Stub = ctg::v1::TransferAgreements::Stub;
using Decision = ctg::v1::DecideTransferAgreementRequest;

std::string StateName(ctg::v1::TransferAgreementState s) {
  return ctg::v1::TransferAgreementState_Name(s);
}

void Print(const ctg::v1::TransferAgreement& a, bool json) {
  if (json) {
    std::cout << ToJson(a) << "\n";
    return;
  }
  std::cout << a.id() << "  " << StateName(a.state()) << "  release "
            << a.extract_id() << " (request " << a.request_id() << ", commune "
            << a.commune() << ")\n"
            << "  recipient     " << a.recipient() << "\n"
            << "  purpose       " << a.purpose() << "\n"
            << "  requester     " << a.requester() << "  (asked "
            << TimeText(a.create_time()) << ")\n";
  if (!a.reviewer().empty()) {
    std::cout << "  decided       " << TimeText(a.decide_time()) << " by "
              << a.reviewer() << ": " << a.decision_reasons() << "\n";
  }
  if (!a.end_reason().empty())
    std::cout << "  ended         " << a.end_reason() << "\n";
  if (a.decision_audit_sequence() != 0) {
    std::cout << "  receipt       audit event " << a.decision_audit_sequence()
              << " in a signed checkpoint of "
              << a.decision_receipt().tree_size() << " events\n";
  }
}

// The digest the release event of a saved receipt records ("" if none).
std::string ReleasedDigest(const google::protobuf::Struct& receipt) {
  auto hex = receipt.fields().find("event_canonical_hex");
  if (hex == receipt.fields().end()) return "";
  auto event = audit::DecodeCanonical(
      absl::HexStringToBytes(hex->second.string_value()));
  return event.ok() ? extract::EventFact(*event, "sha256") : "";
}

// Adds (or replaces) `a` in the "agreements" list of the release receipt
// at `receipt_path`, with its decision's receipt.
absl::Status Attach(const ctg::v1::TransferAgreement& a,
                    const std::string& receipt_path) {
  std::ifstream in(receipt_path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--attach: cannot read ", receipt_path,
        " (the receipt `ctg extract get -o FILE` saved beside the extract)"));
  }
  google::protobuf::Struct receipt;
  if (!google::protobuf::util::JsonStringToMessage(buffer.str(), &receipt)
           .ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(receipt_path, ": not valid JSON"));
  }
  if (a.decision_audit_sequence() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("agreement ", a.id(), " has no decision to attach yet"));
  }
  // Refused before writing: a decision attached to another release's
  // receipt would only make `ctg extract verify` fail later.
  const std::string released = ReleasedDigest(receipt);
  if (released != a.extract_sha256()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--attach: ", receipt_path, " is the receipt of another release (",
        released.empty() ? "no release event" : "sha256 " + released,
        "); agreement ", a.id(), " is on release ", a.extract_id(), " (sha256 ",
        a.extract_sha256(), ")"));
  }
  google::protobuf::Struct decision;
  if (!google::protobuf::util::JsonStringToMessage(
           extract::ReceiptJson(a.decision_receipt()), &decision)
           .ok()) {
    return absl::InternalError("the decision's receipt is not valid JSON");
  }
  google::protobuf::Struct entry;
  auto& f = *entry.mutable_fields();
  f["id"].set_string_value(a.id());
  f["recipient"].set_string_value(a.recipient());
  f["purpose"].set_string_value(a.purpose());
  f["state"].set_string_value(StateName(a.state()));
  *f["receipt"].mutable_struct_value() = decision;
  google::protobuf::ListValue* list =
      (*receipt.mutable_fields())["agreements"].mutable_list_value();
  google::protobuf::ListValue kept;
  for (const auto& v : list->values()) {
    auto it = v.struct_value().fields().find("id");
    if (it == v.struct_value().fields().end() ||
        it->second.string_value() != a.id()) {
      *kept.add_values() = v;
    }
  }
  *kept.add_values()->mutable_struct_value() = entry;
  *list = kept;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(receipt, &text).ok()) {
    return absl::InternalError("cannot write the receipt");
  }
  std::ofstream(receipt_path, std::ios::binary | std::ios::trunc)
      << text << "\n";
  return absl::OkStatus();
}

int Run(const Args& args,
        const std::function<grpc::Status(Stub&, grpc::ClientContext*,
                                         ctg::v1::TransferAgreement*)>& call) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::TransferAgreements::NewStub(conn->channel);
  auto context = NewContext(args);
  ctg::v1::TransferAgreement out;
  grpc::Status status = call(*stub, context.get(), &out);
  if (!status.ok()) return ReportRpcError(status);
  Print(out, args.Get("format") == "json");
  if (args.Has("attach")) {
    std::string path = args.Get("attach") + ".receipt.json";
    if (absl::Status s = Attach(out, path); !s.ok())
      return ReportError(s, kExitFailed);
    std::cout << "attached " << out.id() << " to " << path << "\n";
  }
  return kExitOk;
}

absl::StatusOr<std::string> OneId(const Args& args, const char* example) {
  if (args.positionals().size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("give exactly one ID (e.g. ", example, ")"));
  }
  return args.positionals()[0];
}

int Ask(const Args& args) {
  auto id = OneId(args, "the extract id of a release");
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"recipient", "purpose"}); !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  ctg::v1::RequestTransferAgreementRequest request;
  request.set_extract_id(*id);
  request.set_recipient(args.Get("recipient"));
  request.set_purpose(args.Get("purpose"));
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.RequestTransferAgreement(ctx, request, out);
  });
}

int Show(const Args& args) {
  auto id = OneId(args, "AGR-000001");
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  ctg::v1::GetTransferAgreementRequest request;
  request.set_id(*id);
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.GetTransferAgreement(ctx, request, out);
  });
}

int DecideAs(const Args& args, Decision::Decision decision) {
  auto id = OneId(args, "AGR-000001");
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"reason"}); !s.ok())
    return ReportError(s, kExitUsage);
  Decision request;
  request.set_id(*id);
  request.set_decision(decision);
  request.set_reasons(args.Get("reason"));
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.DecideTransferAgreement(ctx, request, out);
  });
}

int List(const Args& args) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::TransferAgreements::NewStub(conn->channel);
  ctg::v1::ListTransferAgreementsRequest request;
  request.set_extract_id(args.Get("extract"));
  request.set_request_id(args.Get("request"));
  request.set_page_size(500);
  bool json = args.Get("format") == "json";
  Table table({"ID", "STATE", "RELEASE", "REQUEST", "COMMUNE", "RECIPIENT"});
  do {
    ctg::v1::ListTransferAgreementsResponse response;
    auto context = NewContext(args);
    grpc::Status status =
        stub->ListTransferAgreements(context.get(), request, &response);
    if (!status.ok()) return ReportRpcError(status);
    for (const auto& a : response.agreements()) {
      if (json) {
        std::cout << ToJson(a) << "\n";
      } else {
        table.Add({a.id(), StateName(a.state()), a.extract_id(), a.request_id(),
                   a.commune(), a.recipient()});
      }
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (!json) table.Print(std::cout);
  return kExitOk;
}

}  // namespace

void RegisterTransferCommands(std::vector<Command>& commands) {
  commands.push_back({"transfer",
                      "ask",
                      "EXTRACT_ID --recipient NAME --purpose TEXT",
                      "Asks the Caf's prior agreement to pass a release your "
                      "commune holds (its extract id, "
                      "printed by `ctg extract get`) to a third party, for a "
                      "stated purpose (R3; requester). "
                      "Operators declared on the request need none.",
                      {{"recipient"}, {"purpose"}},
                      Ask});
  commands.push_back(
      {"transfer",
       "list",
       "[--extract EXTRACT_ID] [--request REQUEST_ID]",
       "Lists the onward-transfer agreements you may see, newest first; "
       "--extract those on one release, --request those on the releases of "
       "one request.",
       {{"extract"}, {"request"}},
       List});
  commands.push_back(
      {"transfer",
       "show",
       "ID [--attach EXTRACT_FILE]",
       "Shows an agreement. An extract downloaded after the approval lists "
       "the agreement in its own receipt; for a decision made since your "
       "download, --attach adds its signed receipt to "
       "EXTRACT_FILE.receipt.json (no new download), where `ctg extract "
       "verify EXTRACT_FILE` checks and lists it.",
       {{"attach"}},
       Show});
  commands.push_back(
      {"transfer",
       "approve",
       "ID --reason TEXT [--attach EXTRACT_FILE]",
       "Approves an onward transfer, with reasons (Caf reviewer).",
       {{"reason"}, {"attach"}},
       [](const Args& a) { return DecideAs(a, Decision::APPROVE); }});
  commands.push_back(
      {"transfer",
       "reject",
       "ID --reason TEXT",
       "Rejects an onward transfer, with reasons (Caf reviewer).",
       {{"reason"}},
       [](const Args& a) { return DecideAs(a, Decision::REJECT); }});
}

}  // namespace ctg::cli
