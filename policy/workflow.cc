#include "policy/workflow.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/text.h"

namespace ctg::policy {

std::optional<Expiry> ExpiryOf(RequestState stored, absl::Time approval_end,
                               const ConventionTerms& convention,
                               absl::Time now, const absl::TimeZone& zone) {
  const bool ended = HasEnded(convention, absl::ToCivilDay(now, zone));
  // R11: no release outside the approval's window nor after the convention.
  if (EffectiveState(stored, now, approval_end, ended) !=
      RequestState::kExpired) {
    return std::nullopt;
  }
  absl::Time convention_end = ConventionEndTime(convention, zone);
  if (ended && convention_end < approval_end) {
    return Expiry{convention_end,
                  absl::StrCat("convention ", convention.id, " ended (R11)")};
  }
  return Expiry{approval_end, "the approval's end time passed (R11)"};
}

RequestState EffectiveRequestState(RequestState stored, absl::Time approval_end,
                                   const ConventionTerms& convention,
                                   absl::Time now, const absl::TimeZone& zone) {
  if (ExpiryOf(stored, approval_end, convention, now, zone))
    return RequestState::kExpired;
  return stored;
}

std::string TextUnlessBlank(absl::string_view given,
                            absl::string_view current) {
  return std::string(IsBlank(given) ? current : given);
}

Opinions MergeOpinions(const Opinions& given, const Opinions& recorded) {
  Opinions out;
  out.opportunity =
      given.opportunity ? given.opportunity : recorded.opportunity;
  out.feasibility =
      given.feasibility ? given.feasibility : recorded.feasibility;
  return out;
}

absl::Status CheckMayGiveOpinion(const Identity& who,
                                 const StudiedRequest& request) {
  CTG_RETURN_IF_ERROR(CheckRequestVisible(who, request.commune, request.id));
  // R1: the reviewers who decide give the opinions.
  if (!MayPerform(who.role, RequestAction::kApprove, request.direction)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role \"", RoleName(who.role),
        "\" may not give an opinion; only a reviewer ",
        request.direction == Direction::kCafToCommune ? "of the commune " : "",
        "may"));
  }
  // R1: opinions ground a decision still to come: wherever a rejection is
  // possible.
  if (!IsLegalFrom(request.state, RequestAction::kReject)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request ", request.id, " is ", RequestStateName(request.state),
        "; opinions are given on UNDER_STUDY or INFO_REQUESTED requests"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Opinions> RecordOpinions(const Identity& who,
                                        const StudiedRequest& request,
                                        const DecisionInput& input,
                                        const DecisionOptions& options,
                                        const RequestLimits& limits) {
  CTG_RETURN_IF_ERROR(CheckMayGiveOpinion(who, request));
  if (!input.opportunity && !input.feasibility) {
    return absl::InvalidArgumentError(
        "decision: required (APPROVE or REJECT) unless an opinion (opportunity "
        "or "
        "feasibility) is given to be recorded");
  }
  if (input.scope || input.end_time || input.download_quota != 0 ||
      !input.reasons.empty()) {
    return absl::InvalidArgumentError(
        "decision: required (APPROVE or REJECT) with scope, end_time, "
        "download_quota or "
        "reasons");
  }
  Opinions given{input.opportunity, input.feasibility};
  Opinions merged = MergeOpinions(given, request.recorded);
  CTG_RETURN_IF_ERROR(ValidateOpinions(merged.opportunity, merged.feasibility,
                                       options, limits));
  return given;
}

absl::StatusOr<DecisionPlan> Decide(
    const Identity& who, const StudiedRequest& request,
    const DecisionInput& input, const ConventionTerms& convention,
    const CatalogueView& catalogue, const Perimeter& perimeter, absl::Time now,
    const absl::TimeZone& zone, const DecisionOptions& options,
    const RequestLimits& limits) {
  if (input.decision != Decision::kApprove &&
      input.decision != Decision::kReject) {
    return absl::InvalidArgumentError(
        "decision: must be APPROVE or REJECT (or unspecified to record "
        "opinions only)");
  }
  bool approve = input.decision == Decision::kApprove;
  DecisionPlan plan;
  CTG_ASSIGN_OR_RETURN(
      plan.to,
      Transition(request.state,
                 approve ? RequestAction::kApprove : RequestAction::kReject,
                 who, request.commune, request.id, request.direction));
  // R1: a request to a commune describes its data; there is no catalogue
  // scope to narrow.
  if (request.direction == Direction::kCafToCommune && input.scope) {
    return absl::InvalidArgumentError(
        "scope: a request of the Caf to a commune has no catalogue scope to "
        "narrow");
  }
  // R10, R11: no approval while the convention is suspended or over.
  if (approve) {
    CTG_RETURN_IF_ERROR(
        CheckConventionActive(convention, absl::ToCivilDay(now, zone)));
  }
  plan.to_record = {input.opportunity, input.feasibility};
  Opinions merged = MergeOpinions(plan.to_record, request.recorded);
  DecisionInput checked = input;
  checked.opportunity = merged.opportunity;
  checked.feasibility = merged.feasibility;
  CTG_ASSIGN_OR_RETURN(
      DecisionOutcome outcome,
      ValidateDecision(checked, request.requested, catalogue, perimeter, now,
                       ConventionEndTime(convention, zone), options, limits));
  plan.approval = std::move(outcome.approval);
  return plan;
}

}  // namespace ctg::policy
