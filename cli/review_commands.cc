// ctg review ...: the Caf reviewer's side of the étude d'opportunité
// (study, questions, opinions, decision, revocation) and the evaluation
// report for the steering committee (R13).
#include <iostream>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli/command.h"
#include "cli/confirm.h"
#include "cli/connection.h"
#include "cli/output.h"
#include "cli/request_output.h"
#include "cli/time_text.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "ctg/v1/transfer_agreements.grpc.pb.h"
#include "policy/evaluation_report.h"
#include "report/evaluation_report_proto.h"

namespace ctg::cli {
namespace {

using Decision = ctg::v1::DecideRequestRequest;

// --<aspect>-opinion favourable|unfavourable, `fallback` when absent.
absl::StatusOr<ctg::v1::Opinion> OpinionFlag(const Args& args,
                                             const std::string& aspect,
                                             ctg::v1::Opinion fallback) {
  std::string flag = aspect + "-opinion";
  if (!args.Has(flag)) return fallback;
  std::string value = absl::AsciiStrToLower(args.Get(flag));
  if (value == "favourable" || value == "favorable") return ctg::v1::FAVOURABLE;
  if (value == "unfavourable" || value == "unfavorable")
    return ctg::v1::UNFAVOURABLE;
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, " ", args.Get(flag),
                   ": expected favourable or unfavourable"));
}

// Sets the opinions given as --opportunity / --feasibility (their reasoning).
absl::Status SetOpinions(const Args& args, ctg::v1::Opinion fallback,
                         Decision* request) {
  if (args.Has("opportunity")) {
    auto value = OpinionFlag(args, "opportunity", fallback);
    if (!value.ok()) return value.status();
    request->mutable_opportunity()->set_opinion(*value);
    request->mutable_opportunity()->set_reasoning(args.Get("opportunity"));
  } else if (args.Has("opportunity-opinion")) {
    return absl::InvalidArgumentError(
        "--opportunity-opinion needs --opportunity REASONING");
  }
  if (args.Has("feasibility")) {
    auto value = OpinionFlag(args, "feasibility", fallback);
    if (!value.ok()) return value.status();
    request->mutable_feasibility()->set_opinion(*value);
    request->mutable_feasibility()->set_reasoning(args.Get("feasibility"));
  } else if (args.Has("feasibility-opinion")) {
    return absl::InvalidArgumentError(
        "--feasibility-opinion needs --feasibility REASONING");
  }
  return absl::OkStatus();
}

template <typename Request, typename Method>
int Simple(const Args& args, Method method,
           const std::function<void(Request&)>& fill) {
  auto id = OneRequestId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  Request request;
  request.set_id(*id);
  fill(request);
  return RunRequestCall(args, [&](auto& stub, auto* ctx, auto* out) {
    return (stub.*method)(ctx, request, out);
  });
}

int Start(const Args& args) {
  return Simple<ctg::v1::StartStudyRequest>(
      args, &ctg::v1::DataRequests::Stub::StartStudy, [](auto&) {});
}

int Ask(const Args& args) {
  if (auto s = RequireFlags(args, {"question"}); !s.ok())
    return ReportError(s, kExitUsage);
  return Simple<ctg::v1::RequestInformationRequest>(
      args, &ctg::v1::DataRequests::Stub::RequestInformation,
      [&](auto& request) {
        // One question per line of --question.
        for (absl::string_view line :
             absl::StrSplit(args.Get("question"), '\n')) {
          if (!absl::StripAsciiWhitespace(line).empty())
            request.add_questions(std::string(line));
        }
        if (request.questions_size() == 0)
          request.add_questions(args.Get("question"));
      });
}

// What revoking `id` ends: the approval as a reviewer sees it; an
// administrator, who does not read requests (R8), gets the general rule.
std::string RevocationConsequences(const Args& args, const std::string& id) {
  std::string general = absl::StrCat(
      "Revoking ", id,
      " ends its approval: no more extract can be downloaded under it, and "
      "this cannot be undone.");
  auto conn = Connect(args);
  if (!conn.ok() || RoleOf(conn->spiffe_id) != "reviewer") return general;
  auto stub = ctg::v1::DataRequests::NewStub(conn->channel);
  ctg::v1::GetRequestRequest get;
  get.set_id(id);
  ctg::v1::DataRequest r;
  auto context = NewContext(args);
  if (!stub->GetRequest(context.get(), get, &r).ok() || !r.has_approval())
    return general;
  const ctg::v1::Approval& a = r.approval();
  return absl::StrCat(
      "Revoking ", id, " (commune ", r.commune(), ", convention ",
      r.convention_id(), ", ", ctg::v1::RequestState_Name(r.state()),
      ") ends its approval:\n  ", a.scope().indicators_size(),
      " indicator(s), ", a.scope().territories_size(), " territory(ies), ",
      a.scope().periods_size(), " period(s); downloads used ",
      a.downloads_used(), " of ", a.download_quota(), ", until ",
      a.has_end_time()
          ? ApprovalEndText(absl::FromUnixSeconds(a.end_time().seconds()))
          : std::string("the convention's end"),
      ".\nNo more extract can be downloaded under it, and this cannot be "
      "undone.");
}

