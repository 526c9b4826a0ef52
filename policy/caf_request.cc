#include "policy/caf_request.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "policy/text.h"

namespace ctg::policy {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

std::string Quote(absl::string_view value) {
  bool cut = value.size() > 64;
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, 64)),
                      cut ? "...\"" : "\"");
}

bool IsColumnName(absl::string_view s) {
  if (s.empty() || s.size() > 64 ||
      !absl::ascii_islower(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  for (char c : s) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

bool IsPeriod(absl::string_view s) {
  auto digits = [](absl::string_view d) {
    for (char c : d) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  };
  if (s.size() == 4) return digits(s);
  if (s.size() != 7 || s[4] != '-' || !digits(s.substr(0, 4)) ||
      !digits(s.substr(5))) {
    return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  return month >= 1 && month <= 12;
}

// Count and duplicates of one list, then `bad` for each item ("" if fine).
template <typename Bad>
absl::Status CheckItems(const std::string& field,
                        const std::vector<std::string>& items, size_t max_items,
                        Bad bad) {
  if (items.size() > max_items) {
    return Invalid(field,
                   absl::StrCat(items.size(), " items, at most ", max_items));
  }
  std::set<absl::string_view> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item = absl::StrCat(field, "[", i, "]");
    if (!seen.insert(items[i]).second) {
      return Invalid(item, absl::StrCat(Quote(items[i]), " is a duplicate"));
    }
    if (std::string why = bad(items[i]); !why.empty()) {
      return Invalid(item, absl::StrCat(Quote(items[i]), " ", why));
    }
  }
  return absl::OkStatus();
}

bool HasColumn(const DataTemplate& tmpl, absl::string_view column) {
  for (const std::string& c : tmpl.columns) {
    if (c == column) return true;
  }
  return false;
}

}  // namespace

absl::Status ValidateTemplate(const DataTemplate& tmpl,
                              const Perimeter& perimeter,
                              const CafRequestLimits& caf_limits,
                              absl::string_view field) {
  const std::string f(field);
  if (tmpl.columns.empty())
    return Invalid(f + ".columns", "at least one required");
  CTG_RETURN_IF_ERROR(CheckItems(
      f + ".columns", tmpl.columns, caf_limits.max_columns,
      [](const std::string& c) {
        return IsColumnName(c) ? std::string()
                               : std::string(
                                     "is not a column name (1-64 of "
                                     "a-z, 0-9, '_', starting with a "
                                     "letter)");
      }));
  // R1 feasibility: the commune is asked only about its convention's
  // territories.
  CTG_RETURN_IF_ERROR(CheckItems(
      f + ".territories", tmpl.territories, caf_limits.max_territories,
      [&](const std::string& t) {
        return perimeter.territories.count(t)
                   ? std::string()
                   : absl::StrCat("is not in the perimeter of convention ",
                                  perimeter.convention_id);
      }));
  CTG_RETURN_IF_ERROR(
      CheckItems(f + ".periods", tmpl.periods, caf_limits.max_periods,
                 [](const std::string& p) {
                   return IsPeriod(p) ? std::string()
                                      : std::string(
                                            "is not a year (2023) "
                                            "nor a month (2023-06)");
                 }));
  if (!tmpl.territories.empty() && !HasColumn(tmpl, kTerritoryColumn)) {
    return Invalid(f + ".columns",
                   absl::StrCat("a \"", kTerritoryColumn,
                                "\" column is required when territories "
                                "are listed"));
  }
  if (!tmpl.periods.empty() && !HasColumn(tmpl, kPeriodColumn)) {
    return Invalid(f + ".columns",
                   absl::StrCat("a \"", kPeriodColumn,
                                "\" column is required when periods are "
                                "listed"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCafSubmission(const CafSubmission& submission,
                                   const Perimeter& perimeter,
                                   const RequestLimits& limits,
                                   const CafRequestLimits& caf_limits) {
  // R2: the declared purpose and the objective it serves.
  CTG_RETURN_IF_ERROR(ValidateText("purpose", submission.purpose,
                                   limits.max_purpose_chars,
                                   Presence::kRequired, TextKind::kParagraph));
  CTG_RETURN_IF_ERROR(ValidateText("objective", submission.objective,
                                   limits.max_objective_chars,
                                   Presence::kRequired, TextKind::kLine));
  CTG_RETURN_IF_ERROR(ValidateText("description", submission.description,
                                   caf_limits.max_description_chars,
                                   Presence::kRequired, TextKind::kParagraph));
  if (submission.data_template) {
    CTG_RETURN_IF_ERROR(
        ValidateTemplate(*submission.data_template, perimeter, caf_limits));
  }
  CTG_RETURN_IF_ERROR(ValidateRecipients(submission.recipients, limits));
  for (size_t i = 0; i < submission.recipients.size(); ++i) {
    if (submission.recipients[i].kind != RecipientKind::kOwnService) {
      return Invalid(absl::StrCat("recipients[", i, "].kind"),
                     "must be OWN_SERVICE: the Caf declares its own services");
    }
  }
  return ValidateRetention(submission.retention_months, limits);
}

absl::Status ValidateCafAmendment(const CafAmendment& amendment,
                                  absl::string_view recorded_purpose,
                                  const Perimeter& perimeter,
                                  const RequestLimits& limits,
                                  const CafRequestLimits& caf_limits) {
  CTG_RETURN_IF_ERROR(
      CheckPurposeUnchanged(recorded_purpose, amendment.purpose));
  CTG_RETURN_IF_ERROR(ValidateText("answer", amendment.answer,
                                   limits.max_answer_chars, Presence::kRequired,
                                   TextKind::kParagraph));
  CTG_RETURN_IF_ERROR(ValidateText("description", amendment.description,
                                   caf_limits.max_description_chars,
                                   Presence::kOptional, TextKind::kParagraph));
  if (amendment.data_template) {
    CTG_RETURN_IF_ERROR(
        ValidateTemplate(*amendment.data_template, perimeter, caf_limits));
  }
  return absl::OkStatus();
}

}  // namespace ctg::policy
