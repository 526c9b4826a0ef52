// ctg request ...: the commune requester's side of the étude d'opportunité
// (file, follow, answer questions, withdraw), and what `ctg review ...`
// shares with it (request_output.h).
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/filters.h"
#include "cli/output.h"
#include "cli/request_output.h"
#include "cli/time_text.h"
#include "ctg/v1/transfer_agreements.grpc.pb.h"

namespace ctg::cli {
namespace {

std::string StateName(ctg::v1::RequestState s) {
  return ctg::v1::RequestState_Name(s);
}

std::string ScopeText(const ctg::v1::Scope& s) {
  std::string out =
      absl::StrCat("indicators ", absl::StrJoin(s.indicators(), ","),
                   "; territories ", absl::StrJoin(s.territories(), ","),
                   "; periods ", absl::StrJoin(s.periods(), ","));
  if (s.breakdowns_size() > 0) {
    absl::StrAppend(&out, "; breakdowns ", absl::StrJoin(s.breakdowns(), ","));
  }
  return out;
}

// Free text on continuation lines, indented under its label.
std::string Indented(const std::string& text) {
  return absl::StrReplaceAll(text, {{"\n", "\n                "}});
}

std::string OpinionText(const ctg::v1::StudyOpinion& o) {
  return absl::StrCat(ctg::v1::Opinion_Name(o.opinion()), " by ", o.reviewer(),
                      ": ", Indented(o.reasoning()));
}

std::string RecipientText(const ctg::v1::Recipient& r) {
  if (r.kind() == ctg::v1::Recipient::OPERATOR) {
    return absl::StrCat("operator ", r.operator_person(), " (", r.name(), ")");
  }
  return absl::StrCat("own service ", r.name());
}

// Text of at most `n` characters (code points), for tables.
std::string Cut(const std::string& text, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++chars > n) {
      return text.substr(0, i) + "…";
    }
  }
  return text;
}

// --recipient own:NAME | operator:PERSON:NAME. Values are split at commas
// (Args::GetList), so a piece without a kind prefix continues the previous
// name ("own:Direction de la cohésion sociale, CCAS").
absl::StatusOr<std::vector<ctg::v1::Recipient>> ParseRecipients(
    const Args& args) {
  std::vector<ctg::v1::Recipient> out;
  for (const std::string& piece : args.GetList("recipient")) {
    if (absl::StartsWith(piece, "own:")) {
      ctg::v1::Recipient r;
      r.set_kind(ctg::v1::Recipient::OWN_SERVICE);
      r.set_name(piece.substr(4));
      out.push_back(r);
    } else if (absl::StartsWith(piece, "operator:")) {
      std::string rest = piece.substr(9);
      size_t colon = rest.find(':');
      if (colon == std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("--recipient ", piece,
                         ": expected operator:PERSON:NAME (PERSON as in the "
                         "operator's certificate)"));
      }
      ctg::v1::Recipient r;
      r.set_kind(ctg::v1::Recipient::OPERATOR);
      r.set_operator_person(rest.substr(0, colon));
      r.set_name(rest.substr(colon + 1));
      out.push_back(r);
    } else if (!out.empty()) {
      out.back().set_name(absl::StrCat(out.back().name(), ",", piece));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--recipient ", piece,
                       ": expected own:NAME or operator:PERSON:NAME"));
    }
  }
  return out;
}

int Submit(const Args& args) {
  if (auto s = RequireFlags(
          args, {"purpose", "objective", "indicator", "territory", "period"});
      !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  ctg::v1::SubmitRequestRequest request;
  request.set_purpose(args.Get("purpose"));
  request.set_objective(args.Get("objective"));
  request.set_justification(args.Get("justification"));
  ApplyScopeFlags(args, request.mutable_scope());
  auto recipients = ParseRecipients(args);
  if (!recipients.ok()) return ReportError(recipients.status(), kExitUsage);
  for (const auto& r : *recipients) *request.add_recipients() = r;
  int retention = 0;
  if (!absl::SimpleAtoi(args.Get("retention", "12"), &retention)) {
    return ReportError(
        absl::InvalidArgumentError("--retention: expected a number of months"),
        kExitUsage);
  }
  request.set_retention_months(retention);
  return RunRequestCall(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.SubmitRequest(ctx, request, out);
  });
}

int Amend(const Args& args) {
  auto id = OneRequestId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"answer"}); !s.ok())
    return ReportError(s, kExitUsage);
  ctg::v1::AmendRequestRequest request;
  request.set_id(*id);
  request.set_answer(args.Get("answer"));
  request.set_justification(args.Get("justification"));
  request.set_purpose(args.Get("purpose"));
  if (HasScopeFlags(args)) {
    int code = kExitOk;
    auto scope = ScopeWithFlags(args, *id, &code);
    if (!scope.ok()) return code;
    *request.mutable_scope() = *scope;
  }
  return RunRequestCall(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.AmendRequest(ctx, request, out);
  });
}

