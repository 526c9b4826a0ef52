#include "gateway/web/evaluation_report_json.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/json.h"
#include "policy/evaluation_report.h"
#include "policy/request_state.h"

namespace ctg::gateway::web {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::StatusOr<policy::RequestRecord> RecordOf(const ctg::v1::DataRequest& r) {
  policy::RequestRecord record;
  record.convention_id = r.convention_id();
  record.objective = r.objective();
  record.create_time = TimeOf(r.create_time());
  std::optional<policy::RequestState> state =
      policy::RequestStateFromNumber(r.state());
  if (!state)
    return absl::InternalError(
        absl::StrCat("request ", r.id(), " has no state"));
  record.state = *state;
  // The decision: the last approval, rejection or withdrawal in the history.
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

// A request of the Caf to a commune counts as a request of the other
// direction (R1): same states, history and approval.
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
    // An ENDED agreement was approved if it has a decision.
    record.approved = a.state() != ctg::v1::AGREEMENT_REJECTED;
  }
  return record;
}

std::string MedianJson(const std::optional<double>& days) {
  return days ? absl::StrFormat("%.3f", *days) : "null";
}

std::string AgreementsJson(const policy::AgreementFigures& f) {
  return absl::StrCat("{\"filed\":", f.filed, ",\"approved\":", f.approved,
                      ",\"rejected\":", f.rejected,
                      ",\"median_days_to_decision\":",
                      MedianJson(f.median_days_to_decision), "}");
}

std::string FiguresJson(const policy::EvaluationFigures& f) {
  return absl::StrCat(
      "{\"filed\":", f.filed, ",\"approved\":", f.approved,
      ",\"rejected\":", f.rejected, ",\"withdrawn\":", f.withdrawn,
      ",\"pending\":", f.pending,
      ",\"median_days_to_decision\":", MedianJson(f.median_days_to_decision),
      ",\"releases\":", f.releases, "}");
}

}  // namespace

absl::StatusOr<std::string> EvaluationReportJson(const ReportInputs& inputs,
                                                 absl::CivilDay from,
                                                 absl::CivilDay to,
                                                 absl::TimeZone zone) {
  if (to < from)
    return absl::InvalidArgumentError(
        "to: the last day is before the first (from)");
  std::vector<policy::RequestRecord> records;
  for (const ctg::v1::DataRequest& r : inputs.requests) {
    auto record = RecordOf(r);
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  for (const ctg::v1::CafRequest& r : inputs.caf_requests) {
    auto record = RecordOf(r);
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  std::vector<policy::AgreementRecord> agreements;
  for (const ctg::v1::TransferAgreement& a : inputs.agreements)
    agreements.push_back(RecordOf(a));
  auto report = policy::BuildEvaluationReport(records, agreements,
                                              absl::FromCivil(from, zone),
                                              absl::FromCivil(to + 1, zone));
  if (!report.ok()) return report.status();
  std::string out = absl::StrCat("{\"from\":\"", absl::FormatCivilTime(from),
                                 "\",\"to\":\"", absl::FormatCivilTime(to),
                                 "\",\"total\":", FiguresJson(report->total),
                                 ",\"conventions\":[");
  for (size_t i = 0; i < report->conventions.size(); ++i) {
    const auto& c = report->conventions[i];
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
  absl::StrAppend(&out,
                  "],\"caf_requests\":", FiguresJson(report->caf_requests),
                  ",\"agreements\":", AgreementsJson(report->agreements),
                  ",\"not_visible\":[");
  for (size_t i = 0; i < inputs.not_visible.size(); ++i)
    absl::StrAppend(&out, i ? "," : "", JsonString(inputs.not_visible[i]));
  return absl::StrCat(out, "]}");
}

}  // namespace ctg::gateway::web
