// The statistical base of one commune for one period, loaded from its stored
// slice (store/statistics_store.h) and re-validated by the importer, with a
// small cache so that repeated extracts and previews do not parse again.
// A re-import of the period changes its base version and so the cache key.
// The period's base version and the commune's slice are read in one read
// transaction, so that a re-import between them cannot label new figures
// with the old version. That read of the version, in the caller's own
// snapshot, is what keeps every replica sharing a PostgreSQL database from
// deciding on a base another replica replaced: a lost announcement of the
// re-import (Clear) costs memory, never a stale figure.
//
// Thread-safe.
#ifndef CTG_GATEWAY_COMMUNE_BASES_H_
#define CTG_GATEWAY_COMMUNE_BASES_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "base/lru_cache.h"
#include "base/mutex.h"
#include "statbase/base.h"
#include "store/backend.h"

namespace ctg::gateway {

struct CommuneBase {
  std::string base_version;  // of the period, e.g. "2023@61e9fe7ff8a98384"
  std::shared_ptr<const statbase::Base> base;
};

class CommuneBases {
 public:
  // Keeps the `capacity` most recently used bases.
  CommuneBases(store::Backend* db, size_t capacity) : db_(db), lru_(capacity) {}

  // Errors: kFailedPrecondition when the base has no such period or no data
  // for the commune in it; kDataLoss when the stored slice no longer
  // validates; the store's errors.
  absl::StatusOr<CommuneBase> Get(const std::string& period,
                                  const std::string& commune)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Same, reading through `session` (a store::Backend::Read session), so
  // that the base belongs to the caller's snapshot.
  absl::StatusOr<CommuneBase> Get(store::ReadSession& session,
                                  const std::string& period,
                                  const std::string& commune)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Drops every base kept (a re-import was announced: those of the old
  // version would only wait to be evicted).
  void Clear() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  store::Backend* const db_;
  Mutex mu_;
  LruCache<CommuneBase> lru_ ABSL_GUARDED_BY(mu_);  // each base costs 1
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_COMMUNE_BASES_H_
