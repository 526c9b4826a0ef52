// The release ledger (every extract delivered: which request, which
// digest, how many cells of each status) and, per commune, the memory of
// everything released to it (policy/sdc/release_memory.h, stored as its
// text form). Both written in the same transaction as the release's audit
// event, so a failed release leaves neither.
#ifndef CTG_STORE_RELEASES_TABLE_H_
#define CTG_STORE_RELEASES_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite.h"

namespace ctg::store {

struct LedgerRow {
  std::string request_id;
  int download = 0;           // 1, 2, ... per request
  std::string extract_id;
  std::string commune;
  std::string sha256;         // hex digest of the extract's canonical CSV
  std::string base_version;
  int64_t cells_published = 0;
  int64_t cells_masked = 0;
  int64_t cells_excluded = 0;
  int64_t time_us = 0;
  std::string recipient;      // SPIFFE ID of the downloader
};

// Errors: kAborted when (request_id, download) exists.
absl::Status InsertRelease(Connection& conn, const LedgerRow& row);
// Downloads so far of a request.
absl::StatusOr<int> CountReleases(Connection& conn, const std::string& request_id);
// Releases of any version of `period` ("2023"), and to how many communes.
struct PeriodReleases {
  int64_t releases = 0;
  int64_t communes = 0;
};
absl::StatusOr<PeriodReleases> CountReleasesOfPeriod(Connection& conn,
                                                     const std::string& period);
absl::StatusOr<std::vector<LedgerRow>> ListReleases(Connection& conn,
                                                     const std::string& request_id);

// The commune's release memory text ("" when nothing was released yet) and
// its version (0 then; +1 at every store), for optimistic concurrency.
struct MemoryRow {
  std::string text;
  int64_t version = 0;
};
absl::StatusOr<MemoryRow> GetReleaseMemory(Connection& conn, const std::string& commune);
// Stores `text` as version expected_version + 1. Errors: kAborted when the
// stored version is no longer `expected_version` (another release of the
// same commune committed meanwhile: recompute and retry).
absl::Status PutReleaseMemory(Connection& conn, const std::string& commune,
                              const std::string& text, int64_t expected_version);

// Migration 4 of store/schema.cc.
extern const char kReleasesSchema[];

}  // namespace ctg::store

#endif  // CTG_STORE_RELEASES_TABLE_H_
