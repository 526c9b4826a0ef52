#include "gateway/services/convention_end_proto.h"

#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"

namespace ctg::gateway {

absl::StatusOr<std::optional<policy::ConventionEndNotice>> EndNoticeAt(
    const store::ConventionRow& convention, absl::Time now) {
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  return policy::EndNoticeForRelease(terms, CafDay(now));
}

void EndNoticeToProto(const policy::ConventionEndNotice& in,
                      ctg::v1::ConventionEndNotice* out) {
  out->set_convention_id(in.convention_id);
  if (in.notice_day) out->set_notice_date(policy::FormatDate(*in.notice_day));
  out->set_end_date(policy::FormatDate(in.last_day));
  out->set_effective_date(policy::FormatDate(in.effective));
  out->set_conditions(in.conditions);
}

}  // namespace ctg::gateway
