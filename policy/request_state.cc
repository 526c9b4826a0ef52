#include "policy/request_state.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/authorization.h"

namespace ctg::policy {
namespace {

using S = RequestState;
using A = RequestAction;

// R1: no request reaches APPROVED without going through UNDER_STUDY, and
// only from UNDER_STUDY (not while questions are unanswered). A reviewer may
// reject a request whose questions stay unanswered (domain.md draws
// INFO_REQUESTED -> REJECTED). R11: only an approval expires.
struct Rule {
  // States the action applies to, and how the message lists them.
  S from[3];
  int from_count;
  absl::string_view from_list;
  absl::string_view can_be;  // "can be withdrawn"
};

Rule RuleOf(A action) {
  switch (action) {
    case A::kStartStudy:
      return {{S::kSubmitted}, 1, "SUBMITTED", "can be taken into study"};
    case A::kRequestInformation:
      return {{S::kUnderStudy}, 1, "UNDER_STUDY", "can be sent questions"};
    case A::kAmend:
      return {{S::kInfoRequested}, 1, "INFO_REQUESTED", "can be amended"};
    case A::kApprove:
      return {{S::kUnderStudy}, 1, "UNDER_STUDY", "can be approved"};
    case A::kReject:
      return {{S::kUnderStudy, S::kInfoRequested},
              2,
              "UNDER_STUDY or INFO_REQUESTED",
              "can be rejected"};
    case A::kWithdraw:
      return {{S::kSubmitted, S::kUnderStudy, S::kInfoRequested},
              3,
              "SUBMITTED, UNDER_STUDY or INFO_REQUESTED",
              "can be withdrawn"};
    case A::kRevoke:
      return {{S::kApproved}, 1, "APPROVED", "can be revoked"};
    case A::kExpire:
      return {{S::kApproved}, 1, "APPROVED", "can expire"};
  }
  return {{}, 0, "", ""};
}

// Who may act, in the words of the PermissionDenied message.
absl::string_view WhoMay(A action, Direction direction) {
  if (direction == Direction::kCafToCommune) {
    switch (action) {
      case A::kStartStudy:
      case A::kRequestInformation:
      case A::kApprove:
      case A::kReject:
      case A::kRevoke:
        return "only a reviewer of the commune may";
      case A::kAmend:
      case A::kWithdraw:
        return "only a requester of the Caf may";
      case A::kExpire:
        return "expiry is recorded by the gateway itself";
    }
  }
  switch (action) {
    case A::kStartStudy:
    case A::kRequestInformation:
    case A::kApprove:
    case A::kReject:
      return "only a reviewer may";
    case A::kAmend:
    case A::kWithdraw:
      return "only a requester of the request's commune may";
    case A::kRevoke:
      return "only a reviewer or an admin may";
    case A::kExpire:
      return "expiry is recorded by the gateway itself";
  }
  return "";
}

std::string Named(absl::string_view request_id) {
  return request_id.empty() ? std::string("request")
                            : absl::StrCat("request ", request_id);
}

absl::StatusOr<RequestState> CheckState(RequestState from, A action,
                                        absl::string_view request_id) {
  if (IsLegalFrom(from, action)) return TargetState(action);
  Rule rule = RuleOf(action);
  return absl::FailedPreconditionError(
      absl::StrCat(Named(request_id), " is ", RequestStateName(from), "; only ",
                   rule.from_list, " requests ", rule.can_be));
}

}  // namespace

absl::string_view RequestStateName(RequestState state) {
  switch (state) {
    case S::kSubmitted:
      return "SUBMITTED";
    case S::kUnderStudy:
      return "UNDER_STUDY";
    case S::kInfoRequested:
      return "INFO_REQUESTED";
    case S::kApproved:
      return "APPROVED";
    case S::kRejected:
      return "REJECTED";
    case S::kWithdrawn:
      return "WITHDRAWN";
    case S::kRevoked:
      return "REVOKED";
    case S::kExpired:
      return "EXPIRED";
  }
  return "UNKNOWN";
}

std::optional<RequestState> RequestStateFromNumber(int number) {
  if (number < 1 || number > kRequestStateCount) return std::nullopt;
  return static_cast<RequestState>(number);
}

absl::string_view RequestActionName(RequestAction action) {
  switch (action) {
    case A::kStartStudy:
      return "start study";
    case A::kRequestInformation:
      return "request information";
    case A::kAmend:
      return "amend";
    case A::kApprove:
      return "approve";
    case A::kReject:
      return "reject";
    case A::kWithdraw:
      return "withdraw";
    case A::kRevoke:
      return "revoke";
    case A::kExpire:
      return "expire";
  }
  return "unknown";
}

bool IsTerminal(RequestState state) {
  return state == S::kRejected || state == S::kWithdrawn ||
         state == S::kRevoked || state == S::kExpired;
}

bool IsPending(RequestState state) {
  return state == S::kSubmitted || state == S::kUnderStudy ||
         state == S::kInfoRequested;
}

RequestState TargetState(RequestAction action) {
  switch (action) {
    case A::kStartStudy:
      return S::kUnderStudy;
    case A::kRequestInformation:
      return S::kInfoRequested;
    case A::kAmend:
      return S::kUnderStudy;
    case A::kApprove:
      return S::kApproved;
    case A::kReject:
      return S::kRejected;
    case A::kWithdraw:
      return S::kWithdrawn;
    case A::kRevoke:
      return S::kRevoked;
    case A::kExpire:
      return S::kExpired;
  }
  return S::kSubmitted;  // unreachable
}

bool IsLegalFrom(RequestState state, RequestAction action) {
  Rule rule = RuleOf(action);
  for (int i = 0; i < rule.from_count; ++i) {
    if (rule.from[i] == state) return true;
  }
  return false;
}

absl::string_view DirectionName(Direction direction) {
  return direction == Direction::kCafToCommune ? "caf-to-commune"
                                               : "commune-to-caf";
}

bool MayPerform(Role role, RequestAction action, Direction direction) {
  // One role matrix: the roles of the method that performs the action (R1:
  // the other party studies and decides; R2: the filer amends and withdraws;
  // R10: revocation). No method expires a request (R11: the clock does).
  for (const MethodRule& rule : AuthorizationTable()) {
    if (!rule.step.has_value() || rule.step->direction != direction ||
        std::find(rule.step->actions.begin(), rule.step->actions.end(),
                  action) == rule.step->actions.end()) {
      continue;
    }
    return std::find(rule.roles.begin(), rule.roles.end(), role) !=
           rule.roles.end();
  }
  return false;
}

absl::StatusOr<RequestState> Transition(RequestState from, RequestAction action,
                                        Role actor_role,
                                        absl::string_view request_id,
                                        Direction direction) {
  if (!MayPerform(actor_role, action, direction)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role \"", RoleName(actor_role), "\" may not ",
        RequestActionName(action), " a request; ", WhoMay(action, direction)));
  }
  return CheckState(from, action, request_id);
}

