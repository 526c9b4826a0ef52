#include "extract/receipt.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
  return *event;
}

std::string ReceiptJson(const ctg::v1::ReleaseReceipt& receipt) {
  std::vector<std::string> proof;
  for (const std::string& h : receipt.inclusion_proof()) {
    proof.push_back(JsonString(absl::BytesToHexString(h)));
  }
  return absl::StrCat("{\"audit_sequence\":", receipt.audit_sequence(),
                      ",\"tree_size\":", receipt.tree_size(),
                      ",\"checkpoint\":", JsonString(receipt.checkpoint()),
                      ",\"inclusion_proof\":[", absl::StrJoin(proof, ","), "]",
                      ",\"event_canonical_hex\":",
                      JsonString(absl::BytesToHexString(receipt.event())),
                      "}\n");
}

}  // namespace ctg::extract
