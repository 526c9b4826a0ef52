// What the Caf may do to a convention once signed (rules R10, R11):
// suspend it, reinstate it, terminate it with notice. Each function checks
// one change against the convention's terms on the Caf's `today` and says
// what changes; the gateway writes it and records the event.
//
// Pure: dates are civil days passed in by the caller. Thread-safe (no state).
#ifndef CTG_POLICY_CONVENTION_LIFECYCLE_H_
#define CTG_POLICY_CONVENTION_LIFECYCLE_H_

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "policy/convention.h"

namespace ctg::policy {

// The reason the Caf gives for a suspension, reinstatement or termination:
// required free text (policy/text.h) of at most this many characters.
inline constexpr size_t kMaxLifecycleReasonChars = 4000;

// R10: a convention may be suspended unless it already is or has ended
// (EffectiveStatus on `today`); the suspension is immediate.
// Errors: kInvalidArgument naming "reason"; kFailedPrecondition `convention
// <id> is SUSPENDED: only an active convention can be suspended`.
absl::Status CheckSuspend(const ConventionTerms& terms, absl::CivilDay today,
                          absl::string_view reason);

// R10: only a suspended convention may be reinstated.
// Errors: kInvalidArgument naming "reason"; kFailedPrecondition `convention
// <id> is not suspended`.
absl::Status CheckReinstate(const ConventionTerms& terms,
                            absl::string_view reason);

// A termination's dates.
struct Termination {
  absl::CivilDay notice;     // the notice date
  absl::CivilDay effective;  // the first day the convention no longer applies
};

// R11: a convention is terminated once. The notice date is `notice_date`
// ("YYYY-MM-DD"), or `today` when empty; the effective date is
// TerminationEffectiveDate (three months' notice unless an earlier
// `effective_date` is agreed).
//
// With `correct`, the termination already recorded is replaced by these
// dates (a date typed wrong, a notice given on another day), checked as a
// first termination would be, even once it has taken effect: the dates are
// a record of what the parties did (the gateway keeps the earlier ones in
// the correction's audit event). Requests follow the corrected dates (R11's
// effective state is computed from them).
// Errors: kInvalidArgument naming "reason", "notice_date" or
// "effective_date"; kFailedPrecondition `convention <id> was already
// terminated (effective <date>); to change its dates, correct it` or, with
// `correct`, `convention <id> is not terminated: there is nothing to
// correct` or `... already terminated with these dates`.
absl::StatusOr<Termination> Terminate(const ConventionTerms& terms,
                                      absl::CivilDay today,
                                      absl::string_view notice_date,
                                      absl::string_view effective_date,
                                      absl::string_view reason,
                                      bool correct = false);

}  // namespace ctg::policy

#endif  // CTG_POLICY_CONVENTION_LIFECYCLE_H_
