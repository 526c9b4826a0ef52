// The R13 evaluation report of the web console's auditor page: the
// requests the caller may read (fetched through the JSON API, so audited as
// ListRequests calls) turned into policy::RequestRecord and given to
// policy::BuildEvaluationReport, as `ctg review report` does. The JSON is
// the CLI's `--format json` one.
// Thread-safe (no state).
#ifndef CTG_GATEWAY_WEB_EVALUATION_REPORT_JSON_H_
#define CTG_GATEWAY_WEB_EVALUATION_REPORT_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ctg/v1/data_requests.pb.h"

namespace ctg::gateway::web {

// Days `from` to `to` of `zone`, both included. Errors: kInvalidArgument
// when `to` is before `from`; kInternal for a request without a state.
absl::StatusOr<std::string> EvaluationReportJson(
    const std::vector<ctg::v1::DataRequest>& requests, absl::CivilDay from,
    absl::CivilDay to, absl::TimeZone zone);

}  // namespace ctg::gateway::web

#endif  // CTG_GATEWAY_WEB_EVALUATION_REPORT_JSON_H_
