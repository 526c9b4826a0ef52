#include "policy/convention_end_notice.h"

#include "absl/strings/str_cat.h"

namespace ctg::policy {
namespace {

// The convention has no destruction clause: Art. 10 keeps the commitments
// made before the termination binding until their term, and Art. 12 keeps
// confidentiality after the end. So the data released stay under the
// conditions of their release; only new releases stop.
std::string Conditions(const ConventionEndNotice& n) {
  const std::string last = FormatDate(n.last_day);
  return absl::StrCat(
      "Convention ", n.convention_id, " is terminated with notice",
      n.notice_day ? absl::StrCat(" given on ", FormatDate(*n.notice_day)) : "",
      ": it ends on ", last, " and from ", FormatDate(n.effective),
      " nothing more is released under it (R11, Art. 10). Data released "
      "before the end stay bound by the commitments of their release until "
      "their term (Art. 10: \"les parties seront tenues des engagements pris "
      "antérieurement à celle-ci jusqu'à leur terme\"): use only for the "
      "declared purpose (R2), for no longer than the retention declared on "
      "the request, no onward transfer without the Caf's prior agreement "
      "(R3), source mention on every use (R4). Professional secrecy and "
      "confidentiality survive the end of the convention (R8, R11, Art. 12). "
      "The convention sets no earlier destruction date.");
}

}  // namespace

std::optional<ConventionEndNotice> EndNoticeForRelease(
    const ConventionTerms& terms, absl::CivilDay today) {
  // R11: only a termination notified and not yet in effect; a release on
  // any other status is refused by CheckConventionActive or has no end
  // to announce beyond the validity window.
  if (EffectiveStatus(terms, today) != ConventionStatus::kTerminationNotified)
    return std::nullopt;
  ConventionEndNotice n;
  n.convention_id = terms.id;
  // The termination's day, or the end of the window when that comes first.
  n.effective = ConventionEndDay(terms);
  n.last_day = n.effective - 1;
  n.notice_day = terms.termination_notice;
  n.conditions = Conditions(n);
  return n;
}

}  // namespace ctg::policy