int Revoke(const Args& args) {
  auto id = OneRequestId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"reason"}); !s.ok())
    return ReportError(s, kExitUsage);
  absl::Status confirmed =
      ConfirmOnTerminal(args, RevocationConsequences(args, *id));
  if (absl::IsCancelled(confirmed)) return ReportError(confirmed, kExitFailed);
  if (!confirmed.ok()) return ReportError(confirmed, kExitUsage);
  return Simple<ctg::v1::RevokeRequestRequest>(
      args, &ctg::v1::DataRequests::Stub::RevokeRequest,
      [&](auto& request) { request.set_reason(args.Get("reason")); });
}

int Opinion(const Args& args) {
  auto id = OneRequestId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  Decision request;
  request.set_id(*id);
  if (!args.Has("opportunity") && !args.Has("feasibility")) {
    return ReportError(
        absl::InvalidArgumentError(
            "give --opportunity REASONING and/or --feasibility REASONING"),
        kExitUsage);
  }
  if (auto s = SetOpinions(args, ctg::v1::FAVOURABLE, &request); !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  return RunRequestCall(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.DecideRequest(ctx, request, out);
  });
}

int Approve(const Args& args) {
  auto id = OneRequestId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  Decision request;
  request.set_id(*id);
  request.set_decision(Decision::APPROVE);
  // An approval needs both opinions favourable (R1).
  if (args.Has("opportunity-opinion") || args.Has("feasibility-opinion")) {
    return ReportError(
        absl::InvalidArgumentError(
            "an approval's opinions are favourable; use `ctg review reject` or "
            "`ctg review opinion` for an unfavourable one"),
        kExitUsage);
  }
  if (auto s = SetOpinions(args, ctg::v1::FAVOURABLE, &request); !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  if (args.Has("until")) {
    auto day = ParseDay(args.Get("until"), "until");
    if (!day.ok()) return ReportError(day.status(), kExitUsage);
    // Valid through that day (Caf calendar): ends at the start of the next.
    int64_t end = absl::ToUnixSeconds(absl::FromCivil(*day + 1, CafZone()));
    request.mutable_end_time()->set_seconds(end);
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
  if (HasScopeFlags(args)) {
    // A narrower scope: the requested one with the lists given replaced.
    int code = kExitOk;
    auto scope = ScopeWithFlags(args, *id, &code);
    if (!scope.ok()) return code;
    *request.mutable_scope() = *scope;
  }
  return RunRequestCall(args, [&](auto& s, auto* ctx, auto* out) {
    return s.DecideRequest(ctx, request, out);
  });
}

int Reject(const Args& args) {
  auto id = OneRequestId(args);
  if (!id.ok()) return ReportError(id.status(), kExitUsage);
  if (auto s = RequireFlags(args, {"reason"}); !s.ok())
    return ReportError(s, kExitUsage);
  Decision request;
  request.set_id(*id);
  request.set_decision(Decision::REJECT);
  request.set_reasons(args.Get("reason"));
  if (auto s = SetOpinions(args, ctg::v1::UNFAVOURABLE, &request); !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  return RunRequestCall(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.DecideRequest(ctx, request, out);
  });
}

// ---------------------------------------------------------------------------
// The evaluation report (R13), from the requests and their history
// (records and JSON: report/evaluation_report_proto.h).

// R1, R3: the Caf's requests to communes and the onward-transfer
// agreements, for the report. A role that may not list them (the Caf's
// reviewers do not see the Caf's own requests) gets a note instead.
absl::Status AddCafRecords(const Args& args,
                           std::vector<policy::RequestRecord>& records,
                           std::vector<policy::AgreementRecord>& agreements,
                           std::vector<std::string>* not_visible,
                           std::string* note) {
  auto conn = Connect(args);
  if (!conn.ok()) return conn.status();
  auto caf = ctg::v1::CafRequests::NewStub(conn->channel);
  ctg::v1::ListCafRequestsRequest list;
  list.set_page_size(500);
  do {
    ctg::v1::ListCafRequestsResponse response;
    auto context = NewContext(args);
    grpc::Status status = caf->ListCafRequests(context.get(), list, &response);
    if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      absl::StrAppend(
          note,
          "the Caf's requests to communes are not visible to this role; ");
      not_visible->push_back("caf_requests");
      break;
    }
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    for (const ctg::v1::CafRequest& r : response.requests()) {
      auto record = ctg::report::RecordOf(r);
      if (!record.ok()) return record.status();
      records.push_back(*std::move(record));
    }
    list.set_page_token(response.next_page_token());
  } while (!list.page_token().empty());
  auto transfers = ctg::v1::TransferAgreements::NewStub(conn->channel);
  ctg::v1::ListTransferAgreementsRequest agreements_list;
  agreements_list.set_page_size(500);
  do {
    ctg::v1::ListTransferAgreementsResponse response;
    auto context = NewContext(args);
    grpc::Status status = transfers->ListTransferAgreements(
        context.get(), agreements_list, &response);
    if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      absl::StrAppend(
          note, "onward-transfer agreements are not visible to this role; ");
      not_visible->push_back("agreements");
      break;
    }
    if (!status.ok()) return absl::UnavailableError(status.error_message());
    for (const ctg::v1::TransferAgreement& a : response.agreements())
      agreements.push_back(ctg::report::RecordOf(a));
    agreements_list.set_page_token(response.next_page_token());
  } while (!agreements_list.page_token().empty());
  return absl::OkStatus();
}

