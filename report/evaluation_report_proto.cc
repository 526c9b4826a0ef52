#include "report/evaluation_report_proto.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "base/json.h"
#include "policy/request_state.h"

namespace ctg::report {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string MedianJson(const std::optional<double>& days) {
  return days ? absl::StrFormat("%.3f", *days) : "null";
}

std::string FiguresJson(const policy::EvaluationFigures& f) {
  return absl::StrCat(
      "{\"filed\":", f.filed, ",\"approved\":", f.approved,
      ",\"rejected\":", f.rejected, ",\"withdrawn\":", f.withdrawn,
      ",\"pending\":", f.pending,
      ",\"median_days_to_decision\":", MedianJson(f.median_days_to_decision),
      ",\"releases\":", f.releases, "}");
}

std::string AgreementsJson(const policy::AgreementFigures& f) {
  return absl::StrCat("{\"filed\":", f.filed, ",\"approved\":", f.approved,
                      ",\"rejected\":", f.rejected,
                      ",\"median_days_to_decision\":",
                      MedianJson(f.median_days_to_decision), "}");
}

}  // namespace

absl::StatusOr<policy::RequestRecord> RecordOf(const ctg::v1::DataRequest& r) {
  policy::RequestRecord record;
  record.convention_id = r.convention_id();
  record.objective = r.objective();
  record.create_time = TimeOf(r.create_time());
  std::optional<policy::RequestState> state =
      policy::RequestStateFromNumber(r.state());
  if (!state) {
    return absl::InternalError(
        absl::StrCat("request ", r.id(), " has no state"));
  }
  record.state = *state;
  for (const ctg::v1::Transition& t : r.history()) {
    if (t.to_state() == ctg::v1::APPROVED ||
        t.to_state() == ctg::v1::REJECTED ||
        t.to_state() == ctg::v1::WITHDRAWN) {
      record.decision_time = TimeOf(t.time());
    }
  }
  for (const auto& t : r.approval().release_times())
    record.release_times.push_back(TimeOf(t));
  return record;
}

absl::StatusOr<policy::RequestRecord> RecordOf(const ctg::v1::CafRequest& r) {
  ctg::v1::DataRequest as_request;
  as_request.set_id(r.id());
  as_request.set_convention_id(r.convention_id());
  as_request.set_objective(r.objective());
  *as_request.mutable_create_time() = r.create_time();
  as_request.set_state(r.state());
  *as_request.mutable_history() = r.history();
  *as_request.mutable_approval() = r.approval();
  absl::StatusOr<policy::RequestRecord> record = RecordOf(as_request);
  if (record.ok()) record->direction = policy::Direction::kCafToCommune;
  return record;
}

policy::AgreementRecord RecordOf(const ctg::v1::TransferAgreement& a) {
  policy::AgreementRecord record;
  record.create_time = TimeOf(a.create_time());
  if (a.has_decide_time()) {
    record.decision_time = TimeOf(a.decide_time());
    record.approved = a.state() != ctg::v1::AGREEMENT_REJECTED;
  }
  return record;
}

std::string EvaluationReportJson(const policy::EvaluationReport& report,
                                 absl::CivilDay from, absl::CivilDay to,
                                 absl::Span<const std::string> not_visible) {
  std::string out = absl::StrCat("{\"from\":\"", absl::FormatCivilTime(from),
                                 "\",\"to\":\"", absl::FormatCivilTime(to),
                                 "\",\"total\":", FiguresJson(report.total),
                                 ",\"conventions\":[");
  for (size_t i = 0; i < report.conventions.size(); ++i) {
    const policy::ConventionEvaluation& c = report.conventions[i];
    absl::StrAppend(
        &out, i ? "," : "", "{\"convention_id\":", JsonString(c.convention_id),
        ",\"figures\":", FiguresJson(c.figures), ",\"objectives\":[");
    for (size_t j = 0; j < c.objectives.size(); ++j) {
      absl::StrAppend(&out, j ? "," : "",
                      "{\"objective\":", JsonString(c.objectives[j].objective),
                      ",\"figures\":", FiguresJson(c.objectives[j].figures),
                      "}");
    }
    out += "]}";
  }
  absl::StrAppend(&out, "],\"caf_requests\":", FiguresJson(report.caf_requests),
                  ",\"agreements\":", AgreementsJson(report.agreements),
                  ",\"not_visible\":[");
  for (size_t i = 0; i < not_visible.size(); ++i)
    absl::StrAppend(&out, i ? "," : "", JsonString(not_visible[i]));
  return absl::StrCat(out, "]}");
}

}  // namespace ctg::report