absl::StatusOr<RequestState> Transition(RequestState from, RequestAction action,
                                        const Identity& actor,
                                        absl::string_view request_commune,
                                        absl::string_view request_id,
                                        Direction direction) {
  if (absl::Status visible =
          CheckRequestVisible(actor, request_commune, request_id);
      !visible.ok()) {
    return visible;
  }
  return Transition(from, action, actor.role, request_id, direction);
}

absl::Status CheckRequestVisible(const Identity& caller,
                                 absl::string_view request_commune,
                                 absl::string_view request_id) {
  // Tenant isolation: the commune is the tenant; the Caf sees every commune.
  if (caller.IsCommune() && caller.organisation != request_commune) {
    return RequestNotFound(request_id);
  }
  return absl::OkStatus();
}

absl::Status RequestNotFound(absl::string_view request_id) {
  return absl::NotFoundError(
      absl::StrCat("request ", request_id, " not found"));
}

bool IsDeclaredOperator(absl::Span<const std::string> declared_operators,
                        absl::string_view person) {
  // R3: only the operators the request names as recipients.
  return !person.empty() &&
         std::find(declared_operators.begin(), declared_operators.end(),
                   person) != declared_operators.end();
}

bool MayReadRequest(const Identity& caller, absl::string_view commune,
                    absl::string_view id,
                    absl::Span<const std::string> declared_operators) {
  if (!CheckRequestVisible(caller, commune, id).ok()) return false;
  return caller.role != Role::kOperator ||
         IsDeclaredOperator(declared_operators, caller.person);
}

absl::Status CheckMayDownload(
    const Identity& caller, absl::string_view commune, absl::string_view id,
    absl::Span<const std::string> declared_operators) {
  CTG_RETURN_IF_ERROR(CheckRequestVisible(caller, commune, id));
  if (caller.role == Role::kOperator &&
      !IsDeclaredOperator(declared_operators, caller.person)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "operator ", caller.person,
        " is not declared as a recipient of request ", id, " (R3)"));
  }
  return absl::OkStatus();
}

RequestState EffectiveState(RequestState stored, absl::Time now,
                            absl::Time end_time, bool convention_ended) {
  // R11: no release outside the approval's window nor after the convention.
  if (stored == S::kApproved && (now >= end_time || convention_ended)) {
    return S::kExpired;
  }
  return stored;
}

}  // namespace ctg::policy
