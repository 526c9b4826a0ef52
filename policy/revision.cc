#include "policy/revision.h"

#include "absl/strings/str_cat.h"

namespace ctg::policy {

absl::Status CheckNotARevision(const PeriodFacts& facts) {
  // R7: a figure masked or never published must not become derivable by
  // difference between two versions of the same period's base, so a period
  // released even once is never replaced.
  if (facts.releases == 0 || facts.same_content) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "period ", facts.period, " was already released (", facts.releases,
      facts.releases == 1 ? " extract" : " extracts", " to ", facts.communes,
      facts.communes == 1 ? " commune" : " communes",
      "): importing it again would be a revision, and the differences between "
      "the two "
      "versions could reveal changes concerning fewer than five allocataires "
      "(secret "
      "statistique). Nothing was imported; the base of ",
      facts.period,
      " stays as released. Carry corrections into the base of a later "
      "period."));
}

}  // namespace ctg::policy
