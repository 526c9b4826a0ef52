// Verification of the signed receipt that ends every extract stream: the
// commune's own proof of what it received and when (R9; as X-Road gives both
// parties a signed record of each exchange).
//
// A receipt holds the release's audit event (canonical bytes), a checkpoint
// signed by the gateway just after the release, and the RFC 6962 inclusion
// proof of the event in that checkpoint. Thread-safe (pure).
#ifndef CTG_EXTRACT_RECEIPT_H_
#define CTG_EXTRACT_RECEIPT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/event.h"
#include "audit/note_key.h"
#include "ctg/v1/extracts.pb.h"

namespace ctg::extract {

// Checks that the checkpoint is signed by `key`, that the event is included
// in it, and that the event records the successful release of
// `extract_sha256` for `request_id`, with the convention end date the
// receipt tells (R11: fact "convention_ends", none without a termination
// notice) and the whole notice it tells (fact "convention_end_sha256":
// ConventionEndDigest), so that a recipient cannot edit the convention,
// the notice date or the rules the data stay under. Returns the event.
// Errors (kDataLoss): each check that fails, named.
absl::StatusOr<audit::Event> VerifyReceipt(
    const ctg::v1::ReleaseReceipt& receipt, const std::string& extract_sha256,
    const std::string& request_id, const audit::NoteVerifier& key);

// The checks of VerifyReceipt that hold for any event's receipt (an
// upload, a download of a commune's data, an onward-transfer decision): the
// checkpoint is signed by `key` and the event is included in it. Returns
// the event, for the caller to check its method and facts. Errors
// (kDataLoss): each check that fails, named.
absl::StatusOr<audit::Event> VerifyEventReceipt(
    const ctg::v1::ReleaseReceipt& receipt, const audit::NoteVerifier& key);

// R11: the release event's fact holding ConventionEndDigest of the
// termination notice its receipt carries.
inline constexpr char kConventionEndDigestFact[] = "convention_end_sha256";

// The SHA-256 (hex) of a termination notice as a receipt's JSON writes it
// (every field, in order).
std::string ConventionEndDigest(const ctg::v1::ConventionEndNotice& notice);

// The value of fact `key` of `event`, "" when it has none.
std::string EventFact(const audit::Event& event, absl::string_view key);

// The receipt as a JSON object (for a file saved beside the extract):
// sequence, tree size, checkpoint note, proof hashes (hex), the event's
// canonical bytes (hex); for a release under a termination notice,
// "convention_end": {convention_id, notice_date, end_date, effective_date,
// conditions}; and, for an extract's receipt that lists
// onward-transfer agreements, "agreements": [{id, recipient, purpose,
// state, receipt}] (the shape `ctg transfer show --attach` adds).
std::string ReceiptJson(const ctg::v1::ReleaseReceipt& receipt);

// R3: an onward-transfer agreement carried by a release's receipt (listed
// by the gateway at the release, or attached later by the commune), once
// its decision's receipt is checked.
struct VerifiedAgreement {
  std::string id;
  // From the decision's signed event.
  std::string recipient;
  std::string purpose;
  std::string reasons;
  bool approved = false;
  uint64_t decision_sequence = 0;
  // The release event names it (fact "transfer_agreements"): it was
  // approved and in force when the extract was released.
  bool listed_by_release = false;
};

// The agreement ids the release event names (fact "transfer_agreements",
// separated by commas); none for a release without agreements.
std::vector<std::string> ReleaseAgreementIds(const audit::Event& release);

// Checks `agreements` against the verified release event `release`: each
// decision's receipt verifies with `key` and records the Caf's successful
// decision on that agreement about the release of `release_sha256`, on the
// recipient and purpose the agreement states (when it states them); every
// agreement the release names is there and approved. Errors (kDataLoss)
// name the agreement.
absl::StatusOr<std::vector<VerifiedAgreement>> VerifyReleaseAgreements(
    const audit::Event& release,
    const std::vector<ctg::v1::ReleaseAgreement>& agreements,
    const std::string& release_sha256, const audit::NoteVerifier& key);

}  // namespace ctg::extract

#endif  // CTG_EXTRACT_RECEIPT_H_
