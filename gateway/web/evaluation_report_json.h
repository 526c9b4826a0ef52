// The R13 evaluation report of the web console's auditor page: the
// requests, the Caf's requests to communes and the onward-transfer
// agreements the caller may read (fetched through the JSON API, so audited
// as ListRequests, ListCafRequests and ListTransferAgreements calls) turned
// into policy records and given to policy::BuildEvaluationReport, as
// `ctg review report` does. The JSON is the CLI's `--format json` one, plus
// "not_visible": the lists the caller's role may not read.
// Thread-safe (no state).
#ifndef CTG_GATEWAY_WEB_EVALUATION_REPORT_JSON_H_
#define CTG_GATEWAY_WEB_EVALUATION_REPORT_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ctg/v1/caf_requests.pb.h"
#include "ctg/v1/data_requests.pb.h"
#include "ctg/v1/transfer_agreements.pb.h"

namespace ctg::gateway::web {

struct ReportInputs {
  std::vector<ctg::v1::DataRequest> requests;
  // R1, the other direction.
  std::vector<ctg::v1::CafRequest> caf_requests;
  // R3.
  std::vector<ctg::v1::TransferAgreement> agreements;
  // "caf_requests", "agreements": lists the caller's role may not read
  // (PERMISSION_DENIED), reported as such instead of as zeros.
  std::vector<std::string> not_visible;
};

// Days `from` to `to` of `zone`, both included. Errors: kInvalidArgument
// when `to` is before `from`; kInternal for a request without a state.
absl::StatusOr<std::string> EvaluationReportJson(const ReportInputs& inputs,
                                                 absl::CivilDay from,
                                                 absl::CivilDay to,
                                                 absl::TimeZone zone);

}  // namespace ctg::gateway::web

#endif  // CTG_GATEWAY_WEB_EVALUATION_REPORT_JSON_H_