int Withdraw(const Args& args) {
  auto id = OneRequestId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  ctg::v1::WithdrawRequestRequest request;
  request.set_id(*id);
  request.set_reason(args.Get("reason"));
  return RunRequestCall(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.WithdrawRequest(ctx, request, out);
  });
}

}  // namespace

std::string TimeText(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return LocalTimeText(absl::FromUnixSeconds(t.seconds()));
}

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text,
                                        const std::string& flag) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " ", text, ": expected a date YYYY-MM-DD"));
  }
  return day;
}

absl::StatusOr<ctg::v1::RequestState> ParseRequestState(
    const std::string& text) {
  std::string name =
      absl::AsciiStrToUpper(absl::StrReplaceAll(text, {{"-", "_"}}));
  ctg::v1::RequestState state;
  if (!ctg::v1::RequestState_Parse(name, &state) ||
      state == ctg::v1::REQUEST_STATE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--state ", text,
        ": expected submitted, under_study, info_requested, approved, "
        "rejected, withdrawn, revoked or expired"));
  }
  return state;
}

absl::StatusOr<ctg::v1::Scope> ScopeWithFlags(const Args& args,
                                              const std::string& id,
                                              int* exit_code) {
  auto conn = Connect(args);
  if (!conn.ok()) {
    *exit_code = ReportError(conn.status(), kExitUsage);
    return conn.status();
  }
  auto stub = ctg::v1::DataRequests::NewStub(conn->channel);
  ctg::v1::GetRequestRequest get;
  get.set_id(id);
  ctg::v1::DataRequest current;
  auto context = NewContext(args);
  grpc::Status status = stub->GetRequest(context.get(), get, &current);
  if (!status.ok()) {
    *exit_code = ReportRpcError(status);
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  ctg::v1::Scope scope = current.scope();
  ApplyScopeFlags(args, &scope);
  return scope;
}

std::vector<FlagSpec> ScopeFlags() {
  return {{"indicator", true, true},
          {"territory", true, true},
          {"period", true, true},
          {"breakdown", true, true}};
}

bool HasScopeFlags(const Args& args) {
  return args.Has("indicator") || args.Has("territory") || args.Has("period") ||
         args.Has("breakdown");
}

void ApplyScopeFlags(const Args& args, ctg::v1::Scope* scope) {
  auto apply = [&](const char* flag,
                   google::protobuf::RepeatedPtrField<std::string>* list) {
    if (!args.Has(flag)) return;
    list->Clear();
    for (const std::string& v : args.GetList(flag)) list->Add(std::string(v));
  };
  apply("indicator", scope->mutable_indicators());
  apply("territory", scope->mutable_territories());
  apply("period", scope->mutable_periods());
  apply("breakdown", scope->mutable_breakdowns());
}

void PrintRequest(const ctg::v1::DataRequest& r, bool json, std::ostream& out) {
  if (json) {
    out << ToJson(r) << "\n";
    return;
  }
  out << r.id() << "  " << StateName(r.state()) << "  commune " << r.commune()
      << "  convention " << r.convention_id() << "\n"
      << "  purpose       " << Indented(r.purpose()) << "\n"
      << "  objective     " << r.objective() << "\n"
      << "  requester     " << r.requester() << "  (filed "
      << TimeText(r.create_time()) << ")\n"
      << "  scope         " << ScopeText(r.scope()) << "\n";
  if (!r.justification().empty())
    out << "  justification " << Indented(r.justification()) << "\n";
  for (const auto& rec : r.recipients())
    out << "  recipient     " << RecipientText(rec) << "\n";
  out << "  retention     " << r.retention_months() << " months\n";
  if (r.has_opportunity())
    out << "  opportunity   " << OpinionText(r.opportunity()) << "\n";
  if (r.has_feasibility())
    out << "  feasibility   " << OpinionText(r.feasibility()) << "\n";
  if (r.has_approval()) {
    const ctg::v1::Approval& a = r.approval();
    out << "  approved      " << ScopeText(a.scope()) << "\n"
        << "  until         "
        << (a.has_end_time()
                ? ApprovalEndText(absl::FromUnixSeconds(a.end_time().seconds()))
                : std::string("the convention's end"))
        << (a.has_end_time() ? " included" : "") << "; downloads "
        << a.downloads_used() << " of " << a.download_quota() << "\n";
  }
  if (r.has_convention_end()) {  // R11: under a termination notice
    const ctg::v1::ConventionEndNotice& e = r.convention_end();
    out << "  convention ends " << e.end_date() << " (notice given "
        << e.notice_date() << ")\n"
        << "                " << Indented(e.conditions()) << "\n";
  }
  if (!r.decision_reasons().empty()) {
    out << "  reasons       " << Indented(r.decision_reasons()) << "\n";
  }
  for (int i = 0; i < r.questions_size(); ++i) {
    out << "  question " << i + 1 << "    " << Indented(r.questions(i)) << "\n";
  }
  for (const auto& v : r.versions()) {
    out << "  version " << v.version() << "     " << TimeText(v.create_time())
        << " by " << v.author() << ": " << ScopeText(v.scope()) << "\n";
    if (!v.answer().empty())
      out << "                answer: " << Indented(v.answer()) << "\n";
  }
  for (const auto& h : r.history()) {
    out << "  history       " << TimeText(h.time()) << "  "
        << (h.from_state() == ctg::v1::REQUEST_STATE_UNSPECIFIED
                ? std::string("")
                : StateName(h.from_state()) + " -> ")
        << StateName(h.to_state()) << " by " << h.actor()
        << (h.reason().empty() ? "" : ": " + Indented(h.reason())) << "\n";
  }
  for (const auto& o : r.opinions()) {
    out << "  opinion       " << TimeText(o.time()) << "  "
        << absl::AsciiStrToLower(
               ctg::v1::RecordedOpinion::Aspect_Name(o.aspect()))
        << " (version " << o.version() << ") " << OpinionText(o.opinion())
        << "\n";
  }
}

int RunRequestCall(const Args& args,
                   const std::function<grpc::Status(
                       ctg::v1::DataRequests::Stub&, grpc::ClientContext*,
                       ctg::v1::DataRequest*)>& call) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::DataRequests::NewStub(conn->channel);
  auto context = NewContext(args);
  ctg::v1::DataRequest out;
  grpc::Status status = call(*stub, context.get(), &out);
  if (!status.ok()) return ReportRpcError(status);
  PrintRequest(out, args.Get("format") == "json", std::cout);
  return kExitOk;
}

