// ctg caf-request ... and ctg commune-review ...: the Caf's requests for a
// commune's data (R1, the other direction of Article 7). The Caf's
// requester files, answers questions, withdraws and downloads the
// commune's file with its signed receipt; the commune's reviewer studies,
// asks, decides, revokes and uploads the file.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "audit/hash.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/output.h"
#include "cli/request_output.h"
#include "cli/time_text.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "extract/receipt.h"

namespace ctg::cli {
namespace {

using Stub = ctg::v1::CafRequests::Stub;
using Decision = ctg::v1::DecideRequestRequest;

std::string StateName(ctg::v1::RequestState s) {
  return ctg::v1::RequestState_Name(s);
}

std::string Indented(const std::string& text) {
  return absl::StrReplaceAll(text, {{"\n", "\n                "}});
}

std::string TemplateText(const ctg::v1::DataTemplate& t) {
  if (t.columns_size() == 0) return "none";
  std::string out = absl::StrCat("columns ", absl::StrJoin(t.columns(), ","));
  if (t.territories_size() > 0)
    absl::StrAppend(&out, "; territories ",
                    absl::StrJoin(t.territories(), ","));
  if (t.periods_size() > 0)
    absl::StrAppend(&out, "; periods ", absl::StrJoin(t.periods(), ","));
  return out;
}

void Print(const ctg::v1::CafRequest& r, bool json) {
  if (json) {
    std::cout << ToJson(r) << "\n";
    return;
  }
  std::cout << r.id() << "  " << StateName(r.state()) << "  commune "
            << r.commune() << "  convention " << r.convention_id() << "\n"
            << "  purpose       " << Indented(r.purpose()) << "\n"
            << "  objective     " << r.objective() << "\n"
            << "  requester     " << r.requester() << "  (filed "
            << TimeText(r.create_time()) << ")\n"
            << "  description   " << Indented(r.description()) << "\n"
            << "  template      " << TemplateText(r.data_template()) << "\n";
  for (const auto& rec : r.recipients())
    std::cout << "  recipient     " << rec.name() << "\n";
  std::cout << "  retention     " << r.retention_months() << " months\n";
  for (const auto* o : {&r.opportunity(), &r.feasibility()}) {
    if (o->opinion() == ctg::v1::OPINION_UNSPECIFIED) continue;
    std::cout << "  "
              << (o == &r.opportunity() ? "opportunity   " : "feasibility   ")
              << ctg::v1::Opinion_Name(o->opinion()) << " by " << o->reviewer()
              << ": " << Indented(o->reasoning()) << "\n";
  }
  if (r.has_approval()) {
    std::cout << "  approved      downloads " << r.approval().downloads_used()
              << " of " << r.approval().download_quota() << "\n";
  }
  if (r.has_upload()) {
    std::cout << "  upload        " << r.upload().sha256() << "  "
              << r.upload().size_bytes() << " bytes, " << r.upload().rows()
              << " rows, by " << r.upload().uploader() << " ("
              << TimeText(r.upload().upload_time())
              << "), no personal data attested\n";
  }
  if (!r.decision_reasons().empty()) {
    std::cout << "  reasons       " << Indented(r.decision_reasons()) << "\n";
  }
  for (int i = 0; i < r.questions_size(); ++i) {
    std::cout << "  question " << i + 1 << "    " << Indented(r.questions(i))
              << "\n";
  }
  for (const auto& h : r.history()) {
    std::cout << "  history       " << TimeText(h.time()) << "  "
              << (h.from_state() == ctg::v1::REQUEST_STATE_UNSPECIFIED
                      ? std::string("")
                      : StateName(h.from_state()) + " -> ")
              << StateName(h.to_state()) << " by " << h.actor()
              << (h.reason().empty() ? "" : ": " + Indented(h.reason()))
              << "\n";
  }
}

int Run(const Args& args,
        const std::function<grpc::Status(Stub&, grpc::ClientContext*,
                                         ctg::v1::CafRequest*)>& call) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::CafRequests::NewStub(conn->channel);
  auto context = NewContext(args);
  ctg::v1::CafRequest out;
  grpc::Status status = call(*stub, context.get(), &out);
  if (!status.ok()) return ReportRpcError(status);
  Print(out, args.Get("format") == "json");
  return kExitOk;
}

absl::StatusOr<std::string> OneId(const Args& args) {
  if (args.positionals().size() != 1) {
    return absl::InvalidArgumentError(
        "give exactly one request ID (e.g. CREQ-000001)");
  }
  return args.positionals()[0];
}

std::vector<FlagSpec> TemplateFlags() {
  return {{"column", true, true},
          {"territory", true, true},
          {"period", true, true}};
}

void ApplyTemplate(const Args& args, ctg::v1::DataTemplate* t) {
  for (const std::string& v : args.GetList("column")) t->add_columns(v);
  for (const std::string& v : args.GetList("territory")) t->add_territories(v);
  for (const std::string& v : args.GetList("period")) t->add_periods(v);
}

int Submit(const Args& args) {
  if (auto s = RequireFlags(args,
                            {"commune", "purpose", "objective", "description"});
      !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  ctg::v1::SubmitCafRequestRequest request;
  request.set_commune(args.Get("commune"));
  request.set_purpose(args.Get("purpose"));
  request.set_objective(args.Get("objective"));
  request.set_description(args.Get("description"));
  ApplyTemplate(args, request.mutable_data_template());
  for (const std::string& name : args.GetAll("recipient")) {
    ctg::v1::Recipient* r = request.add_recipients();
    r->set_kind(ctg::v1::Recipient::OWN_SERVICE);
    r->set_name(name);
  }
  int retention = 0;
  if (!absl::SimpleAtoi(args.Get("retention", "12"), &retention)) {
    return ReportError(
        absl::InvalidArgumentError("--retention: expected a number of months"),
        kExitUsage);
  }
  request.set_retention_months(retention);
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.SubmitCafRequest(ctx, request, out);
  });
}

