// Conversions between stored audit rows and ctg.v1 audit messages.
#ifndef CTG_GATEWAY_SERVICES_AUDIT_PROTO_H_
#define CTG_GATEWAY_SERVICES_AUDIT_PROTO_H_

#include <cstdint>

#include "absl/status/status.h"
#include "ctg/v1/audit.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "store/audit_trail_store.h"

namespace ctg::gateway {

int64_t TimestampMicros(const google::protobuf::Timestamp& t);
void SetTimestampMicros(int64_t micros, google::protobuf::Timestamp* t);

// Decodes the row's canonical bytes into `out`, with the recorded leaf hash
// and checkpoint. Errors: kDataLoss if the stored bytes do not decode.
absl::Status RowToProto(const store::AuditRow& row, ctg::v1::AuditEvent* out);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_AUDIT_PROTO_H_
