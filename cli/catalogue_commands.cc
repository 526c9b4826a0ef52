// ctg catalogue ...: what can be asked for.
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/filters.h"
#include "cli/output.h"
#include "cli/time_text.h"
#include "ctg/v1/catalogue.grpc.pb.h"

namespace ctg::cli {
namespace {

int Indicators(const Args& args) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Catalogue::NewStub(conn->channel);
  auto context = NewContext(args);
  ctg::v1::ListIndicatorsResponse response;
  grpc::Status status = stub->ListIndicators(context.get(), {}, &response);
  if (!status.ok()) return ReportRpcError(status);
  if (args.Get("format") == "json") {
    for (const auto& i : response.indicators()) std::cout << ToJson(i) << "\n";
    return kExitOk;
  }
  Table table({"CODE", "LABEL", "UNIT", "BREAKDOWNS"});
  for (const auto& i : response.indicators()) {
    std::vector<std::string> breakdowns;
    for (const auto& b : i.breakdowns()) {
      std::vector<std::string> categories;
      for (const auto& c : b.categories()) categories.push_back(c.code());
      breakdowns.push_back(
          absl::StrCat(b.code(), " (", absl::StrJoin(categories, " "), ")"));
    }
    table.Add({i.code(), i.label(),
               i.unit() == ctg::v1::COUNT ? "count" : "EUR/month",
               absl::StrJoin(breakdowns, "; ")});
  }
  table.Print(std::cout);
  return kExitOk;
}

int Territories(const Args& args) {
  if (auto s = CheckCommuneFilter("commune", args.Get("commune")); !s.ok()) {
    return ReportError(s, kExitUsage);
  }
  ctg::v1::ListTerritoriesRequest request;
  request.set_commune(args.Get("commune"));
  request.set_period(args.Get("period"));
  std::string level = args.Get("level");
  if (level == "commune")
    request.set_level(ctg::v1::COMMUNE);
  else if (level == "iris")
    request.set_level(ctg::v1::IRIS);
  else if (level == "qpv")
    request.set_level(ctg::v1::QPV);
  else if (!level.empty()) {
    return ReportError(
        absl::InvalidArgumentError("--level: expected commune, iris or qpv"),
        kExitUsage);
  }
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Catalogue::NewStub(conn->channel);
  bool json = args.Get("format") == "json";
  Table table({"CODE", "LEVEL", "NAME", "COMMUNE"});
  request.set_page_size(500);
  do {
    auto context = NewContext(args);
    ctg::v1::ListTerritoriesResponse response;
    grpc::Status status =
        stub->ListTerritories(context.get(), request, &response);
    if (!status.ok()) return ReportRpcError(status);
    for (const auto& t : response.territories()) {
      if (json) {
        std::cout << ToJson(t) << "\n";
      } else {
        std::string name = ctg::v1::TerritoryLevel_Name(t.level());
        table.Add(
            {t.code(), absl::AsciiStrToLower(name), t.name(), t.parent()});
      }
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  if (!json) table.Print(std::cout);
  return kExitOk;
}

int Periods(const Args& args) {
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::Catalogue::NewStub(conn->channel);
  auto context = NewContext(args);
  ctg::v1::ListPeriodsResponse response;
  grpc::Status status = stub->ListPeriods(context.get(), {}, &response);
  if (!status.ok()) return ReportRpcError(status);
  if (args.Get("format") == "json") {
    for (const auto& p : response.periods()) std::cout << ToJson(p) << "\n";
    return kExitOk;
  }
  if (response.periods().empty()) {
    std::cout << "no period in the statistical base you may ask about\n";
    return kExitOk;
  }
  Table table(
      {"PERIOD", "COMMUNES", "IRIS", "QPV", "BASE VERSION", "IMPORTED"});
  for (const auto& p : response.periods()) {
    table.Add(
        {p.period(), absl::StrCat(p.communes()), absl::StrCat(p.iris()),
         absl::StrCat(p.qpv()), p.base_version(),
         LocalTimeText(absl::FromUnixSeconds(p.import_time().seconds()))});
  }
  table.Print(std::cout);
  return kExitOk;
}

}  // namespace

void RegisterCatalogueCommands(std::vector<Command>& commands) {
  commands.push_back(
      {"catalogue",
       "indicators",
       "",
       "Lists the indicators that can be requested, with their breakdowns and "
       "categories (codes to use in `ctg request submit`).",
       {},
       Indicators});
  commands.push_back(
      {"catalogue",
       "territories",
       "[--commune INSEE] [--level commune|iris|qpv] [--period P]",
       "Lists territories: a commune sees the perimeter of its convention, the "
       "Caf every territory of the statistical base. --period lists those of "
       "that period (default: the latest; see `ctg catalogue periods`).",
       {{"commune"}, {"level"}, {"period"}},
       Territories});
  commands.push_back(
      {"catalogue",
       "periods",
       "",
       "Lists the periods of the statistical base (the values of --period in "
       "`ctg request submit`), with how many communes, IRIS and QPVs each "
       "covers: the whole base for the Caf, your convention's perimeter for a "
       "commune.",
       {},
       Periods});
}

}  // namespace ctg::cli
