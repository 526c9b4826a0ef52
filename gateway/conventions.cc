#include "gateway/conventions.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/echo.h"
#include "base/status_macros.h"

namespace ctg::gateway {

absl::StatusOr<policy::ConventionTerms> TermsOf(
    const store::ConventionRow& row) {
  policy::ConventionTerms terms;
  terms.id = row.id;
  auto from = policy::ParseDate(row.valid_from, "valid_from");
  auto until = policy::ParseDate(row.valid_until, "valid_until");
  if (!from.ok() || !until.ok()) {
    return absl::DataLossError(
        absl::StrCat("convention ", row.id, " has unreadable dates"));
  }
  terms.valid_from = *from;
  terms.valid_until = *until;
  terms.suspended = row.suspended;
  if (!row.termination_effective_date.empty()) {
    auto effective =
        policy::ParseDate(row.termination_effective_date, "effective");
    if (!effective.ok()) {
      return absl::DataLossError(
          absl::StrCat("convention ", row.id, " has unreadable dates"));
    }
    terms.termination_effective = *effective;
    auto notice = policy::ParseDate(row.termination_notice_date, "notice");
    if (notice.ok()) terms.termination_notice = *notice;
  }
  return terms;
}

absl::StatusOr<store::ConventionRow> CurrentConvention(
    store::ReadSession& session, const std::string& commune,
    absl::CivilDay today) {
  CTG_ASSIGN_OR_RETURN(std::vector<store::ConventionRow> rows,
                       session.conventions().List(commune, "", 1000));
  if (rows.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "commune ", commune,
        " has no convention with the Caf: no request can be filed"));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.create_time_us > b.create_time_us;
  });
  for (const store::ConventionRow& row : rows) {
    CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(row));
    if (terms.valid_from <= today && today <= terms.valid_until) return row;
  }
  return rows.front();
}

absl::StatusOr<store::ConventionRow> ReadableConvention(
    store::ReadSession& session, const std::string& id,
    const policy::Identity& caller) {
  auto row = session.conventions().Get(id);
  if (!row.ok()) return row.status();
  if (caller.IsCommune() && row->commune != caller.organisation) {
    // Same answer as a missing one: another commune's convention does not
    // exist for this caller.
    return absl::NotFoundError(
        absl::StrCat("convention ", BoundedEcho(id), " not found"));
  }
  return row;
}

bool InPerimeter(const store::ConventionRow& convention,
                 const std::string& territory,
                 const std::string& territory_commune) {
  if (convention.perimeter.size() == 1 &&
      convention.perimeter[0] == convention.commune) {
    return territory == convention.commune ||
           territory_commune == convention.commune;
  }
  return std::find(convention.perimeter.begin(), convention.perimeter.end(),
                   territory) != convention.perimeter.end();
}

}  // namespace ctg::gateway
