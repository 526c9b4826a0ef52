#include "extract/receipt.h"

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/hash.h"
#include "audit/merkle_proof.h"
#include "base/json.h"
#include "base/status_macros.h"

namespace ctg::extract {
namespace {

absl::Status Bad(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("release receipt: ", what));
}

std::string FactOf(const audit::Event& event, absl::string_view key) {
  for (const audit::Fact& f : event.facts) {
    if (f.key == key) return f.value;
  }
  return "";
}

// A termination notice as a JSON object: its text in a receipt, and the
// bytes of its digest.
std::string ConventionEndObject(const ctg::v1::ConventionEndNotice& e) {
  return absl::StrCat("{\"convention_id\":", JsonString(e.convention_id()),
                      ",\"notice_date\":", JsonString(e.notice_date()),
                      ",\"end_date\":", JsonString(e.end_date()),
                      ",\"effective_date\":", JsonString(e.effective_date()),
                      ",\"conditions\":", JsonString(e.conditions()), "}");
}

}  // namespace

std::string EventFact(const audit::Event& event, absl::string_view key) {
  return FactOf(event, key);
}

absl::StatusOr<audit::Event> VerifyEventReceipt(
    const ctg::v1::ReleaseReceipt& receipt, const audit::NoteVerifier& key) {
  auto checkpoint = audit::OpenCheckpoint(receipt.checkpoint(), key);
  if (!checkpoint.ok()) return Bad(checkpoint.status().message());
  if (checkpoint->size != receipt.tree_size())
    return Bad("tree size differs from the checkpoint's");
  auto event = audit::DecodeCanonical(receipt.event());
  if (!event.ok())
    return Bad(absl::StrCat("event: ", event.status().message()));
  if (event->sequence != receipt.audit_sequence())
    return Bad("event sequence differs");
  std::vector<audit::Hash> proof;
  for (const std::string& h : receipt.inclusion_proof()) {
    if (h.size() != audit::kHashSize) return Bad("malformed proof hash");
    audit::Hash hash;
    std::copy(h.begin(), h.end(), hash.begin());
    proof.push_back(hash);
  }
  if (absl::Status s = audit::VerifyInclusion(
          event->sequence - 1, checkpoint->size,
          audit::LeafHash(receipt.event()), proof, checkpoint->root);
      !s.ok()) {
    return Bad(absl::StrCat("inclusion proof: ", s.message()));
  }
  return *event;
}

absl::StatusOr<audit::Event> VerifyReceipt(
    const ctg::v1::ReleaseReceipt& receipt, const std::string& extract_sha256,
    const std::string& request_id, const audit::NoteVerifier& key) {
  auto event = VerifyEventReceipt(receipt, key);
  if (!event.ok()) return event.status();
  if (event->code != 0 || event->method != "/ctg.v1.Extracts/GetExtract") {
    return Bad("the event is not a successful GetExtract");
  }
  if (FactOf(*event, "sha256") != extract_sha256) {
    return Bad("the event records another extract digest");
  }
  if (event->target_id != request_id)
    return Bad("the event records another request");
  // R11: the end date the receipt tells is the one the release recorded.
  const std::string ends = FactOf(*event, "convention_ends");
  if (ends != receipt.convention_end().end_date()) {
    return Bad("the convention end date differs from the release event's");
  }
  // And the rest of the notice (the convention, the notice date, the rules
  // the data stay under), which the recipient reads as the gateway's: a
  // notice the release did not record, or one whose digest differs.
  if (receipt.has_convention_end() &&
      (ends.empty() || FactOf(*event, kConventionEndDigestFact) !=
                           ConventionEndDigest(receipt.convention_end()))) {
    return Bad("the convention end notice differs from the release event's");
  }
  return *event;
}

std::string ConventionEndDigest(const ctg::v1::ConventionEndNotice& notice) {
  return audit::HashToHex(audit::Sha256(ConventionEndObject(notice)));
}

