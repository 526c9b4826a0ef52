#include "store/write_outcome.h"

#include "absl/strings/cord.h"

namespace ctg::store {
namespace {

constexpr char kOutcomeUnknownPayload[] = "ctg.store/write-outcome-unknown";

}  // namespace

absl::Status OutcomeUnknown(absl::Status status) {
  if (!status.ok()) status.SetPayload(kOutcomeUnknownPayload, absl::Cord("1"));
  return status;
}

bool IsOutcomeUnknown(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kOutcomeUnknownPayload).has_value();
}

}  // namespace ctg::store