int List(const Args& args) {
  ctg::v1::ListCafRequestsRequest request;
  if (args.Has("state")) {
    auto state = ParseRequestState(args.Get("state"));
    if (!state.ok()) return ReportError(state.status(), kExitUsage);
    request.set_state(*state);
  }
  request.set_commune(args.Get("commune"));
  request.set_page_size(500);
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::CafRequests::NewStub(conn->channel);
  bool json = args.Get("format") == "json";
  Table table({"ID", "STATE", "COMMUNE", "FILED", "OBJECTIVE", "DESCRIPTION"});
  do {
    ctg::v1::ListCafRequestsResponse response;
    auto context = NewContext(args);
    grpc::Status status =
        stub->ListCafRequests(context.get(), request, &response);
    if (!status.ok()) return ReportRpcError(status);
    for (const auto& r : response.requests()) {
      if (json) {
        std::cout << ToJson(r) << "\n";
      } else {
        table.Add({r.id(), StateName(r.state()), r.commune(),
                   TimeText(r.create_time()), r.objective(),
                   absl::StrReplaceAll(r.description(), {{"\n", " "}})});
      }
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (!json) table.Print(std::cout);
  return kExitOk;
}

int Show(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  ctg::v1::GetCafRequestRequest request;
  request.set_id(*id);
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.GetCafRequest(ctx, request, out);
  });
}

int Amend(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"answer"}); !s.ok())
    return ReportError(s, kExitUsage);
  ctg::v1::AmendCafRequestRequest request;
  request.set_id(*id);
  request.set_answer(args.Get("answer"));
  request.set_description(args.Get("description"));
  ApplyTemplate(args, request.mutable_data_template());
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.AmendCafRequest(ctx, request, out);
  });
}

int Withdraw(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  ctg::v1::WithdrawCafRequestRequest request;
  request.set_id(*id);
  request.set_reason(args.Get("reason"));
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.WithdrawCafRequest(ctx, request, out);
  });
}

int Start(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  ctg::v1::StartCafRequestStudyRequest request;
  request.set_id(*id);
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.StartCafRequestStudy(ctx, request, out);
  });
}

int Ask(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"question"}); !s.ok())
    return ReportError(s, kExitUsage);
  ctg::v1::RequestCafRequestInformationRequest request;
  request.set_id(*id);
  for (const std::string& q : args.GetAll("question")) request.add_questions(q);
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.RequestCafRequestInformation(ctx, request, out);
  });
}

int Approve(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"opportunity", "feasibility"}); !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  ctg::v1::DecideCafRequestRequest request;
  request.set_id(*id);
  request.set_decision(Decision::APPROVE);
  request.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
  request.mutable_opportunity()->set_reasoning(args.Get("opportunity"));
  request.mutable_feasibility()->set_opinion(ctg::v1::FAVOURABLE);
  request.mutable_feasibility()->set_reasoning(args.Get("feasibility"));
  if (args.Has("until")) {
    auto day = ParseDay(args.Get("until"), "until");
    if (!day.ok()) return ReportError(day.status(), kExitUsage);
    request.mutable_end_time()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(*day + 1, CafZone())));
  }
  if (args.Has("downloads")) {
    int n = 0;
    if (!absl::SimpleAtoi(args.Get("downloads"), &n)) {
      return ReportError(
          absl::InvalidArgumentError("--downloads: expected a number"),
          kExitUsage);
    }
    request.set_download_quota(n);
  }
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.DecideCafRequest(ctx, request, out);
  });
}