absl::StatusOr<std::vector<ctg::v1::DataRequest>> FetchRequests(
    const Args& args, ctg::v1::RequestState state, const std::string& commune,
    grpc::Status* rpc_error, bool oldest_first) {
  auto conn = Connect(args);
  if (!conn.ok()) return conn.status();
  auto stub = ctg::v1::DataRequests::NewStub(conn->channel);
  ctg::v1::ListRequestsRequest request;
  request.set_state(state);
  request.set_commune(commune);
  request.set_page_size(500);
  if (oldest_first) request.set_order_by("create_time");
  std::vector<ctg::v1::DataRequest> out;
  do {
    ctg::v1::ListRequestsResponse response;
    auto context = NewContext(args);
    grpc::Status status = stub->ListRequests(context.get(), request, &response);
    if (!status.ok()) {
      *rpc_error = status;
      return absl::UnavailableError(status.error_message());
    }
    for (const auto& r : response.requests()) out.push_back(r);
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

int ListRequestsCommand(const Args& args) {
  ctg::v1::RequestState state = ctg::v1::REQUEST_STATE_UNSPECIFIED;
  if (args.Has("state")) {
    auto parsed = ParseRequestState(args.Get("state"));
    if (!parsed.ok()) return ReportError(parsed.status(), kExitUsage);
    state = *parsed;
  }
  if (auto s = CheckCommuneFilter("commune", args.Get("commune")); !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  grpc::Status rpc_error;
  auto requests = FetchRequests(args, state, args.Get("commune"), &rpc_error,
                                args.Has("oldest-first"));
  if (!requests.ok()) {
    if (!rpc_error.ok()) return ReportRpcError(rpc_error);
    return ReportError(requests.status(), kExitUsage);
  }
  bool json = args.Get("format") == "json";
  Table table(
      {"ID", "STATE", "COMMUNE", "FILED", "UPDATED", "OBJECTIVE", "PURPOSE"});
  for (const auto& r : *requests) {
    if (json) {
      std::cout << ToJson(r) << "\n";
    } else {
      std::string purpose =
          absl::StrReplaceAll(r.purpose(), {{"\n", " "}, {"\t", " "}});
      table.Add({r.id(), StateName(r.state()), r.commune(),
                 TimeText(r.create_time()), TimeText(r.update_time()),
                 Cut(r.objective(), 40), Cut(purpose, 50)});
    }
  }
  if (!json) table.Print(std::cout);
  return kExitOk;
}

absl::StatusOr<std::string> OneRequestId(const Args& args) {
  if (args.positionals().size() != 1) {
    return absl::InvalidArgumentError(
        "give exactly one request ID (e.g. REQ-000042)");
  }
  return args.positionals()[0];
}

namespace {

// R3: the onward-transfer agreements on the releases of request `id`, one
// entry each (state, release, third party, purpose, decision, end), under
// the request. A caller whose role may not list agreements (an operator)
// sees none. Exit code as every command.
int PrintRequestAgreements(const Args& args, const std::string& id) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::TransferAgreements::NewStub(conn->channel);
  ctg::v1::ListTransferAgreementsRequest request;
  request.set_request_id(id);
  request.set_page_size(500);
  std::vector<ctg::v1::TransferAgreement> agreements;
  do {
    ctg::v1::ListTransferAgreementsResponse response;
    auto context = NewContext(args);
    grpc::Status status =
        stub->ListTransferAgreements(context.get(), request, &response);
    if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED)
      return kExitOk;
    if (!status.ok()) return ReportRpcError(status);
    for (const auto& a : response.agreements()) agreements.push_back(a);
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  // Oldest first, as the history.
  for (auto a = agreements.rbegin(); a != agreements.rend(); ++a) {
    std::cout << "  agreement     " << a->id() << "  "
              << ctg::v1::TransferAgreementState_Name(a->state())
              << "  release " << a->extract_id() << ", to " << a->recipient()
              << ": " << Indented(a->purpose()) << "\n";
    if (!a->reviewer().empty()) {
      std::cout << "                decided " << TimeText(a->decide_time())
                << " by " << a->reviewer() << ": "
                << Indented(a->decision_reasons()) << "\n";
    }
    if (!a->end_reason().empty())
      std::cout << "                ended: " << a->end_reason() << "\n";
  }
  return kExitOk;
}

}  // namespace

int ShowRequestCommand(const Args& args) {
  auto id = OneRequestId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  ctg::v1::GetRequestRequest request;
  request.set_id(*id);
  int code = RunRequestCall(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.GetRequest(ctx, request, out);
  });
  // JSON stays one line, the request's: `ctg transfer list --request ID`.
  if (code != kExitOk || args.Get("format") == "json") return code;
  return PrintRequestAgreements(args, *id);
}

void RegisterRequestCommands(std::vector<Command>& commands) {
  std::vector<FlagSpec> submit_flags = {{"purpose"},
                                        {"objective"},
                                        {"justification"},
                                        {"recipient", true, true},
                                        {"retention"}};
  for (const FlagSpec& f : ScopeFlags()) submit_flags.push_back(f);
  commands.push_back(
      {"request", "submit",
       "--purpose TEXT --objective TEXT --indicator CODE,... --territory "
       "CODE,... "
       "--period P,... [--breakdown CODE,...] [--recipient own:NAME | "
       "operator:PERSON:NAME ...] [--retention MONTHS] [--justification TEXT]",
       "Files a request to the Caf (requester). The purpose is the declared "
       "usage (R2): it "
       "can never change afterwards and every extract is bound to it. "
       "--objective names the "
       "convention objective served (e.g. \"Axe I.2 veille sociale "
       "territoriale\"). "
       "Indicators come from `ctg catalogue indicators`, territories from `ctg "
       "catalogue "
       "territories` (your convention's perimeter), periods from the "
       "statistical base. "
       "--recipient declares who receives the data besides the requesting "
       "services (R3): "
       "own:NAME for one of the commune's services, operator:PERSON:NAME for "
       "an analysis "
       "operator (PERSON as in its certificate). --retention is in months "
       "(default 12).",
       submit_flags, Submit});
  commands.push_back({"request",
                      "list",
                      "[--state STATE] [--oldest-first]",
                      "Lists your commune's requests, newest first (oldest "
                      "first with --oldest-first).",
                      {{"state"}, {"oldest-first", false}},
                      ListRequestsCommand});
  commands.push_back(
      {"request",
       "show",
       "ID",
       "Shows a request with its versions, questions, opinions and history, "
       "and the onward-transfer agreements asked on its releases (R3: "
       "state, third party, purpose, the Caf's decision, why one ended).",
       {},
       ShowRequestCommand});
  std::vector<FlagSpec> amend_flags = {
      {"answer"}, {"justification"}, {"purpose"}};
  for (const FlagSpec& f : ScopeFlags()) amend_flags.push_back(f);
  commands.push_back(
      {"request", "amend",
       "ID --answer TEXT [--justification TEXT] [--indicator ...] [--territory "
       "...] "
       "[--period ...] [--breakdown ...]",
       "Answers the Caf's questions on a request in INFO_REQUESTED: a new "
       "version, back to "
       "UNDER_STUDY. Scope flags replace that list of the current scope (the "
       "others are "
       "kept); the justification may change; the purpose may not (R2).",
       amend_flags, Amend});
  commands.push_back({"request",
                      "withdraw",
                      "ID [--reason TEXT]",
                      "Withdraws a request not yet decided.",
                      {{"reason"}},
                      Withdraw});
}

}  // namespace ctg::cli
