// The checks that must hold before a release (R3, R10, R11, R1, the quota),
// against what the caller's read session sees now.
#ifndef CTG_GATEWAY_SERVICES_RELEASE_CHECKS_H_
#define CTG_GATEWAY_SERVICES_RELEASE_CHECKS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "policy/convention_end_notice.h"
#include "policy/identity.h"
#include "store/request_store.h"
#include "store/session.h"

namespace ctg::gateway {

// The persons of the analysis-operator recipients `r` declares (R3; see
// policy::IsDeclaredOperator).
std::vector<std::string> DeclaredOperators(const store::StoredRequest& r);

// The checks that must hold for a release, in this order: the caller sees
// the request (R8) and, an operator, is declared (R3); the convention allows
// releases today (R10, R11); the request is APPROVED and not expired (R1,
// R11); the download quota is not spent. Against what `session` reads now.
// Errors: kNotFound (missing or another commune's request),
// kPermissionDenied (undeclared operator), kFailedPrecondition naming what
// blocks the release.
absl::Status CheckReleasable(store::ReadSession& session,
                             const std::string& request_id,
                             const policy::Identity& caller, absl::Time now,
                             int* download_quota);

// R11: the termination notice a release of request `request_id` at `now`
// carries (policy::EndNoticeForRelease), unset when its convention is not
// under one. Errors: the store's (kNotFound for an unknown request),
// kDataLoss for unreadable stored dates.
absl::StatusOr<std::optional<policy::ConventionEndNotice>> ReleaseEndNotice(
    store::ReadSession& session, const std::string& request_id, absl::Time now);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_RELEASE_CHECKS_H_
