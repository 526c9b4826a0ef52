#include "gateway/services/audit_proto.h"

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"

namespace ctg::gateway {

int64_t TimestampMicros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

void SetTimestampMicros(int64_t micros, google::protobuf::Timestamp* t) {
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  t->set_seconds(seconds);
  t->set_nanos(static_cast<int32_t>(rest * 1000));
}

absl::Status RowToProto(const store::AuditRow& row, ctg::v1::AuditEvent* out) {
  absl::StatusOr<audit::Event> event = audit::DecodeCanonical(row.canonical);
  if (!event.ok()) {
    return absl::DataLossError(
        absl::StrCat("audit event ", row.seq,
                     " does not decode: ", event.status().message()));
  }
  out->set_sequence(event->sequence);
  SetTimestampMicros(event->time_micros, out->mutable_time());
  out->set_caller(event->caller);
  out->set_cert_sha256(event->cert_sha256);
  out->set_peer(event->peer);
  out->set_method(event->method);
  out->set_target_kind(event->target_kind);
  out->set_target_id(event->target_id);
  out->set_code(event->code);
  out->set_message(event->message);
  for (const audit::Fact& fact : event->facts) {
    ctg::v1::AuditFact* f = out->add_facts();
    f->set_key(fact.key);
    f->set_value(fact.value);
    if (fact.key == audit::kClaimedCallerFact)
      out->set_claimed_caller(fact.value);
  }
  out->set_leaf_hash(row.leaf_hash);
  out->set_checkpoint(row.checkpoint);
  return absl::OkStatus();
}

}  // namespace ctg::gateway
