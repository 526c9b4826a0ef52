#include "gateway/web/evaluation_report_json.h"

#include "report/evaluation_report_proto.h"

namespace ctg::gateway::web {

absl::StatusOr<std::string> EvaluationReportJson(const ReportInputs& inputs,
                                                 absl::CivilDay from,
                                                 absl::CivilDay to,
                                                 absl::TimeZone zone) {
  if (to < from)
    return absl::InvalidArgumentError(
        "to: the last day is before the first (from)");
  std::vector<policy::RequestRecord> records;
  for (const ctg::v1::DataRequest& r : inputs.requests) {
    absl::StatusOr<policy::RequestRecord> record = ctg::report::RecordOf(r);
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  for (const ctg::v1::CafRequest& r : inputs.caf_requests) {
    absl::StatusOr<policy::RequestRecord> record = ctg::report::RecordOf(r);
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  std::vector<policy::AgreementRecord> agreements;
  for (const ctg::v1::TransferAgreement& a : inputs.agreements)
    agreements.push_back(ctg::report::RecordOf(a));
  absl::StatusOr<policy::EvaluationReport> built =
      policy::BuildEvaluationReport(records, agreements,
                                    absl::FromCivil(from, zone),
                                    absl::FromCivil(to + 1, zone));
  if (!built.ok()) return built.status();
  return ctg::report::EvaluationReportJson(*built, from, to,
                                           inputs.not_visible);
}

}  // namespace ctg::gateway::web
