#include "report/evaluation_json.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/json.h"
#include "policy/request_state.h"

namespace ctg::report {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::StatusOr<policy::RequestRecord> RequestRecordOf(
    const ctg::v1::DataRequest& r) {
  policy::RequestRecord record;
  record.convention_id = r.convention_id();
  record.objective = r.objective();
  record.create_time = TimeOf(r.create_time());
  std::optional<policy::RequestState> state =
      policy::RequestStateFromNumber(r.state());
  if (!state) {
    return absl::InvalidArgumentError(
        absl::StrCat("request ", r.id(), " has no state"));
  }
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

std::string FiguresJson(const policy::EvaluationFigures& f) {
  return absl::StrCat(
      "{\"filed\":", f.filed, ",\"approved\":", f.approved,
      ",\"rejected\":", f.rejected, ",\"withdrawn\":", f.withdrawn,
      ",\"pending\":", f.pending, ",\"median_days_to_decision\":",
      f.median_days_to_decision
          ? absl::StrFormat("%.3f", *f.median_days_to_decision)
          : "null",
      ",\"releases\":", f.releases, "}");
}

std::string ConventionsJson(
    const std::vector<policy::ConventionEvaluation>& conventions) {
  std::string out = "[";
  for (size_t i = 0; i < conventions.size(); ++i) {
    const policy::ConventionEvaluation& c = conventions[i];
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
  return out + "]";
}

}  // namespace ctg::report
