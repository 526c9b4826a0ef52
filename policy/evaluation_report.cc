#include "policy/evaluation_report.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::policy {
namespace {

// Counts plus the delays to decision, from which the median is taken.
struct Tally {
  EvaluationFigures figures;
  std::vector<double> days_to_decision;

  void Add(const Tally& other) {
    EvaluationFigures& f = figures;
    const EvaluationFigures& o = other.figures;
    f.filed += o.filed;
    f.approved += o.approved;
    f.rejected += o.rejected;
    f.withdrawn += o.withdrawn;
    f.pending += o.pending;
    f.releases += o.releases;
    days_to_decision.insert(days_to_decision.end(),
                            other.days_to_decision.begin(),
                            other.days_to_decision.end());
  }

  bool Empty() const {
    const EvaluationFigures& f = figures;
    return f.filed == 0 && f.approved == 0 && f.rejected == 0 &&
           f.withdrawn == 0 && f.pending == 0 && f.releases == 0;
  }

  EvaluationFigures Finish() const {
    EvaluationFigures f = figures;
    std::vector<double> days = days_to_decision;
    if (!days.empty()) {
      std::sort(days.begin(), days.end());
      size_t mid = days.size() / 2;
      f.median_days_to_decision =
          days.size() % 2 == 1 ? days[mid] : (days[mid - 1] + days[mid]) / 2;
    }
    return f;
  }
};

std::string Time(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

bool WasApproved(RequestState state) {
  return state == RequestState::kApproved || state == RequestState::kRevoked ||
         state == RequestState::kExpired;
}

absl::Status CheckRecord(const RequestRecord& r, size_t index) {
  auto corrupt = [&](absl::string_view why) {
    return absl::InternalError(absl::StrCat("request record ", index,
                                            " (convention ", r.convention_id,
                                            ") is inconsistent: ", why));
  };
  if (IsPending(r.state) && r.decision_time.has_value()) {
    return corrupt(
        absl::StrCat(RequestStateName(r.state), " with a decision time"));
  }
  if (!IsPending(r.state) && !r.decision_time.has_value()) {
    return corrupt(
        absl::StrCat(RequestStateName(r.state), " without a decision time"));
  }
  if (r.decision_time.has_value() && *r.decision_time < r.create_time) {
    return corrupt("decided before it was created");
  }
  return absl::OkStatus();
}

// What one record contributes to the window.
Tally Count(const RequestRecord& r, absl::Time from, absl::Time to) {
  auto in_window = [&](absl::Time t) { return t >= from && t < to; };
  Tally tally;
  EvaluationFigures& f = tally.figures;
  if (in_window(r.create_time)) ++f.filed;
  if (r.create_time < to && (!r.decision_time || *r.decision_time >= to)) {
    ++f.pending;
  }
  if (r.decision_time.has_value() && in_window(*r.decision_time)) {
    if (r.state == RequestState::kWithdrawn) {
      ++f.withdrawn;
    } else {
      (WasApproved(r.state) ? f.approved : f.rejected) += 1;
      tally.days_to_decision.push_back(
          absl::ToDoubleHours(*r.decision_time - r.create_time) / 24);
    }
  }
  for (absl::Time release : r.release_times) {
    if (in_window(release)) ++f.releases;
  }
  return tally;
}

// R3: the agreements filed and decided in [from, to).
absl::StatusOr<AgreementFigures> CountAgreements(
    absl::Span<const AgreementRecord> agreements, absl::Time from,
    absl::Time to) {
  auto in_window = [&](absl::Time t) { return t >= from && t < to; };
  AgreementFigures f;
  Tally delays;
  for (size_t i = 0; i < agreements.size(); ++i) {
    const AgreementRecord& a = agreements[i];
    if (a.decision_time && *a.decision_time < a.create_time) {
      return absl::InternalError(
          absl::StrCat("agreement record ", i,
                       " is inconsistent: decided before it was created"));
    }
    if (in_window(a.create_time)) ++f.filed;
    if (a.decision_time && in_window(*a.decision_time)) {
      (a.approved ? f.approved : f.rejected) += 1;
      delays.days_to_decision.push_back(
          absl::ToDoubleHours(*a.decision_time - a.create_time) / 24);
    }
  }
  f.median_days_to_decision = delays.Finish().median_days_to_decision;
  return f;
}

}  // namespace

absl::StatusOr<EvaluationReport> BuildEvaluationReport(
    absl::Span<const RequestRecord> records, absl::Time from, absl::Time to) {
  return BuildEvaluationReport(records, {}, from, to);
}

absl::StatusOr<EvaluationReport> BuildEvaluationReport(
    absl::Span<const RequestRecord> records,
    absl::Span<const AgreementRecord> agreements, absl::Time from,
    absl::Time to) {
  if (from >= to) {
    return absl::InvalidArgumentError(absl::StrCat(
        "from: ", Time(from), " is not before to (", Time(to), ")"));
  }
  // convention id -> objective -> tally.
  std::map<std::string, std::map<std::string, Tally>> tallies;
  Tally caf_requests;  // R1: the other direction, counted apart
  for (size_t i = 0; i < records.size(); ++i) {
    if (absl::Status s = CheckRecord(records[i], i); !s.ok()) return s;
    Tally tally = Count(records[i], from, to);
    if (records[i].direction == Direction::kCafToCommune) {
      caf_requests.Add(tally);
      continue;
    }
    if (tally.Empty()) continue;
    tallies[records[i].convention_id][records[i].objective].Add(tally);
  }
  EvaluationReport report;
  report.from = from;
  report.to = to;
  Tally total;
  for (const auto& [convention_id, objectives] : tallies) {
    ConventionEvaluation convention;
    convention.convention_id = convention_id;
    Tally convention_tally;
    for (const auto& [objective, tally] : objectives) {
      convention.objectives.push_back({objective, tally.Finish()});
      convention_tally.Add(tally);
    }
    convention.figures = convention_tally.Finish();
    total.Add(convention_tally);
    report.conventions.push_back(std::move(convention));
  }
  report.total = total.Finish();
  report.caf_requests = caf_requests.Finish();
  CTG_ASSIGN_OR_RETURN(report.agreements,
                       CountAgreements(agreements, from, to));
  return report;
}

}  // namespace ctg::policy
