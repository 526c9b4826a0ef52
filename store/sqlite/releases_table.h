// The release ledger (every extract delivered: which request, which
// digest, how many cells of each status) and, per commune, the memory of
// everything released to it (policy/sdc/release_memory.h, stored as its
// text form). Both written in the same transaction as the release's audit
// event, so a failed release leaves neither.
#ifndef CTG_STORE_SQLITE_RELEASES_TABLE_H_
#define CTG_STORE_SQLITE_RELEASES_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/release_ledger.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {

// Errors: kAborted when (request_id, download) exists.
absl::Status InsertRelease(Connection& conn, const LedgerRow& row);
// Downloads so far of a request.
absl::StatusOr<int> CountReleases(Connection& conn,
                                  const std::string& request_id);
absl::StatusOr<PeriodReleases> CountReleasesOfPeriod(Connection& conn,
                                                     const std::string& period);
absl::StatusOr<std::vector<LedgerRow>> ListReleases(
    Connection& conn, const std::string& request_id);

absl::StatusOr<MemoryRow> GetReleaseMemory(Connection& conn,
                                           const std::string& commune);
// Stores `text` as version expected_version + 1. Errors: kAborted when the
// stored version is no longer `expected_version` (another release of the
// same commune committed meanwhile: recompute and retry).
absl::Status PutReleaseMemory(Connection& conn, const std::string& commune,
                              const std::string& text,
                              int64_t expected_version);

// Migration 4 of store/sqlite/schema.cc.
extern const char kReleasesSchema[];

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_RELEASES_TABLE_H_
