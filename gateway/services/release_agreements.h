// Onward-transfer agreements (R3) as other calls than their own service see
// them: the state an agreement is in now (ENDED is computed from its
// request and convention, never stored), and the agreements a release's
// receipt lists (GetExtract), with their decisions' receipts.
//
// Plain functions over a store session; thread-safe as the store is.
#ifndef CTG_GATEWAY_SERVICES_RELEASE_AGREEMENTS_H_
#define CTG_GATEWAY_SERVICES_RELEASE_AGREEMENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/extracts.pb.h"
#include "gateway/audit_log.h"
#include "policy/request_state.h"
#include "policy/transfer_agreement.h"
#include "store/backend.h"
#include "store/session.h"
#include "store/transfer_agreement_store.h"

namespace ctg::gateway {

// What an agreement's life depends on: its request and its convention.
struct AgreementCarrierNow {
  policy::AgreementCarrier carrier;  // revoked, ended, suspended
  std::string convention_id;
  policy::RequestState request_state = policy::RequestState::kApproved;
};

// The carrier of the agreements on request `request_id`'s releases at `now`.
// Errors: the store's (kNotFound for an unknown request).
absl::StatusOr<AgreementCarrierNow> AgreementCarrierOf(
    store::ReadSession& session, const std::string& request_id, absl::Time now);

// The state `row` is in given its carrier (policy::EffectiveAgreementState);
// when ENDED and `end_reason` is not null, why.
policy::AgreementState AgreementStateWith(const store::AgreementRow& row,
                                          const AgreementCarrierNow& carrier,
                                          std::string* end_reason = nullptr);

// The state `row` is in at `now` (policy::EffectiveAgreementState); when
// ENDED and `end_reason` is not null, why (`request REQ-1 was revoked
// (R10)`, `convention CTG-33069-1 ended (R11)`).
absl::StatusOr<policy::AgreementState> AgreementStateNow(
    store::ReadSession& session, const store::AgreementRow& row, absl::Time now,
    std::string* end_reason = nullptr);

// An agreement a release's receipt lists, and its decision's audit event.
struct ListedAgreement {
  store::AgreementRow row;
  uint64_t decision_event = 0;
};

// R3: the agreements on release `extract_id` that its receipt lists at
// `now` (policy::ListedInReleaseReceipt), oldest first.
absl::StatusOr<std::vector<ListedAgreement>> AgreementsForReceipt(
    store::ReadSession& session, const std::string& extract_id, absl::Time now);

// The value of the release event's fact "transfer_agreements": the ids of
// `listed`, separated by commas.
std::string AgreementIdsFact(const std::vector<ListedAgreement>& listed);

// Appends `listed` to `receipt` with each decision's signed receipt (as
// BuildEventReceipt: call once the release is committed).
absl::Status AddAgreementsToReceipt(AuditLog& audit_log, store::Backend& db,
                                    const std::vector<ListedAgreement>& listed,
                                    ctg::v1::ReleaseReceipt* receipt);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_RELEASE_AGREEMENTS_H_
