// The termination notice (R11) a release, or a request read, carries while
// its convention's termination is notified and not yet in effect: loaded
// from the stored convention, decided by policy::EndNoticeForRelease.
//
// Pure functions of their arguments; thread-safe.
#ifndef CTG_GATEWAY_SERVICES_CONVENTION_END_PROTO_H_
#define CTG_GATEWAY_SERVICES_CONVENTION_END_PROTO_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/common.pb.h"
#include "policy/convention_end_notice.h"
#include "store/convention_store.h"

namespace ctg::gateway {

// The notice of `convention` at `now` (the Caf's calendar day), unset when
// there is none. Errors: kDataLoss for unreadable stored dates (TermsOf).
absl::StatusOr<std::optional<policy::ConventionEndNotice>> EndNoticeAt(
    const store::ConventionRow& convention, absl::Time now);

void EndNoticeToProto(const policy::ConventionEndNotice& in,
                      ctg::v1::ConventionEndNotice* out);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_CONVENTION_END_PROTO_H_
