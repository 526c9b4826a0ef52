// Assembles one release before it is committed: the protected table of the
// approved scope, its header and its canonical bytes' digest. The checks
// (release_checks.h), the cache (release_cache.h) and the engine slots
// (engine_slots.h) are their own files.
#ifndef CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_
#define CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/commune_bases.h"
#include "gateway/config.h"
#include "gateway/services/engine_slots.h"
#include "gateway/services/prepared_extract.h"
#include "gateway/services/release_cache.h"
#include "gateway/services/release_checks.h"
#include "store/session.h"

namespace ctg::gateway {

// Computes the release (after CheckReleasable) in one of `engines`, or
// takes it from `cache`.
// Errors: those of the engine (kFailedPrecondition when earlier releases
// make it unsafe); kDeadlineExceeded when no engine is free before
// `deadline` (the call's).
absl::StatusOr<std::shared_ptr<const PreparedExtract>> PrepareExtract(
    store::ReadSession& session, const std::string& request_id,
    CommuneBases& bases, const Config& config, ReleaseCache& cache,
    EngineSlots& engines, absl::Time deadline);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_
