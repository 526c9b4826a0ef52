#include "gateway/services/release_agreements.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/services/event_receipt.h"
#include "gateway/services/request_proto.h"
#include "policy/convention.h"

namespace ctg::gateway {
namespace {

using policy::AgreementState;

// Agreements on one release: a handful; more than this is refused rather
// than silently cut from the receipt.
constexpr int kMaxAgreementsPerRelease = 1000;

AgreementState StoredState(const store::AgreementRow& row) {
  return row.decision ? static_cast<AgreementState>(row.decision->state)
                      : AgreementState::kRequested;
}

}  // namespace

absl::StatusOr<AgreementCarrierNow> AgreementCarrierOf(
    store::ReadSession& session, const std::string& request_id,
    absl::Time now) {
  CTG_ASSIGN_OR_RETURN(store::StoredRequest request,
                       session.requests().Get(request_id));
  CTG_ASSIGN_OR_RETURN(
      store::ConventionRow convention,
      session.conventions().Get(request.request.convention_id));
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  AgreementCarrierNow c;
  c.convention_id = convention.id;
  CTG_ASSIGN_OR_RETURN(c.request_state,
                       EffectiveRequestState(request, convention, now));
  c.carrier = policy::CarrierOf(c.request_state, terms, CafDay(now));
  return c;
}

AgreementState AgreementStateWith(const store::AgreementRow& row,
                                  const AgreementCarrierNow& c,
                                  std::string* end_reason) {
  AgreementState state = policy::EffectiveAgreementState(
      StoredState(row), c.carrier.request_revoked, c.carrier.convention_ended);
  if (state == AgreementState::kEnded && end_reason != nullptr) {
    *end_reason =
        c.carrier.request_revoked
            ? absl::StrCat("request ", row.request_id, " was revoked (R10)")
            : absl::StrCat("convention ", c.convention_id, " ended (R11)");
  }
  return state;
}

absl::StatusOr<AgreementState> AgreementStateNow(store::ReadSession& session,
                                                 const store::AgreementRow& row,
                                                 absl::Time now,
                                                 std::string* end_reason) {
  CTG_ASSIGN_OR_RETURN(AgreementCarrierNow c,
                       AgreementCarrierOf(session, row.request_id, now));
  return AgreementStateWith(row, c, end_reason);
}

absl::StatusOr<std::vector<ListedAgreement>> AgreementsForReceipt(
    store::ReadSession& session, const std::string& extract_id,
    absl::Time now) {
  store::AgreementFilter filter;
  filter.extract_id = extract_id;
  CTG_ASSIGN_OR_RETURN(
      std::vector<store::AgreementRow> rows,
      session.agreements().List(filter, kMaxAgreementsPerRelease + 1));
  if (rows.size() > kMaxAgreementsPerRelease) {
    return absl::ResourceExhaustedError(
        absl::StrCat("release ", extract_id, " has more than ",
                     kMaxAgreementsPerRelease, " onward-transfer agreements"));
  }
  std::vector<ListedAgreement> out;
  for (store::AgreementRow& row : rows) {
    CTG_ASSIGN_OR_RETURN(AgreementState state,
                         AgreementStateNow(session, row, now));
    if (!policy::ListedInReleaseReceipt(state)) continue;
    CTG_ASSIGN_OR_RETURN(uint64_t event,
                         session.agreements().DecisionEvent(row.id));
    out.push_back({std::move(row), event});
  }
  std::reverse(out.begin(), out.end());  // the store lists newest first
  return out;
}

std::string AgreementIdsFact(const std::vector<ListedAgreement>& listed) {
  return absl::StrJoin(listed, ",",
                       [](std::string* out, const ListedAgreement& a) {
                         out->append(a.row.id);
                       });
}

absl::Status AddAgreementsToReceipt(AuditLog& audit_log, store::Backend& db,
                                    const std::vector<ListedAgreement>& listed,
                                    ctg::v1::ReleaseReceipt* receipt) {
  for (const ListedAgreement& a : listed) {
    if (a.decision_event == 0) {
      return absl::InternalError(
          absl::StrCat("agreement ", a.row.id,
                       " is APPROVED but its decision has no event"));
    }
    ctg::v1::ReleaseAgreement* out = receipt->add_agreements();
    out->set_id(a.row.id);
    out->set_recipient(a.row.recipient);
    out->set_purpose(a.row.purpose);
    CTG_RETURN_IF_ERROR(BuildEventReceipt(audit_log, db, a.decision_event,
                                          out->mutable_decision_receipt()));
  }
  return absl::OkStatus();
}

}  // namespace ctg::gateway
