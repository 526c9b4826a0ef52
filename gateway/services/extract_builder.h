// Everything about one release that is computed before it is committed: the
// request's checks, the protected table and its canonical bytes' digest.
#ifndef CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_
#define CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_

#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "base/mutex.h"
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
  // The commune's release memory: the version the table was computed
  // against, and what it becomes once this release is recorded (computed
  // here, off the writer thread). Unchanged for a re-download that
  // discloses nothing new.
  int64_t memory_version = 0;
  bool memory_changes = false;
  std::string memory_after;  // serialized; empty when !memory_changes
};

// The checks that must hold for a release, in the order the issue lists
// them (convention, request state, quota), against what `conn` reads now.
// Errors: kNotFound (missing or another commune's request),
// kPermissionDenied (undeclared operator), kFailedPrecondition naming what
// blocks the release.
absl::Status CheckReleasable(store::Connection& conn, const std::string& request_id,
                             const policy::Identity& caller, absl::Time now,
                             int* download_quota);

// Computed releases, keyed by what determines them: the request, the
// versions of the bases and of the commune's release memory. A re-download
// that changes nothing is served without running the engine again.
// Thread-safe.
class ReleaseCache {
 public:
  explicit ReleaseCache(size_t capacity) : capacity_(capacity) {}
  std::shared_ptr<const PreparedExtract> Find(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);
  void Put(const std::string& key, std::shared_ptr<const PreparedExtract> value)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const size_t capacity_;
  Mutex mu_;
  std::list<std::pair<std::string, std::shared_ptr<const PreparedExtract>>> lru_
      ABSL_GUARDED_BY(mu_);
};

// Computes the release (after CheckReleasable), or takes it from `cache`.
// Errors: those of the engine (kFailedPrecondition when earlier releases
// make it unsafe).
absl::StatusOr<std::shared_ptr<const PreparedExtract>> PrepareExtract(
    store::Connection& conn, const std::string& request_id, CommuneBases& bases,
    const Config& config, ReleaseCache& cache);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_
