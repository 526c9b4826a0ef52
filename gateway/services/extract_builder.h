// Everything about one release that is computed before it is committed: the
// request's checks, the protected table and its canonical bytes' digest.
#ifndef CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_
#define CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_

#include <atomic>
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
#include "store/request_store.h"
#include "store/session.h"

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

// The persons of the analysis-operator recipients `r` declares (R3; see
// policy::IsDeclaredOperator).
std::vector<std::string> DeclaredOperators(const store::StoredRequest& r);

// The checks that must hold for a release, in the order the issue lists
// them (convention, request state, quota), against what `session` reads now.
// Errors: kNotFound (missing or another commune's request),
// kPermissionDenied (undeclared operator), kFailedPrecondition naming what
// blocks the release.
absl::Status CheckReleasable(store::ReadSession& session, const std::string& request_id,
                             const policy::Identity& caller, absl::Time now,
                             int* download_quota);

// Computed releases, keyed by what determines them: the request, the
// versions of the bases and of the commune's release memory. A re-download
// that changes nothing is served without running the engine again. Bounded
// by an estimate of the bytes the entries hold (least recently used
// first out); a release larger than the bound is not kept. Thread-safe.
class ReleaseCache {
 public:
  explicit ReleaseCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  std::shared_ptr<const PreparedExtract> Find(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);
  void Put(const std::string& key, std::shared_ptr<const PreparedExtract> value)
      ABSL_LOCKS_EXCLUDED(mu_);
  size_t bytes() const ABSL_LOCKS_EXCLUDED(mu_);
  // Find() calls that found their key, and those that did not (metrics).
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

  // What an entry is counted for: its cells, header and serialized memory.
  static size_t EstimateBytes(const PreparedExtract& value);

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const PreparedExtract> value;
    size_t bytes = 0;
  };
  const size_t max_bytes_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
  mutable Mutex mu_;
  std::list<Entry> lru_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

// At most `slots` engines run at once; the others wait their turn. The
// engine is CPU-bound, so running more of them than there are cores only
// adds memory (each holds its tables and LP) and latency to all. Thread-safe.
class EngineSlots {
 public:
  explicit EngineSlots(int slots) : free_(slots) {}

  class Held {
   public:
    explicit Held(EngineSlots* owner) : owner_(owner) {}
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { owner_->Release(); }

   private:
    EngineSlots* const owner_;
  };
  // Blocks until a slot is free (the slot is returned when `Held` goes), or
  // until `deadline` (then nullptr).
  [[nodiscard]] std::unique_ptr<Held> Acquire(absl::Time deadline = absl::InfiniteFuture())
      ABSL_LOCKS_EXCLUDED(mu_);
  // Acquire() calls that found no free slot and waited (metrics).
  uint64_t waits() const { return waits_.load(std::memory_order_relaxed); }

 private:
  void Release() ABSL_LOCKS_EXCLUDED(mu_);
  std::atomic<uint64_t> waits_{0};
  Mutex mu_;
  int free_ ABSL_GUARDED_BY(mu_);
};

// Computes the release (after CheckReleasable) in one of `engines`, or
// takes it from `cache`.
// Errors: those of the engine (kFailedPrecondition when earlier releases
// make it unsafe); kDeadlineExceeded when no engine is free before
// `deadline` (the call's).
absl::StatusOr<std::shared_ptr<const PreparedExtract>> PrepareExtract(
    store::ReadSession& session, const std::string& request_id, CommuneBases& bases,
    const Config& config, ReleaseCache& cache, EngineSlots& engines, absl::Time deadline);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_EXTRACT_BUILDER_H_
