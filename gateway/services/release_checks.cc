#include "gateway/services/release_checks.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/services/convention_end_proto.h"
#include "gateway/services/request_proto.h"
#include "policy/convention.h"
#include "policy/request_state.h"
#include "store/convention_store.h"
#include "store/release_ledger.h"

namespace ctg::gateway {

std::vector<std::string> DeclaredOperators(const store::StoredRequest& r) {
  std::vector<std::string> persons;
  for (const store::RecipientRow& rec : r.request.recipients) {
    if (rec.kind == ctg::v1::Recipient::OPERATOR)
      persons.push_back(rec.operator_person);
  }
  return persons;
}

absl::Status CheckReleasable(store::ReadSession& session,
                             const std::string& request_id,
                             const policy::Identity& caller, absl::Time now,
                             int* download_quota) {
  CTG_ASSIGN_OR_RETURN(store::StoredRequest r,
                       session.requests().Get(request_id));
  CTG_RETURN_IF_ERROR(policy::CheckMayDownload(
      caller, r.request.commune, request_id, DeclaredOperators(r)));
  // 1. R10, R11: the convention allows releases today.
  CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                       session.conventions().Get(r.request.convention_id));
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  CTG_RETURN_IF_ERROR(policy::CheckConventionActive(terms, CafDay(now)));
  // 2. R1: approved, and neither expired nor revoked.
  CTG_ASSIGN_OR_RETURN(policy::RequestState state,
                       EffectiveRequestState(r, convention, now));
  if (state != policy::RequestState::kApproved || !r.approval) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request ", request_id, " is ", policy::RequestStateName(state),
        ": only an APPROVED request can be downloaded"));
  }
  // 3. The download quota of the approval.
  CTG_ASSIGN_OR_RETURN(int used,
                       session.releases().CountForRequest(request_id));
  if (used >= r.approval->download_quota) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the download quota of request ", request_id, " is spent (", used,
        " of ", r.approval->download_quota, ")"));
  }
  *download_quota = r.approval->download_quota;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<policy::ConventionEndNotice>> ReleaseEndNotice(
    store::ReadSession& session, const std::string& request_id,
    absl::Time now) {
  CTG_ASSIGN_OR_RETURN(store::StoredRequest r,
                       session.requests().Get(request_id));
  CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                       session.conventions().Get(r.request.convention_id));
  return EndNoticeAt(convention, now);
}

}  // namespace ctg::gateway
