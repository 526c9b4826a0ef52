#include "cli/time_text.h"

#include "absl/strings/str_cat.h"

namespace ctg::cli {

const absl::TimeZone& CafZone() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone();
    if (!absl::LoadTimeZone("Europe/Paris", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}

std::string LocalTimeText(absl::Time t, bool seconds) {
  return absl::FormatTime(
      seconds ? "%Y-%m-%d %H:%M:%S %Ez" : "%Y-%m-%d %H:%M %Ez", t,
      absl::LocalTimeZone());
}

std::string ApprovalEndText(absl::Time end) {
  absl::CivilSecond at = absl::ToCivilSecond(end, CafZone());
  if (at != absl::CivilSecond(absl::CivilDay(at)))
    return LocalTimeText(end - absl::Seconds(1), true);
  return absl::FormatCivilTime(absl::CivilDay(at) - 1);
}

absl::StatusOr<absl::Time> ParseTimeFlag(const std::string& text,
                                         const std::string& flag) {
  absl::Time t;
  std::string ignored;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &ignored)) return t;
  absl::CivilSecond second;
  absl::CivilDay day;
  if (text.size() == 10 && absl::ParseCivilTime(text, &day)) {
    return absl::FromCivil(day, CafZone());
  }
  if (text.size() > 10 && (text[10] == ' ' || text[10] == 'T') &&
      absl::ParseLenientCivilTime(text.substr(0, 10) + "T" + text.substr(11),
                                  &second)) {
    return absl::FromCivil(second, absl::LocalTimeZone());
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, " ", text,
                   ": expected a date (2026-12-01), a local time (\"2026-12-01 "
                   "08:00\") or an RFC 3339 "
                   "time (2026-12-01T08:00:00+01:00)"));
}

}  // namespace ctg::cli
