// The one rule for times and dates `ctg` prints: times are local time (TZ,
// or the system's zone) with their UTC offset, "2026-12-01 14:03 +01:00";
// days typed on the command line (--until, --from, --notice-date) are days
// of the Caf's calendar (Europe/Paris) and are printed back as typed.
// Thread-safe (the zones are loaded once).
#ifndef CTG_CLI_TIME_TEXT_H_
#define CTG_CLI_TIME_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ctg::cli {

// The Caf's calendar (Europe/Paris; UTC when the zone database is missing).
const absl::TimeZone& CafZone();

// "2026-12-01 14:03 +01:00" in the local zone; with seconds when asked.
std::string LocalTimeText(absl::Time t, bool seconds = false);

// The last day an approval ending at `end` covers, as the reviewer typed it
// with --until (an approval "until D" ends at the start of D + 1 in the Caf's
// calendar): "2027-06-30". An end that is not at a Caf midnight is printed
// as the last instant covered, a time (LocalTimeText).
std::string ApprovalEndText(absl::Time end);

// A start time from --since/--until style text: RFC 3339
// ("2026-12-01T08:00:00+01:00"), "YYYY-MM-DD HH:MM[:SS]" (local time) or a
// plain date YYYY-MM-DD (its first instant in the Caf's calendar). Errors
// (kInvalidArgument) name --`flag` and the forms accepted.
absl::StatusOr<absl::Time> ParseTimeFlag(const std::string& text,
                                         const std::string& flag);

}  // namespace ctg::cli

#endif  // CTG_CLI_TIME_TEXT_H_
