// The R13 evaluation report from the ctg.v1 messages a client lists: each
// commune's request, Caf's request to a commune and onward-transfer
// agreement as the record policy::BuildEvaluationReport counts, and the
// report as JSON. One conversion for `ctg review report` and the web
// console's report page, so that both count the same.
// Thread-safe (no state).
#ifndef CTG_REPORT_EVALUATION_REPORT_PROTO_H_
#define CTG_REPORT_EVALUATION_REPORT_PROTO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "ctg/v1/caf_requests.pb.h"
#include "ctg/v1/data_requests.pb.h"
#include "ctg/v1/transfer_agreements.pb.h"
#include "policy/evaluation_report.h"

namespace ctg::report {

// The decision time is that of the last approval, rejection or withdrawal
// in the history. Errors: kInternal naming the request when it has no
// state (only a server contradicting itself sends one).
absl::StatusOr<policy::RequestRecord> RecordOf(const ctg::v1::DataRequest& r);
// The same states, history and approval, in the other direction (R1).
absl::StatusOr<policy::RequestRecord> RecordOf(const ctg::v1::CafRequest& r);
// An ENDED agreement counts as approved if it was decided.
policy::AgreementRecord RecordOf(const ctg::v1::TransferAgreement& a);

// {"from":..., "to":..., "total":{...}, "conventions":[...],
//  "caf_requests":{...}, "agreements":{...}, "not_visible":[...]}: the
// days `from` to `to` (both included) the report covers, and the lists the
// caller's role may not read ("caf_requests", "agreements").
std::string EvaluationReportJson(const policy::EvaluationReport& report,
                                 absl::CivilDay from, absl::CivilDay to,
                                 absl::Span<const std::string> not_visible);

}  // namespace ctg::report

#endif  // CTG_REPORT_EVALUATION_REPORT_PROTO_H_
