#include "policy/convention.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "policy/territory_code.h"

namespace ctg::policy {
namespace {

bool IsIrisOf(absl::string_view code, absl::string_view commune) {
  return IsIrisCode(code) && absl::StartsWith(code, commune);
}

}  // namespace

absl::string_view ConventionStatusName(ConventionStatus status) {
  switch (status) {
    case ConventionStatus::kActive:
      return "ACTIVE";
    case ConventionStatus::kNotYetValid:
      return "NOT_YET_VALID";
    case ConventionStatus::kSuspended:
      return "SUSPENDED";
    case ConventionStatus::kTerminationNotified:
      return "TERMINATION_NOTIFIED";
    case ConventionStatus::kEnded:
      return "ENDED";
  }
  return "UNKNOWN";
}

ConventionStatus EffectiveStatus(const ConventionTerms& terms,
                                 absl::CivilDay today) {
  if (today > terms.valid_until) return ConventionStatus::kEnded;  // R11
  if (terms.termination_effective && today >= *terms.termination_effective) {
    return ConventionStatus::kEnded;  // R11: terminated
  }
  if (terms.suspended) return ConventionStatus::kSuspended;  // R10
  if (today < terms.valid_from) return ConventionStatus::kNotYetValid;
  if (terms.termination_effective)
    return ConventionStatus::kTerminationNotified;
  return ConventionStatus::kActive;
}

bool HasEnded(const ConventionTerms& terms, absl::CivilDay today) {
  return EffectiveStatus(terms, today) == ConventionStatus::kEnded;  // R11
}

absl::CivilDay ConventionEndDay(const ConventionTerms& terms) {
  absl::CivilDay end = terms.valid_until + 1;
  if (terms.termination_effective && *terms.termination_effective < end) {
    end = *terms.termination_effective;
  }
  return end;
}

absl::Time ConventionEndTime(const ConventionTerms& terms,
                             const absl::TimeZone& zone) {
  return absl::FromCivil(ConventionEndDay(terms), zone);
}

absl::Status CheckConventionActive(const ConventionTerms& terms,
                                   absl::CivilDay today) {
  switch (EffectiveStatus(terms, today)) {
    case ConventionStatus::kActive:
    case ConventionStatus::kTerminationNotified:
      return absl::OkStatus();
    case ConventionStatus::kNotYetValid:
      return absl::FailedPreconditionError(
          absl::StrCat("convention ", terms.id, " is not valid before ",
                       FormatDate(terms.valid_from)));
    case ConventionStatus::kSuspended:
      return absl::FailedPreconditionError(
          absl::StrCat("convention ", terms.id,
                       " is suspended by the Caf: no request and no release "
                       "until it is reinstated"));
    case ConventionStatus::kEnded: {
      absl::CivilDay end = ConventionEndDay(terms);
      return absl::FailedPreconditionError(absl::StrCat(
          "convention ", terms.id, " ended on ", FormatDate(end - 1),
          ": no request and no release (confidentiality duties remain)"));
    }
  }
  return absl::InternalError("unknown convention status");
}

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  absl::CivilMonth month = absl::CivilMonth(day) + months;
  absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  int dom = std::min<int>(day.day(), last.day());
  return absl::CivilDay(month.year(), month.month(), dom);
}

absl::StatusOr<absl::CivilDay> TerminationEffectiveDate(
    absl::CivilDay notice, std::optional<absl::CivilDay> agreed) {
  absl::CivilDay by_notice = AddMonths(notice, 3);  // R11: three months' notice
  if (!agreed) return by_notice;
  if (*agreed < notice) {
    return absl::InvalidArgumentError(
        absl::StrCat("effective_date ", FormatDate(*agreed),
                     " is before the notice date ", FormatDate(notice)));
  }
  if (*agreed > by_notice) {
    return absl::InvalidArgumentError(absl::StrCat(
        "effective_date ", FormatDate(*agreed),
        " is later than the three months' notice (", FormatDate(by_notice),
        "); leave it empty for the default"));
  }
  return *agreed;
}

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text,
                                         absl::string_view field) {
  int y = 0, m = 0, d = 0;
  bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
               absl::SimpleAtoi(text.substr(0, 4), &y) &&
               absl::SimpleAtoi(text.substr(5, 2), &m) &&
               absl::SimpleAtoi(text.substr(8, 2), &d);
  absl::CivilDay day(y, m, d);
  if (!shape || y < 1900 || y > 9999 || day.year() != y || day.month() != m ||
      day.day() != d) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text, "\" is not a date YYYY-MM-DD"));
  }
  return day;
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::Status ValidatePerimeter(absl::string_view commune,
                               const std::vector<std::string>& perimeter) {
  if (!IsCommuneCode(commune)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "commune: \"", commune, "\" is not an INSEE commune code"));
  }
  std::set<std::string> seen;
  bool has_commune = false;
  for (size_t i = 0; i < perimeter.size(); ++i) {
    const std::string& code = perimeter[i];
    std::string field = absl::StrCat("perimeter[", i, "]");
    if (!seen.insert(code).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", code, "\" is listed twice"));
    }
    if (code == commune) {
      has_commune = true;
    } else if (!IsIrisOf(code, commune) && !IsQpvCode(code)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", code, "\" is neither commune ", commune,
                       ", one of its IRIS (", commune, "NNNN) nor a QPV code"));
    }
  }
  if (!has_commune) {
    return absl::InvalidArgumentError(absl::StrCat(
        "perimeter must include the commune ", commune, " itself"));
  }
  return absl::OkStatus();
}

absl::Status CheckPerimeterInBase(absl::string_view commune,
                                  const std::vector<std::string>& perimeter,
                                  const CommuneTerritories& base) {
  // No base yet, or none holding the commune: the import that brings the
  // commune's figures reports the gaps (PerimeterGaps).
  if (base.period.empty() || !base.codes.count(std::string(commune)))
    return absl::OkStatus();
  for (size_t i = 0; i < perimeter.size(); ++i) {
    const std::string& code = perimeter[i];
    if (base.codes.count(code)) continue;
    // R2: the commune may only ask about its own territories, and only about
    // territories the base can serve.
    if (base.elsewhere.count(code)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "perimeter[", i, "]: territory ", code, " lies outside commune ",
          commune, " (in the statistical base of ", base.period,
          " it has no part in the commune)"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("perimeter[", i, "]: territory ", code,
                     " is not in the statistical base of ", base.period,
                     " for commune ", commune,
                     " (the territories it holds for the commune: `ctg "
                     "catalogue territories --commune ",
                     commune, "`)"));
  }
  return absl::OkStatus();
}

std::vector<std::string> PerimeterGaps(
    const std::vector<std::string>& perimeter, const CommuneTerritories& base) {
  std::vector<std::string> gaps;
  for (const std::string& code : perimeter) {
    if (!base.codes.count(code)) gaps.push_back(code);
  }
  return gaps;
}

}  // namespace ctg::policy
