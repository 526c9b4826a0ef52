// The gateway's calendar: conventions are dated in civil days of the Caf's
// time zone (Europe/Paris), whatever the server's own zone.
#ifndef CTG_GATEWAY_CALENDAR_H_
#define CTG_GATEWAY_CALENDAR_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ctg::gateway {

// Europe/Paris (UTC if the zone database is missing).
const absl::TimeZone& CafTimeZone();
absl::CivilDay CafDay(absl::Time t);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_CALENDAR_H_