std::string Median(const policy::EvaluationFigures& f) {
  return f.median_days_to_decision
             ? absl::StrFormat("%.1f", *f.median_days_to_decision)
             : "-";
}

std::vector<std::string> Row(const std::string& convention,
                             const std::string& objective,
                             const policy::EvaluationFigures& f) {
  return {convention,
          objective,
          absl::StrCat(f.filed),
          absl::StrCat(f.approved),
          absl::StrCat(f.rejected),
          absl::StrCat(f.withdrawn),
          absl::StrCat(f.pending),
          Median(f),
          absl::StrCat(f.releases)};
}

int Report(const Args& args) {
  if (auto s = RequireFlags(args, {"from", "to"}); !s.ok())
    return ReportError(s, kExitUsage);
  auto from_day = ParseDay(args.Get("from"), "from");
  if (!from_day.ok()) return ReportError(from_day.status(), kExitUsage);
  auto to_day = ParseDay(args.Get("to"), "to");
  if (!to_day.ok()) return ReportError(to_day.status(), kExitUsage);
  if (*to_day < *from_day) {
    return ReportError(absl::InvalidArgumentError("--to is before --from"),
                       kExitUsage);
  }
  // Days of the Caf's calendar, both included.
  absl::Time from = absl::FromCivil(*from_day, CafZone());
  absl::Time to = absl::FromCivil(*to_day + 1, CafZone());
  grpc::Status rpc_error;
  auto requests =
      FetchRequests(args, ctg::v1::REQUEST_STATE_UNSPECIFIED, "", &rpc_error);
  if (!requests.ok()) {
    if (!rpc_error.ok()) return ReportRpcError(rpc_error);
    return ReportError(requests.status(), kExitUsage);
  }
  std::vector<policy::RequestRecord> records;
  for (const ctg::v1::DataRequest& r : *requests) {
    auto record = ctg::report::RecordOf(r);
    if (!record.ok()) return ReportError(record.status(), kExitFailed);
    records.push_back(*std::move(record));
  }
  std::vector<policy::AgreementRecord> agreements;
  std::vector<std::string> not_visible;
  std::string note;
  if (absl::Status s =
          AddCafRecords(args, records, agreements, &not_visible, &note);
      !s.ok()) {
    return ReportError(s, kExitFailed);
  }
  auto report = policy::BuildEvaluationReport(records, agreements, from, to);
  if (!report.ok()) return ReportError(report.status(), kExitFailed);
  if (args.Get("format") == "json") {
    std::cout << ctg::report::EvaluationReportJson(*report, *from_day, *to_day,
                                                   not_visible)
              << "\n";
    return kExitOk;
  }
  std::cout << "Evaluation of the exchanges from " << args.Get("from") << " to "
            << args.Get("to")
            << " (R13; days of the Caf's calendar, both included)\n\n";
  Table table({"CONVENTION", "OBJECTIVE", "FILED", "APPROVED", "REJECTED",
               "WITHDRAWN", "PENDING", "MEDIAN DAYS", "RELEASES"});
  for (const auto& c : report->conventions) {
    table.Add(Row(c.convention_id, "(all objectives)", c.figures));
    for (const auto& o : c.objectives)
      table.Add(Row("", o.objective, o.figures));
  }
  table.Add(Row("TOTAL", "", report->total));
  // R1: the other direction; releases are the Caf's downloads of the
  // communes' files.
  table.Add(
      Row("CAF -> COMMUNES", "(the Caf's requests)", report->caf_requests));
  table.Print(std::cout);
  const policy::AgreementFigures& a = report->agreements;
  std::cout << "\nOnward-transfer agreements (R3): filed " << a.filed
            << ", approved " << a.approved << ", rejected " << a.rejected
            << ", median days to decision "
            << (a.median_days_to_decision
                    ? absl::StrFormat("%.1f", *a.median_days_to_decision)
                    : std::string("-"))
            << "\n";
  if (!note.empty())
    std::cout << "(" << note.substr(0, note.size() - 2) << ")\n";
  std::cout << "\nfiled, approved, rejected, withdrawn, releases: events in "
               "the window; "
               "pending: undecided at its end;\nmedian days: from filing to "
               "decision, over "
               "the decisions in the window.\n";
  return kExitOk;
}

}  // namespace

