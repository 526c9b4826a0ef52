#include "gateway/calendar.h"

namespace ctg::gateway {

const absl::TimeZone& CafTimeZone() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone();
    if (!absl::LoadTimeZone("Europe/Paris", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}

absl::CivilDay CafDay(absl::Time t) {
  return absl::ToCivilDay(t, CafTimeZone());
}

}  // namespace ctg::gateway