int Reject(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"reason"}); !s.ok())
    return ReportError(s, kExitUsage);
  ctg::v1::DecideCafRequestRequest request;
  request.set_id(*id);
  request.set_decision(Decision::REJECT);
  request.set_reasons(args.Get("reason"));
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.DecideCafRequest(ctx, request, out);
  });
}

int Revoke(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"reason"}); !s.ok())
    return ReportError(s, kExitUsage);
  ctg::v1::RevokeCafRequestRequest request;
  request.set_id(*id);
  request.set_reason(args.Get("reason"));
  return Run(args, [&](Stub& s, auto* ctx, auto* out) {
    return s.RevokeCafRequest(ctx, request, out);
  });
}

int Upload(const Args& args) {
  if (args.positionals().size() != 2) {
    return ReportError(
        absl::InvalidArgumentError("give the request ID and the FILE.csv"),
        kExitUsage);
  }
  if (!args.Has("no-personal-data")) {
    return ReportError(
        absl::InvalidArgumentError(
            "--no-personal-data is required: attest that the file holds no "
            "personal data (aggregates only)"),
        kExitUsage);
  }
  const std::string& path = args.positionals()[1];
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    return ReportError(absl::InvalidArgumentError(
                           absl::StrCat(path, ": cannot read the file")),
                       kExitUsage);
  }
  const std::string content = buffer.str();
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::CafRequests::NewStub(conn->channel);
  auto context = NewContext(args, 300);
  ctg::v1::CafRequestUpload out;
  auto writer = stub->UploadCafRequestData(context.get(), &out);
  ctg::v1::UploadCafRequestDataChunk chunk;
  chunk.mutable_header()->set_request_id(args.positionals()[0]);
  chunk.mutable_header()->set_sha256(audit::HashToHex(audit::Sha256(content)));
  chunk.mutable_header()->set_no_personal_data(true);
  writer->Write(chunk);
  for (size_t i = 0; i < content.size(); i += 1 << 20) {
    chunk.set_data(content.substr(i, 1 << 20));
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return ReportRpcError(status);
  if (args.Get("format") == "json") {
    std::cout << ToJson(out) << "\n";
  } else {
    std::cout << "uploaded " << out.request_id() << ": sha256 " << out.sha256()
              << ", " << out.size_bytes() << " bytes, " << out.rows()
              << " rows; audit event " << out.receipt().audit_sequence()
              << "\n";
  }
  if (args.Has("receipt")) {
    std::ofstream(args.Get("receipt")) << extract::ReceiptJson(out.receipt());
  }
  return kExitOk;
}

int Download(const Args& args) {
  auto id = OneId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"output"}); !s.ok())
    return ReportError(s, kExitUsage);
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::CafRequests::NewStub(conn->channel);
  auto context = NewContext(args, 300);
  ctg::v1::GetCafRequestDataRequest request;
  request.set_request_id(*id);
  auto reader = stub->GetCafRequestData(context.get(), request);
  ctg::v1::CafRequestDataChunk chunk;
  ctg::v1::CafRequestUpload upload;
  ctg::v1::ReleaseReceipt receipt;
  std::string content;
  while (reader->Read(&chunk)) {
    if (chunk.has_upload()) upload = chunk.upload();
    if (chunk.has_data()) content += chunk.data();
    if (chunk.has_receipt()) receipt = chunk.receipt();
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return ReportRpcError(status);
  std::string digest = audit::HashToHex(audit::Sha256(content));
  if (digest != upload.sha256()) {
    std::cerr << "ctg: the data received (sha256 " << digest
              << ") is not the upload (" << upload.sha256() << ")\n";
    return kExitVerifyFailed;
  }
  const std::string path = args.Get("output");
  std::ofstream(path, std::ios::binary) << content;
  std::ofstream(path + ".receipt.json") << extract::ReceiptJson(receipt);
  std::cout << "wrote " << path << " (" << content.size() << " bytes, sha256 "
            << digest << ") and " << path << ".receipt.json (audit event "
            << receipt.audit_sequence() << ")\n";
  return kExitOk;
}

}  // namespace

