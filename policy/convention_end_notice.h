// R11: what a release made while its convention is under a termination
// notice must tell its recipient: the day the convention ends and what
// that means for the data already released (convention Art. 10, Art. 12).
//
// Pure: the day is passed in by the caller. Thread-safe (no state).
#ifndef CTG_POLICY_CONVENTION_END_NOTICE_H_
#define CTG_POLICY_CONVENTION_END_NOTICE_H_

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "policy/convention.h"

namespace ctg::policy {

// The end of a convention under termination notice, as a release states it.
struct ConventionEndNotice {
  std::string convention_id;
  // The day the notice was given (unset if none was recorded).
  std::optional<absl::CivilDay> notice_day;
  absl::CivilDay last_day;   // the last day data may be released
  absl::CivilDay effective;  // last_day + 1: nothing is released from then
  // What the end means for the released data, with the rules it follows.
  std::string conditions;
};

// R11: the notice a release on `today` carries: set only while the
// convention's termination is notified and not yet effective (status
// TERMINATION_NOTIFIED); unset for an active convention without notice, and
// for one that allows no release at all (suspended, ended, not yet valid).
std::optional<ConventionEndNotice> EndNoticeForRelease(
    const ConventionTerms& terms, absl::CivilDay today);

}  // namespace ctg::policy

#endif  // CTG_POLICY_CONVENTION_END_NOTICE_H_
