// ctg admin ...: the Caf administrator's conventions and statistical base.
#include <fstream>
#include <iostream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "audit/hash.h"
#include "cli/command.h"
#include "cli/confirm.h"
#include "cli/connection.h"
#include "cli/output.h"
#include "cli/request_output.h"
#include "cli/time_text.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "policy/convention.h"

namespace ctg::cli {
namespace {

std::string StateName(ctg::v1::ConventionState s) {
  return ctg::v1::ConventionState_Name(s);
}

void PrintConvention(const ctg::v1::Convention& c, bool json) {
  if (json) {
    std::cout << ToJson(c) << "\n";
    return;
  }
  std::cout << c.id() << "  " << c.commune() << " " << c.commune_name() << "  "
            << StateName(c.state()) << "\n"
            << "  valid        " << c.valid_from() << " to " << c.valid_until()
            << "\n"
            << "  source       Source : " << c.caf_name() << "\n"
            << "  perimeter    " << absl::StrJoin(c.perimeter(), " ") << "\n";
  if (!c.suspension_reason().empty())
    std::cout << "  suspended    " << c.suspension_reason() << "\n";
  if (!c.termination_effective_date().empty()) {
    std::cout << "  terminated   notice " << c.termination_notice_date()
              << ", effective " << c.termination_effective_date() << "\n";
  }
  for (const auto& a : c.prior_agreements()) {
    std::cout << "  prior        " << a.date() << " " << a.title() << "\n";
  }
  for (const auto& h : c.history()) {
    std::cout << "  history      " << h.action() << " by " << h.actor()
              << (h.reason().empty() ? "" : ": " + h.reason()) << "\n";
  }
}

template <typename Fn>
int WithConventions(const Args& args, Fn fn) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Conventions::NewStub(conn->channel);
  auto context = NewContext(args);
  ctg::v1::Convention out;
  grpc::Status status = fn(*stub, context.get(), &out);
  if (!status.ok()) return ReportRpcError(status);
  PrintConvention(out, args.Get("format") == "json");
  return kExitOk;
}

absl::Status NeedOneId(const Args& args) {
  if (args.positionals().size() != 1) {
    return absl::InvalidArgumentError(
        "give exactly one convention ID (e.g. CTG-33069-1)");
  }
  return absl::OkStatus();
}

int Create(const Args& args) {
  if (auto s = RequireFlags(args, {"commune", "name", "from", "until"});
      !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  ctg::v1::CreateConventionRequest request;
  ctg::v1::Convention* c = request.mutable_convention();
  c->set_commune(args.Get("commune"));
  c->set_commune_name(args.Get("name"));
  for (const std::string& t : args.GetList("perimeter")) c->add_perimeter(t);
  c->set_valid_from(args.Get("from"));
  c->set_valid_until(args.Get("until"));
  c->set_caf_name(args.Get("caf-name"));
  for (const std::string& p : args.GetList("prior")) {
    // "YYYY-MM-DD:title"
    size_t colon = p.find(':');
    ctg::v1::PriorAgreement* a = c->add_prior_agreements();
    a->set_date(p.substr(0, colon));
    a->set_title(colon == std::string::npos ? "" : p.substr(colon + 1));
  }
  return WithConventions(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.CreateConvention(ctx, request, out);
  });
}

int Show(const Args& args) {
  if (auto s = NeedOneId(args); !s.ok()) return ReportError(s, kExitUsage);
  ctg::v1::GetConventionRequest request;
  request.set_id(args.positionals()[0]);
  return WithConventions(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.GetConvention(ctx, request, out);
  });
}

int List(const Args& args) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Conventions::NewStub(conn->channel);
  bool json = args.Get("format") == "json";
  Table table({"ID", "COMMUNE", "NAME", "STATE", "VALID FROM", "VALID UNTIL"});
  ctg::v1::ListConventionsRequest request;
  request.set_page_size(500);
  do {
    ctg::v1::ListConventionsResponse response;
    auto context = NewContext(args);
    grpc::Status status =
        stub->ListConventions(context.get(), request, &response);
    if (!status.ok()) return ReportRpcError(status);
    for (const auto& c : response.conventions()) {
      if (json) {
        std::cout << ToJson(c) << "\n";
      } else {
        table.Add({c.id(), c.commune(), c.commune_name(), StateName(c.state()),
                   c.valid_from(), c.valid_until()});
      }
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (!json) table.Print(std::cout);
  return kExitOk;
}

int Suspend(const Args& args) {
  if (auto s = NeedOneId(args); !s.ok()) return ReportError(s, kExitUsage);
  if (auto s = RequireFlags(args, {"reason"}); !s.ok())
    return ReportError(s, kExitUsage);
  ctg::v1::SuspendConventionRequest request;
  request.set_id(args.positionals()[0]);
  request.set_reason(args.Get("reason"));
  return WithConventions(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.SuspendConvention(ctx, request, out);
  });
}

