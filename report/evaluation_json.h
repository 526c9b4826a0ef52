// The evaluation report (R13) from the public messages, the part the web
// console's auditor page (gateway/web/evaluation_report_json.h) and the
// CLI's `ctg review report` share: a request's record for
// policy::BuildEvaluationReport from its ctg.v1.DataRequest, and the JSON
// of the figures, which is the same in both.
//
// Pure functions; thread-safe.
#ifndef CTG_REPORT_EVALUATION_JSON_H_
#define CTG_REPORT_EVALUATION_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/data_requests.pb.h"
#include "policy/evaluation_report.h"

namespace ctg::report {

absl::Time TimeOf(const google::protobuf::Timestamp& t);

// The record of request `r`: its convention, objective, filing, state, the
// time of its decision (the last approval, rejection or withdrawal in its
// history) and its release times. Errors: kInvalidArgument `request <id>
// has no state` for a state that is none.
absl::StatusOr<policy::RequestRecord> RequestRecordOf(
    const ctg::v1::DataRequest& r);

// {"filed":..,"approved":..,"rejected":..,"withdrawn":..,"pending":..,
//  "median_days_to_decision":<%.3f or null>,"releases":..}
std::string FiguresJson(const policy::EvaluationFigures& f);

// [{"convention_id":..,"figures":..,"objectives":[{"objective":..,
//   "figures":..},...]},...]
std::string ConventionsJson(
    const std::vector<policy::ConventionEvaluation>& conventions);

}  // namespace ctg::report

#endif  // CTG_REPORT_EVALUATION_JSON_H_
