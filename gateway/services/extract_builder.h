// Everything about one release that is computed before it is committed: the
// request's checks, the protected table and its canonical bytes' digest.
#ifndef CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_
#define CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/extracts.pb.h"
#include "gateway/commune_bases.h"
#include "gateway/config.h"
#include "policy/identity.h"
#include "policy/sdc/release.h"
#include "policy/sdc/release_memory.h"
#include "store/sqlite.h"

namespace ctg::gateway {

struct PreparedExtract {
  std::string request_id;
  std::string commune;
  ctg::v1::ExtractHeader header;  // release_time set when streamed
  std::vector<ctg::v1::ExtractCell> cells;
  std::string sha256;
  int64_t published = 0, masked = 0, excluded = 0;
  int download_quota = 1;
  policy::sdc::Release release;         // recorded into the memory on commit
  policy::sdc::ReleaseMemory memory;    // the memory it was computed against
  int64_t memory_version = 0;
};

// The checks that must hold for a release, in the order the issue lists
// them (convention, request state, quota), against what `conn` reads now.
// Errors: kNotFound (missing or another commune's request),
// kPermissionDenied (undeclared operator), kFailedPrecondition naming what
// blocks the release.
absl::Status CheckReleasable(store::Connection& conn, const std::string& request_id,
                             const policy::Identity& caller, absl::Time now,
                             int* download_quota);

// Computes the release (after CheckReleasable). Errors: those of the
// engine (kFailedPrecondition when earlier releases make it unsafe).
absl::StatusOr<PreparedExtract> PrepareExtract(store::Connection& conn,
                                               const std::string& request_id,
                                               CommuneBases& bases, const Config& config);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_