namespace {

constexpr char kDecideMethod[] =
    "/ctg.v1.TransferAgreements/DecideTransferAgreement";

// The receipt's JSON object, without a line end.
std::string ReceiptObject(const ctg::v1::ReleaseReceipt& receipt) {
  std::vector<std::string> proof;
  for (const std::string& h : receipt.inclusion_proof()) {
    proof.push_back(JsonString(absl::BytesToHexString(h)));
  }
  std::vector<std::string> agreements;
  for (const ctg::v1::ReleaseAgreement& a : receipt.agreements()) {
    agreements.push_back(absl::StrCat(
        "{\"id\":", JsonString(a.id()), ",\"recipient\":",
        JsonString(a.recipient()), ",\"purpose\":", JsonString(a.purpose()),
        ",\"state\":\"AGREEMENT_APPROVED\",\"receipt\":",
        ReceiptObject(a.decision_receipt()), "}"));
  }
  std::string convention_end;
  if (receipt.has_convention_end()) {
    convention_end = absl::StrCat(
        ",\"convention_end\":", ConventionEndObject(receipt.convention_end()));
  }
  return absl::StrCat("{\"audit_sequence\":", receipt.audit_sequence(),
                      ",\"tree_size\":", receipt.tree_size(),
                      ",\"checkpoint\":", JsonString(receipt.checkpoint()),
                      ",\"inclusion_proof\":[", absl::StrJoin(proof, ","), "]",
                      ",\"event_canonical_hex\":",
                      JsonString(absl::BytesToHexString(receipt.event())),
                      agreements.empty()
                          ? ""
                          : absl::StrCat(",\"agreements\":[",
                                         absl::StrJoin(agreements, ","), "]"),
                      convention_end, "}");
}

// The gateway bounds the text of an audit fact (2 KiB, then "[...]"):
// `stated` is `signed_text`, or starts with what a cut fact kept.
bool SameAsSigned(absl::string_view stated, absl::string_view signed_text) {
  if (stated == signed_text) return true;
  constexpr absl::string_view kCut = "[...]";
  return absl::EndsWith(signed_text, kCut) &&
         absl::StartsWith(
             stated, signed_text.substr(0, signed_text.size() - kCut.size()));
}

absl::Status BadAgreement(absl::string_view id, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("agreement ", id, ": ", what));
}

// One agreement's decision receipt, checked against the release.
absl::StatusOr<VerifiedAgreement> VerifyAgreement(
    const ctg::v1::ReleaseAgreement& a, const std::string& release_sha256,
    const audit::NoteVerifier& key) {
  auto event = VerifyEventReceipt(a.decision_receipt(), key);
  if (!event.ok()) return BadAgreement(a.id(), event.status().message());
  if (event->method != kDecideMethod || event->code != 0 ||
      event->target_id != a.id()) {
    return BadAgreement(a.id(), "the event is not the Caf's decision on it");
  }
  if (FactOf(*event, "extract_sha256") != release_sha256)
    return BadAgreement(a.id(), "the decision concerns another release");
  VerifiedAgreement out;
  out.id = a.id();
  out.recipient = FactOf(*event, "recipient");
  out.purpose = FactOf(*event, "purpose");
  // The receipt's own text of the third party and the purpose is what a
  // reader sees first: it must be the one the Caf decided on.
  if (!a.recipient().empty() && !SameAsSigned(a.recipient(), out.recipient)) {
    return BadAgreement(
        a.id(),
        absl::StrCat("the receipt names the third party \"", a.recipient(),
                     "\" but the Caf decided on \"", out.recipient, "\""));
  }
  if (!a.purpose().empty() && !SameAsSigned(a.purpose(), out.purpose)) {
    return BadAgreement(
        a.id(),
        absl::StrCat("the receipt states the purpose \"", a.purpose(),
                     "\" but the Caf decided on \"", out.purpose, "\""));
  }
  out.reasons = FactOf(*event, "reasons");
  out.approved = FactOf(*event, "decision") == "APPROVE";
  out.decision_sequence = event->sequence;
  return out;
}

}  // namespace

std::string ReceiptJson(const ctg::v1::ReleaseReceipt& receipt) {
  return absl::StrCat(ReceiptObject(receipt), "\n");
}

std::vector<std::string> ReleaseAgreementIds(const audit::Event& release) {
  const std::string listed = FactOf(release, "transfer_agreements");
  if (listed.empty()) return {};
  return absl::StrSplit(listed, ',');
}

absl::StatusOr<std::vector<VerifiedAgreement>> VerifyReleaseAgreements(
    const audit::Event& release,
    const std::vector<ctg::v1::ReleaseAgreement>& agreements,
    const std::string& release_sha256, const audit::NoteVerifier& key) {
  const std::vector<std::string> named = ReleaseAgreementIds(release);
  std::vector<VerifiedAgreement> out;
  for (const ctg::v1::ReleaseAgreement& a : agreements) {
    CTG_ASSIGN_OR_RETURN(VerifiedAgreement v,
                         VerifyAgreement(a, release_sha256, key));
    v.listed_by_release =
        std::find(named.begin(), named.end(), v.id) != named.end();
    if (v.listed_by_release && !v.approved) {
      return BadAgreement(v.id,
                          "the release names it but its decision is not an "
                          "approval");
    }
    out.push_back(std::move(v));
  }
  // The release's own list is signed: none of it may be missing.
  for (const std::string& id : named) {
    bool carried = std::any_of(out.begin(), out.end(),
                               [&](const auto& v) { return v.id == id; });
    if (!carried) {
      return BadAgreement(
          id, "the release names it but the receipt carries no decision");
    }
  }
  return out;
}

}  // namespace ctg::extract
