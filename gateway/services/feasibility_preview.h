// The reviewers' feasibility preview (R1, étude de faisabilité): what the
// secret statistique would do to a request's scope, or to a narrower one,
// now, given everything already released to the commune. Nothing is
// recorded. Reasons are shown here only, never to a commune.
#ifndef CTG_GATEWAY_SERVICES_FEASIBILITY_PREVIEW_H_
#define CTG_GATEWAY_SERVICES_FEASIBILITY_PREVIEW_H_

#include "absl/status/status.h"
#include "ctg/v1/data_requests.pb.h"
#include "gateway/commune_bases.h"
#include "gateway/config.h"
#include "policy/sdc/release.h"
#include "store/session.h"

namespace ctg::gateway {

// Fills `out` for request `request.id()`. Errors: kNotFound for a missing
// request; kInvalidArgument when the given scope is not within the
// request's current scope (naming the field); the engine's errors
// (kFailedPrecondition when earlier releases make the scope unsafe).
absl::Status PreviewFeasibility(
    store::ReadSession& session,
    const ctg::v1::PreviewFeasibilityRequest& request, CommuneBases& bases,
    const Config& config, ctg::v1::FeasibilityPreview* out);

// The reason a reviewer sees for a masked cell; UNSPECIFIED for a
// published cell or an excluded territory (listed apart).
ctg::v1::MaskReason MaskReasonToProto(policy::sdc::MaskReason reason);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_FEASIBILITY_PREVIEW_H_