int Reinstate(const Args& args) {
  if (auto s = NeedOneId(args); !s.ok()) return ReportError(s, kExitUsage);
  if (auto s = RequireFlags(args, {"reason"}); !s.ok())
    return ReportError(s, kExitUsage);
  ctg::v1::ReinstateConventionRequest request;
  request.set_id(args.positionals()[0]);
  request.set_reason(args.Get("reason"));
  return WithConventions(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.ReinstateConvention(ctx, request, out);
  });
}

// What terminating `id` at `notice` will end, when it takes effect at once
// (a notice date in the past, or an effective date reached); "" otherwise.
// Errors: a date that does not parse (the gateway would refuse it too).
absl::StatusOr<std::string> ImmediateTermination(const Args& args,
                                                 const std::string& id) {
  absl::CivilDay today = absl::ToCivilDay(absl::Now(), CafZone());
  absl::CivilDay notice = today;
  if (args.Has("notice-date")) {
    auto parsed = ParseDay(args.Get("notice-date"), "notice-date");
    if (!parsed.ok()) return parsed.status();
    notice = *parsed;
  }
  std::optional<absl::CivilDay> agreed;
  if (args.Has("effective-date")) {
    auto parsed = ParseDay(args.Get("effective-date"), "effective-date");
    if (!parsed.ok()) return parsed.status();
    agreed = *parsed;
  }
  auto effective = policy::TerminationEffectiveDate(notice, agreed);  // R11
  if (!effective.ok()) {
    return absl::InvalidArgumentError(
        absl::StrReplaceAll(effective.status().message(),
                            {{"effective_date", "--effective-date"}}));
  }
  if (notice >= today && *effective > today) return std::string();
  const char* what = args.Has("correct")
                         ? "Correcting the termination of convention "
                         : "Terminating convention ";
  std::string text =
      absl::StrCat(what, id, " with notice on ", absl::FormatCivilTime(notice),
                   notice < today ? " (in the past)" : "",
                   ": it takes effect on ", absl::FormatCivilTime(*effective),
                   *effective <= today ? ", so it ends AT ONCE" : "", ".");
  auto conn = Connect(args);
  if (!conn.ok()) return conn.status();
  auto stub = ctg::v1::Conventions::NewStub(conn->channel);
  ctg::v1::GetConventionRequest get;
  get.set_id(id);
  ctg::v1::Convention convention;
  auto context = NewContext(args);
  if (stub->GetConvention(context.get(), get, &convention).ok()) {
    absl::StrAppend(
        &text, "\nThe commune ", convention.commune(), " ",
        convention.commune_name(), " (now ", StateName(convention.state()),
        ") can then file no request and download no extract under it.");
  }
  // Administrators do not see requests (R8): the approvals are not counted.
  absl::StrAppend(&text,
                  "\nEvery approved request of this convention ends with it.");
  return text;
}

int Terminate(const Args& args) {
  if (auto s = NeedOneId(args); !s.ok()) return ReportError(s, kExitUsage);
  if (auto s = RequireFlags(args, {"reason"}); !s.ok())
    return ReportError(s, kExitUsage);
  auto risk = ImmediateTermination(args, args.positionals()[0]);
  if (!risk.ok()) return ReportError(risk.status(), kExitUsage);
  if (!risk->empty()) {
    absl::Status confirmed = ConfirmOnTerminal(args, *risk);
    if (absl::IsCancelled(confirmed))
      return ReportError(confirmed, kExitFailed);
    if (!confirmed.ok()) return ReportError(confirmed, kExitUsage);
  }
  ctg::v1::TerminateConventionRequest request;
  request.set_id(args.positionals()[0]);
  request.set_notice_date(args.Get("notice-date"));
  request.set_effective_date(args.Get("effective-date"));
  request.set_reason(args.Get("reason"));
  request.set_correct(args.Has("correct"));
  return WithConventions(args, [&](auto& stub, auto* ctx, auto* out) {
    return stub.TerminateConvention(ctx, request, out);
  });
}