void RegisterCafRequestCommands(std::vector<Command>& commands) {
  std::vector<FlagSpec> submit_flags = {{"commune"},
                                        {"purpose"},
                                        {"objective"},
                                        {"description"},
                                        {"recipient", true, true},
                                        {"retention"}};
  for (const FlagSpec& f : TemplateFlags()) submit_flags.push_back(f);
  commands.push_back(
      {"caf-request", "submit",
       "--commune INSEE --purpose TEXT --objective TEXT --description TEXT "
       "[--column NAME,... "
       "[--territory CODE,...] [--period P,...]] [--recipient SERVICE ...] "
       "[--retention MONTHS]",
       "Files a request of the Caf for a commune's data (caf-requester), under "
       "that commune's "
       "convention; the commune's reviewers study it (R1). The purpose can "
       "never change (R2). "
       "--column gives the table template the commune's file must follow (its "
       "header, in "
       "order); --territory and --period then restrict the \"territory\" and "
       "\"period\" "
       "columns. --recipient names the Caf's own services receiving the data.",
       submit_flags, Submit});
  commands.push_back({"caf-request",
                      "list",
                      "[--state STATE] [--commune INSEE]",
                      "Lists the Caf's requests to communes, newest first.",
                      {{"state"}, {"commune"}},
                      List});
  commands.push_back(
      {"caf-request",
       "show",
       "ID",
       "Shows a request of the Caf with its template, opinions, upload and "
       "history.",
       {},
       Show});
  std::vector<FlagSpec> amend_flags = {{"answer"}, {"description"}};
  for (const FlagSpec& f : TemplateFlags()) amend_flags.push_back(f);
  commands.push_back(
      {"caf-request", "amend",
       "ID --answer TEXT [--description TEXT] [--column ... --territory ... "
       "--period ...]",
       "Answers the commune's questions (INFO_REQUESTED -> UNDER_STUDY); a new "
       "description or template may replace the current one.",
       amend_flags, Amend});
  commands.push_back({"caf-request",
                      "withdraw",
                      "ID [--reason TEXT]",
                      "Withdraws a request not yet decided.",
                      {{"reason"}},
                      Withdraw});
  commands.push_back(
      {"caf-request",
       "download",
       "ID -o FILE",
       "Downloads the commune's file of an APPROVED request (caf-requester), "
       "checks its SHA-256 and writes FILE and FILE.receipt.json, the signed "
       "receipt of this download (audit event, checkpoint, inclusion proof).",
       {{"output", true, false, 'o'}},
       Download});

  commands.push_back(
      {"commune-review",
       "list",
       "[--state STATE]",
       "Lists the Caf's requests to your commune (commune-reviewer).",
       {{"state"}},
       List});
  commands.push_back({"commune-review",
                      "show",
                      "ID",
                      "Shows a request of the Caf.",
                      {},
                      Show});
  commands.push_back(
      {"commune-review",
       "start",
       "ID",
       "Takes a request of the Caf into study: SUBMITTED -> UNDER_STUDY.",
       {},
       Start});
  commands.push_back(
      {"commune-review",
       "ask",
       "ID --question TEXT [--question TEXT ...]",
       "Sends questions to the Caf: UNDER_STUDY -> INFO_REQUESTED.",
       {{"question", true, true}},
       Ask});
  commands.push_back(
      {"commune-review",
       "approve",
       "ID --opportunity REASONING --feasibility REASONING [--until "
       "YYYY-MM-DD] "
       "[--downloads N]",
       "Approves with both opinions favourable (R1; with four-eyes, the two "
       "opinions come from two reviewers). --until ends the approval after "
       "that "
       "day; --downloads is how many times the Caf may download the file.",
       {{"opportunity"}, {"feasibility"}, {"until"}, {"downloads"}},
       Approve});
  commands.push_back({"commune-review",
                      "reject",
                      "ID --reason TEXT",
                      "Rejects with reasons.",
                      {{"reason"}},
                      Reject});
  commands.push_back({"commune-review",
                      "revoke",
                      "ID --reason TEXT",
                      "Ends an approval: the Caf downloads nothing more.",
                      {{"reason"}},
                      Revoke});
  commands.push_back(
      {"commune-review",
       "upload",
       "ID FILE.csv --no-personal-data [--receipt FILE]",
       "Uploads the commune's file for an APPROVED request: a UTF-8 CSV file, "
       "at "
       "most limits.max_upload_bytes, matching the approved template. "
       "--no-personal-data attests that it holds aggregates only. --receipt "
       "saves the signed receipt of the upload.",
       {{"no-personal-data", false}, {"receipt"}},
       Upload});
}

}  // namespace ctg::cli
