// ctg review preview: what the secret statistique would do to a request
// (reviewers only; reasons are never shown to communes).
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/output.h"
#include "cli/request_output.h"
#include "ctg/v1/data_requests.grpc.pb.h"

namespace ctg::cli {
namespace {

std::string ReasonWord(ctg::v1::MaskReason r) {
  switch (r) {
    case ctg::v1::SMALL_COUNT:
      return "small count (R7)";
    case ctg::v1::SECONDARY:
      return "protects another cell";
    case ctg::v1::EARLIER_RELEASE:
      return "masked in an earlier release";
    case ctg::v1::GROUP_DISCLOSURE:
      return "one category holds the whole total";
    default:
      return "masked";
  }
}

int Preview(const Args& args) {
  if (args.positionals().size() != 1) {
    return ReportError(
        absl::InvalidArgumentError("give exactly one request ID"), kExitUsage);
  }
  auto conn = Connect(args);
  if (!conn.ok()) return ReportError(conn.status(), kExitUsage);
  auto stub = ctg::v1::DataRequests::NewStub(conn->channel);
  ctg::v1::PreviewFeasibilityRequest request;
  request.set_id(args.positionals()[0]);
  if (HasScopeFlags(args)) {
    int code = kExitOk;
    auto scope = ScopeWithFlags(args, request.id(), &code);
    if (!scope.ok()) return code;
    *request.mutable_scope() = *scope;
  }
  auto context = NewContext(args, 120);
  ctg::v1::FeasibilityPreview preview;
  grpc::Status status =
      stub->PreviewFeasibility(context.get(), request, &preview);
  if (!status.ok()) return ReportRpcError(status);
  if (args.Get("format") == "json") {
    std::cout << ToJson(preview) << "\n";
    return kExitOk;
  }
  std::cout << "Feasibility of " << preview.request_id()
            << " (what an extract would release now)\n"
            << "  cells requested      " << preview.cells_total() << "\n"
            << "  published            " << preview.cells_published() << "\n"
            << "  masked, small counts " << preview.cells_masked_small() << "\n"
            << "  masked, secondary    " << preview.cells_masked_secondary()
            << "  (total value " << preview.value_suppressed() << ")\n"
            << "  masked, earlier      " << preview.cells_masked_earlier()
            << "\n"
            << "  excluded territories "
            << (preview.excluded_territories().empty()
                    ? "none"
                    : absl::StrJoin(preview.excluded_territories(), " "))
            << "  (under the R6 threshold)\n"
            << "  LP audit             "
            << (preview.audit_passed() ? "passed: no masked cell is recoverable"
                                       : "not run")
            << "\n";
  if (args.Has("cells")) {
    Table table(
        {"TERRITORY", "PERIOD", "INDICATOR", "BREAKDOWN", "CATEGORY", "WHY"});
    for (const auto& m : preview.masked()) {
      table.Add({m.territory(), m.period(), m.indicator(), m.breakdown(),
                 m.category(), ReasonWord(m.reason())});
    }
    table.Print(std::cout);
  }
  return kExitOk;
}

}  // namespace

void RegisterPreviewCommand(std::vector<Command>& commands) {
  std::vector<FlagSpec> flags = ScopeFlags();
  flags.push_back({"cells", false});
  commands.push_back({"review", "preview",
                      "ID [--indicator ...] [--territory ...] [--period ...] "
                      "[--breakdown ...] [--cells]",
                      "Shows what the secret statistique would do to the "
                      "request (or to a narrower scope given "
                      "with the scope flags) if it were released now, given "
                      "everything already released to the "
                      "commune: territories excluded (under 100 allocataires), "
                      "cells masked by reason, "
                      "information loss, LP audit. --cells lists every masked "
                      "cell with its reason. Reviewers "
                      "only: a commune never sees why a cell is masked.",
                      flags, Preview});
}

}  // namespace ctg::cli
