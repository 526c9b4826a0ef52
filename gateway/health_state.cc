#include "gateway/health_state.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace ctg::gateway {

void HealthState::SetListener(Listener listener) {
  MutexLock lock(&mu_);
  listener_ = std::move(listener);
}

void HealthState::ReportFailure(absl::string_view component, Severity severity,
                                const absl::Status& cause, absl::Time now) {
  Problem copy;
  Listener listener;
  {
    MutexLock lock(&mu_);
    ++totals_[std::string(component)];
    auto [it, inserted] = problems_.try_emplace(std::string(component));
    Problem& problem = it->second;
    if (inserted) {
      problem.component = std::string(component);
      problem.since = now;
      problem.failures = 0;
    }
    problem.severity = severity;
    problem.cause = cause;
    ++problem.failures;
    copy = problem;
    listener = listener_;
  }
  if (listener) listener(copy);
}

void HealthState::ReportRecovered(absl::string_view component) {
  MutexLock lock(&mu_);
  auto it = problems_.find(component);
  if (it != problems_.end()) problems_.erase(it);
}

bool HealthState::healthy() const {
  MutexLock lock(&mu_);
  return problems_.empty();
}

absl::Status HealthState::IntegrityStatus() const {
  MutexLock lock(&mu_);
  for (const auto& [name, problem] : problems_) {
    if (problem.severity != Severity::kIntegrity) continue;
    return absl::UnavailableError(
        absl::StrCat("the gateway refuses calls while its ", name,
                     " is failing: ", problem.cause.message()));
  }
  return absl::OkStatus();
}

std::vector<HealthState::Problem> HealthState::Problems() const {
  MutexLock lock(&mu_);
  std::vector<Problem> out;
  for (const auto& [name, problem] : problems_) out.push_back(problem);
  return out;
}

uint64_t HealthState::TotalFailures(absl::string_view component) const {
  MutexLock lock(&mu_);
  auto it = totals_.find(component);
  return it == totals_.end() ? 0 : it->second;
}

}  // namespace ctg::gateway