int Import(const Args& args) {
  if (auto s = RequireFlags(args, {"period"}); !s.ok())
    return ReportError(s, kExitUsage);
  if (args.positionals().size() != 1) {
    return ReportError(
        absl::InvalidArgumentError("give exactly one FILE.csv to import"),
        kExitUsage);
  }
  const std::string& path = args.positionals()[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ReportError(absl::InvalidArgumentError(
                           absl::StrCat(path, ": cannot read the file")),
                       kExitUsage);
  }
  // The file's digest goes in the header: the gateway imports nothing
  // unless the bytes it received have it (a stream cut short is refused).
  audit::Sha256Stream digest;
  std::string buffer(1 << 20, '\0');
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0)
    digest.Update(absl::string_view(buffer.data(), in.gcount()));
  if (in.bad()) {
    return ReportError(absl::InvalidArgumentError(
                           absl::StrCat(path, ": cannot read the file")),
                       kExitUsage);
  }
  in.clear();
  in.seekg(0);
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Statistics::NewStub(conn->channel);
  auto context = NewContext(args, 3600);
  ctg::v1::ImportStatisticsResponse response;
  auto writer = stub->ImportStatistics(context.get(), &response);
  ctg::v1::ImportStatisticsChunk chunk;
  chunk.mutable_header()->set_period(args.Get("period"));
  chunk.mutable_header()->set_file_name(
      path.substr(path.find_last_of('/') + 1));
  chunk.mutable_header()->set_sha256(audit::HashToHex(digest.Finish()));
  bool open = writer->Write(chunk);
  while (open && in) {
    in.read(buffer.data(), buffer.size());
    if (in.gcount() <= 0) break;
    chunk.set_csv_data(buffer.data(), in.gcount());
    open = writer->Write(chunk);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return ReportRpcError(status);
  if (args.Get("format") == "json") {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << (response.replaced() ? "replaced" : "imported") << " period "
              << response.period() << ": " << response.rows_imported()
              << " rows, base version " << response.base_version() << "\n";
    for (const std::string& warning : response.warnings())
      std::cout << "warning: " << warning << "\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterAdminCommands(std::vector<Command>& commands) {
  commands.push_back({"admin convention",
                      "create",
                      "--commune INSEE --name NAME --from YYYY-MM-DD --until "
                      "YYYY-MM-DD [--perimeter CODE,...] "
                      "[--caf-name NAME] [--prior YYYY-MM-DD:TITLE ...]",
                      "Records a convention with a commune (admin). The "
                      "perimeter lists the territories the "
                      "commune may ask about (its commune code, IRIS and QPV "
                      "codes); the commune code alone "
                      "covers all of them. --caf-name sets the source mention "
                      "(default: the gateway's "
                      "caf_name). --prior records an exchange agreement that "
                      "predates the convention (R12).",
                      {{"commune"},
                       {"name"},
                       {"from"},
                       {"until"},
                       {"perimeter", true, true},
                       {"caf-name"},
                       {"prior", true, true}},
                      Create});
  commands.push_back(
      {"admin convention",
       "list",
       "",
       "Lists conventions with their current state (a commune sees its own).",
       {},
       List});
  commands.push_back(
      {"admin convention",
       "show",
       "ID",
       "Shows a convention with its perimeter, state and history.",
       {},
       Show});
  commands.push_back({"admin convention",
                      "suspend",
                      "ID --reason TEXT",
                      "Suspends a convention at once (R10): the commune's next "
                      "call is refused.",
                      {{"reason"}},
                      Suspend});
  commands.push_back({"admin convention",
                      "reinstate",
                      "ID --reason TEXT",
                      "Lifts a suspension.",
                      {{"reason"}},
                      Reinstate});
  commands.push_back({"admin convention",
                      "terminate",
                      "ID --reason TEXT [--notice-date YYYY-MM-DD] "
                      "[--effective-date YYYY-MM-DD] [--correct] "
                      "[--yes]",
                      "Terminates with notice (R11): effective three months "
                      "after the notice date (default "
                      "today) unless an earlier date was agreed. When that "
                      "ends the convention at once (a "
                      "notice date in the past), shows what it ends and asks "
                      "for confirmation (--yes to "
                      "skip; required without a terminal). --correct replaces "
                      "the dates of a termination "
                      "already recorded (a date typed wrong), even one that "
                      "has taken effect; the history "
                      "keeps a \"termination-corrected\" event and the audit "
                      "trail the earlier dates.",
                      {{"reason"},
                       {"notice-date"},
                       {"effective-date"},
                       {"correct", false},
                       YesFlag()},
                      Terminate});
  commands.push_back({"admin",
                      "import",
                      "FILE.csv --period P",
                      "Loads or replaces the statistical base for one period "
                      "(docs/statistics-csv-format.md). "
                      "All or nothing: on any error nothing is imported and "
                      "the first 100 errors are printed "
                      "with their line and field.",
                      {{"period"}},
                      Import});
}

}  // namespace ctg::cli
