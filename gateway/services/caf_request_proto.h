// Conversions for the CafRequests service (R1, Caf -> commune) between the
// ctg.v1 messages, the plain structs of policy/caf_request.h and
// policy/upload.h, and the rows of store/caf_request_store.h; and the
// request's effective state (R11) at a given time.
//
// Pure functions of their arguments; thread-safe.
#ifndef CTG_GATEWAY_SERVICES_CAF_REQUEST_PROTO_H_
#define CTG_GATEWAY_SERVICES_CAF_REQUEST_PROTO_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/caf_requests.pb.h"
#include "policy/caf_request.h"
#include "policy/request_state.h"
#include "policy/upload.h"
#include "policy/workflow.h"
#include "store/caf_request_store.h"
#include "store/convention_store.h"

namespace ctg::gateway {

// Unvalidated: a template only when the message has one with a column.
policy::CafSubmission CafSubmissionFromProto(
    const ctg::v1::SubmitCafRequestRequest& in);
policy::CafAmendment CafAmendmentFromProto(
    const ctg::v1::AmendCafRequestRequest& in);
std::optional<policy::DataTemplate> TemplateFromRow(
    const std::optional<store::CafTemplateRow>& in);
store::CafTemplateRow TemplateToRow(const policy::DataTemplate& in);

// The latest opinions on the current version.
policy::Opinions CurrentCafOpinions(const store::StoredCafRequest& request);

// R11: the state at `now` (EXPIRED once the approval's end passed or the
// convention ended). Errors: kDataLoss for a stored state that is none, or
// unreadable convention dates.
absl::StatusOr<policy::RequestState> EffectiveCafRequestState(
    const store::StoredCafRequest& request,
    const store::ConventionRow& convention, absl::Time now);

// What the workflow's decisions need (policy/workflow.h), direction
// kCafToCommune, no catalogue scope.
policy::StudiedRequest StudiedCafRequest(const store::StoredCafRequest& request,
                                         policy::RequestState effective);

// What upload and download checks need (policy/upload.h).
policy::UploadTarget UploadTargetOf(const store::StoredCafRequest& request,
                                    policy::RequestState effective);

// The message at `now`, with its effective state and whole history.
absl::Status CafRequestToProto(const store::StoredCafRequest& request,
                               const store::ConventionRow& convention,
                               absl::Time now, ctg::v1::CafRequest* out);

// The upload's description (without receipt).
void UploadToProto(const std::string& request_id,
                   const store::CafUploadRow& row,
                   ctg::v1::CafRequestUpload* out);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_CAF_REQUEST_PROTO_H_