void RegisterReviewCommands(std::vector<Command>& commands) {
  commands.push_back({"review",
                      "list",
                      "[--state STATE] [--commune INSEE] [--oldest-first]",
                      "Lists requests of every commune (or one), newest first; "
                      "--oldest-first lists the queue in the order it was "
                      "filed.",
                      {{"state"}, {"commune"}, {"oldest-first", false}},
                      ListRequestsCommand});
  commands.push_back(
      {"review",
       "show",
       "ID",
       "Shows a request with its versions, questions, opinions and history.",
       {},
       ShowRequestCommand});
  commands.push_back({"review",
                      "start",
                      "ID",
                      "Takes a SUBMITTED request into study.",
                      {},
                      Start});
  commands.push_back(
      {"review",
       "ask",
       "ID --question TEXT",
       "Sends questions to the commune (UNDER_STUDY -> INFO_REQUESTED); each "
       "line of --question is one question. The commune answers with `ctg "
       "request amend`.",
       {{"question"}},
       Ask});
  commands.push_back({"review",
                      "opinion",
                      "ID [--opportunity REASONING] [--feasibility REASONING] "
                      "[--opportunity-opinion favourable|unfavourable] "
                      "[--feasibility-opinion ...]",
                      "Records an opinion of the study without deciding "
                      "(default favourable). With the "
                      "four-eyes option, each of two reviewers records one "
                      "opinion; the decision combines "
                      "them.",
                      {{"opportunity"},
                       {"feasibility"},
                       {"opportunity-opinion"},
                       {"feasibility-opinion"}},
                      Opinion});
  std::vector<FlagSpec> approve_flags = {
      {"opportunity"}, {"feasibility"},         {"until"},
      {"downloads"},   {"opportunity-opinion"}, {"feasibility-opinion"}};
  for (const FlagSpec& f : ScopeFlags()) approve_flags.push_back(f);
  commands.push_back(
      {"review", "approve",
       "ID --opportunity REASONING --feasibility REASONING [--indicator ...] "
       "[--territory ...] "
       "[--period ...] [--breakdown ...] [--until YYYY-MM-DD] [--downloads N]",
       "Approves a request under study (R1): both opinions favourable, with "
       "their reasoning "
       "(an opinion already recorded with `ctg review opinion` may be left "
       "out). Scope flags "
       "narrow that list of the requested scope; --until ends the approval "
       "after that day "
       "(default: the convention's end); --downloads sets the number of "
       "downloads (default "
       "1).",
       approve_flags, Approve});
  commands.push_back(
      {"review",
       "reject",
       "ID --reason TEXT [--opportunity REASONING] [--feasibility REASONING] "
       "[--opportunity-opinion ...] [--feasibility-opinion ...]",
       "Rejects a request under study or awaiting answers, with reasons; "
       "opinions given are "
       "unfavourable unless --*-opinion favourable.",
       {{"reason"},
        {"opportunity"},
        {"feasibility"},
        {"opportunity-opinion"},
        {"feasibility-opinion"}},
       Reject});
  commands.push_back({"review",
                      "revoke",
                      "ID --reason TEXT [--yes]",
                      "Ends an approval (reviewer, admin): no more extracts. "
                      "Shows what it ends "
                      "and asks for confirmation (--yes to skip; required "
                      "without a terminal).",
                      {{"reason"}, YesFlag()},
                      Revoke});
  commands.push_back({"review",
                      "report",
                      "--from YYYY-MM-DD --to YYYY-MM-DD",
                      "The evaluation of exchanges for the steering committee "
                      "(R13): per convention and "
                      "objective, requests filed, approvals, rejections, "
                      "withdrawals, backlog, median days "
                      "to a decision and releases, over the days from --from "
                      "to --to included.",
                      {{"from"}, {"to"}},
                      Report});
  RegisterPreviewCommand(commands);
}

}  // namespace ctg::cli
