// The life of a convention (rules R10, R11, R12): its validity window,
// suspension by the Caf and termination with notice. A convention outside
// its window, suspended or ended allows no new request and no release;
// confidentiality and the audit trail survive it.
//
// Pure: dates are civil days passed in by the caller (the gateway uses the
// Europe/Paris calendar). Thread-safe (no state).
#ifndef CTG_POLICY_CONVENTION_H_
#define CTG_POLICY_CONVENTION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace ctg::policy {

struct ConventionTerms {
  std::string id;              // e.g. "CTG-33069-1", for messages
  absl::CivilDay valid_from;   // first valid day
  absl::CivilDay valid_until;  // last valid day (inclusive)
  bool suspended = false;
  // R11: the first day on which the convention no longer applies after a
  // termination; unset while not terminated.
  std::optional<absl::CivilDay> termination_effective;
};

enum class ConventionStatus {
  kActive,
  kNotYetValid,
  kSuspended,
  kTerminationNotified,  // still active until the effective date
  kEnded,                // past valid_until or terminated
};

absl::string_view ConventionStatusName(ConventionStatus status);

// The status on `today`. Ended wins over suspended (an ended convention stays
// ended even if it was suspended before).
ConventionStatus EffectiveStatus(const ConventionTerms& terms, absl::CivilDay today);

// R10, R11: OK when a request may be filed or data released on `today`.
// Errors: kFailedPrecondition naming the convention and why (not yet valid,
// suspended, ended on <date>).
absl::Status CheckConventionActive(const ConventionTerms& terms, absl::CivilDay today);

// R11: termination takes effect three months after the notice date unless
// the parties agreed an earlier date. Errors (kInvalidArgument): an agreed
// date before the notice date or later than notice + 3 months.
absl::StatusOr<absl::CivilDay> TerminationEffectiveDate(
    absl::CivilDay notice, std::optional<absl::CivilDay> agreed);

// `day` plus `months` calendar months, the day clamped to the month's end
// (30 November + 3 months = 28 or 29 February).
absl::CivilDay AddMonths(absl::CivilDay day, int months);

// Parses "YYYY-MM-DD". Errors: kInvalidArgument naming `field`.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field);
std::string FormatDate(absl::CivilDay day);

// The commune's perimeter (R2 scope): the territories it may ask about.
// Every code must be the commune itself, one of its IRIS (commune code + 4
// digits), or a QPV code; no duplicates; the commune itself must be listed.
// A perimeter of the commune code alone covers the commune and all its IRIS
// and QPVs. Errors: kInvalidArgument naming `perimeter[i]`.
absl::Status ValidatePerimeter(absl::string_view commune,
                               const std::vector<std::string>& perimeter);

}  // namespace ctg::policy

#endif  // CTG_POLICY_CONVENTION_H_
