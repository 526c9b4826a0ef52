#include "policy/convention_lifecycle.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/text.h"

namespace ctg::policy {
namespace {

absl::Status CheckReason(absl::string_view reason) {
  return ValidateText("reason", reason, kMaxLifecycleReasonChars,
                      Presence::kRequired, TextKind::kParagraph);
}

}  // namespace

absl::Status CheckSuspend(const ConventionTerms& terms, absl::CivilDay today,
                          absl::string_view reason) {
  CTG_RETURN_IF_ERROR(CheckReason(reason));
  ConventionStatus status = EffectiveStatus(terms, today);
  if (status == ConventionStatus::kSuspended ||
      status == ConventionStatus::kEnded) {
    return absl::FailedPreconditionError(absl::StrCat(
        "convention ", terms.id, " is ", ConventionStatusName(status),
        ": only an active convention can be suspended"));
  }
  return absl::OkStatus();
}

absl::Status CheckReinstate(const ConventionTerms& terms,
                            absl::string_view reason) {
  CTG_RETURN_IF_ERROR(CheckReason(reason));
  if (!terms.suspended) {
    return absl::FailedPreconditionError(
        absl::StrCat("convention ", terms.id, " is not suspended"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Termination> Terminate(const ConventionTerms& terms,
                                      absl::CivilDay today,
                                      absl::string_view notice_date,
                                      absl::string_view effective_date,
                                      absl::string_view reason, bool correct) {
  CTG_RETURN_IF_ERROR(CheckReason(reason));
  if (terms.termination_effective && !correct) {
    return absl::FailedPreconditionError(absl::StrCat(
        "convention ", terms.id, " was already terminated (effective ",
        FormatDate(*terms.termination_effective),
        "); to change its dates, correct it"));
  }
  if (!terms.termination_effective && correct) {
    return absl::FailedPreconditionError(
        absl::StrCat("convention ", terms.id,
                     " is not terminated: there is nothing to correct"));
  }
  Termination out;
  out.notice = today;
  if (!notice_date.empty()) {
    CTG_ASSIGN_OR_RETURN(out.notice, ParseDate(notice_date, "notice_date"));
  }
  std::optional<absl::CivilDay> agreed;
  if (!effective_date.empty()) {
    CTG_ASSIGN_OR_RETURN(agreed, ParseDate(effective_date, "effective_date"));
  }
  CTG_ASSIGN_OR_RETURN(out.effective,
                       TerminationEffectiveDate(out.notice, agreed));
  if (correct && out.effective == *terms.termination_effective &&
      terms.termination_notice == out.notice) {
    return absl::FailedPreconditionError(
        absl::StrCat("convention ", terms.id,
                     " is already terminated with these dates (notice ",
                     FormatDate(out.notice), ", effective ",
                     FormatDate(out.effective), ")"));
  }
  return out;
}

}  // namespace ctg::policy
