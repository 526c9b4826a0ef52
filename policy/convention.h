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
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ctg::policy {

struct ConventionTerms {
  std::string id;              // e.g. "CTG-33069-1", for messages
  absl::CivilDay valid_from;   // first valid day
  absl::CivilDay valid_until;  // last valid day (inclusive)
  bool suspended = false;
  // R11: the convention has ended on `today` (past valid_until, or its
  // termination took effect): nothing more is served under it.
  bool HasEnded(const ConventionTerms& terms, absl::CivilDay today);

  // R11: the first day on which the convention no longer applies after a
  // termination; unset while not terminated.
  std::optional<absl::CivilDay> termination_effective;
  // The day the termination's notice was given; set with the above.
  std::optional<absl::CivilDay> termination_notice;
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
ConventionStatus EffectiveStatus(const ConventionTerms& terms,
                                 absl::CivilDay today);

// R11: the convention has ended on `today` (past valid_until, or its
// termination took effect): nothing more is served under it.
bool HasEnded(const ConventionTerms& terms, absl::CivilDay today);

// R11: the first day on which the convention no longer applies: the day
// after valid_until, or the termination's effective day when earlier.
absl::CivilDay ConventionEndDay(const ConventionTerms& terms);
// R11: the instant the convention stops applying (exclusive): the start of
// ConventionEndDay in `zone` (the Caf's calendar).
absl::Time ConventionEndTime(const ConventionTerms& terms,
                             const absl::TimeZone& zone);

// R10, R11: OK when a request may be filed or data released on `today`.
// Errors: kFailedPrecondition naming the convention and why (not yet valid,
// suspended, ended on <date>).
absl::Status CheckConventionActive(const ConventionTerms& terms,
                                   absl::CivilDay today);

// R11: termination takes effect three months after the notice date unless
// the parties agreed an earlier date. Errors (kInvalidArgument): an agreed
// date before the notice date or later than notice + 3 months.
absl::StatusOr<absl::CivilDay> TerminationEffectiveDate(
    absl::CivilDay notice, std::optional<absl::CivilDay> agreed);

// `day` plus `months` calendar months, the day clamped to the month's end
// (30 November + 3 months = 28 or 29 February).
absl::CivilDay AddMonths(absl::CivilDay day, int months);

// Parses "YYYY-MM-DD". Errors: kInvalidArgument naming `field`.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text,
                                         absl::string_view field);
std::string FormatDate(absl::CivilDay day);

// The commune's perimeter (R2 scope): the territories it may ask about.
// Every code must be the commune itself, one of its IRIS (commune code + 4
// digits), or a QPV code; no duplicates; the commune itself must be listed.
// A perimeter of the commune code alone covers the commune and all its IRIS
// and QPVs. Errors: kInvalidArgument naming `perimeter[i]`.
absl::Status ValidatePerimeter(absl::string_view commune,
                               const std::vector<std::string>& perimeter);

// What the statistical base holds for a commune in its latest period: the
// territories a convention's perimeter may name (the list
// Catalogue.ListTerritories gives the commune).
struct CommuneTerritories {
  // The latest period stored; empty when no base is stored yet.
  std::string period;
  // The commune, its IRIS and every QPV with a piece in one of its IRIS.
  std::set<std::string> codes;
  // Codes of the perimeter that the base holds for other communes only (a
  // QPV lying wholly in another commune).
  std::set<std::string> elsewhere;
};

// R2: a perimeter must name territories the commune can be served. Once a
// base is stored, every code of `perimeter` (already valid by
// ValidatePerimeter) must be one of `base.codes`: a territory outside the
// commune or absent from the base would only fail at the first extract,
// after an approval. With no base stored yet, or a latest base that does
// not hold the commune at all, OK: the import that brings the commune's
// figures reports the gaps (PerimeterGaps). Errors: kInvalidArgument naming
// `perimeter[i]` and the territory.
absl::Status CheckPerimeterInBase(absl::string_view commune,
                                  const std::vector<std::string>& perimeter,
                                  const CommuneTerritories& base);

// The codes of `perimeter` that `base` does not hold for the commune, in
// perimeter order (empty when every territory is served). For the report
// of an import that becomes the latest period.
std::vector<std::string> PerimeterGaps(
    const std::vector<std::string>& perimeter, const CommuneTerritories& base);

}  // namespace ctg::policy

#endif  // CTG_POLICY_CONVENTION_H_
