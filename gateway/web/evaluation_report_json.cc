#include "gateway/web/evaluation_report_json.h"

#include "absl/strings/str_cat.h"
#include "policy/evaluation_report.h"
#include "report/evaluation_json.h"

namespace ctg::gateway::web {

absl::StatusOr<std::string> EvaluationReportJson(
    const std::vector<ctg::v1::DataRequest>& requests, absl::CivilDay from,
    absl::CivilDay to, absl::TimeZone zone) {
  if (to < from)
    return absl::InvalidArgumentError(
        "to: the last day is before the first (from)");
  std::vector<policy::RequestRecord> records;
  for (const ctg::v1::DataRequest& r : requests) {
    auto record = report::RequestRecordOf(r);
    // The gateway's own message: a request without a state is its fault.
    if (!record.ok()) return absl::InternalError(record.status().message());
    records.push_back(*std::move(record));
  }
  auto report = policy::BuildEvaluationReport(
      records, absl::FromCivil(from, zone), absl::FromCivil(to + 1, zone));
  if (!report.ok()) return report.status();
  return absl::StrCat(
      "{\"from\":\"", absl::FormatCivilTime(from), "\",\"to\":\"",
      absl::FormatCivilTime(to),
      "\",\"total\":", report::FiguresJson(report->total),
      ",\"conventions\":", report::ConventionsJson(report->conventions), "}");
}

}  // namespace ctg::gateway::web
