// Conversions between convention rows and ctg.v1.Convention messages.
#ifndef CTG_GATEWAY_SERVICES_CONVENTION_PROTO_H_
#define CTG_GATEWAY_SERVICES_CONVENTION_PROTO_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ctg/v1/conventions.pb.h"
#include "store/convention_store.h"

namespace ctg::gateway {

// Checks a CreateConvention message field by field and turns it into a row
// (id and creation time left to the caller). `default_caf_name` fills an
// empty caf_name. Errors: kInvalidArgument naming the field.
absl::StatusOr<store::ConventionRow> ConventionFromProto(
    const ctg::v1::Convention& in, const std::string& default_caf_name);

// The message for `row`, with its effective state on `today`.
absl::Status ConventionToProto(
    const store::ConventionRow& row,
    const std::vector<store::ConventionEventRow>& history, absl::CivilDay today,
    ctg::v1::Convention* out);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_CONVENTION_PROTO_H_
