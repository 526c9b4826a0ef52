// The release ledger and each commune's release memory in PostgreSQL (the
// counterpart of store/release_ledger.h, same rows and errors).
//
// Across replicas: these run inside PgDatabase::Write, whose transaction
// holds the audit sequencer, so a release's re-checks (quota, memory
// version) see every release other replicas committed before it; the
// memory row is also locked (FOR UPDATE) when read for a store.
//
// Functions use the session they are given (one thread at a time).
#ifndef CTG_STORE_POSTGRES_PG_RELEASES_H_
#define CTG_STORE_POSTGRES_PG_RELEASES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/pg_session.h"
#include "store/release_ledger.h"

namespace ctg::store::postgres {

// Errors: kAborted when (request_id, download) exists.
absl::Status PgInsertRelease(PgSession& tx, const LedgerRow& row);
absl::StatusOr<int> PgCountReleases(PgSession& session,
                                    const std::string& request_id);
absl::StatusOr<PeriodReleases> PgCountReleasesOfPeriod(
    PgSession& session, const std::string& period);
absl::StatusOr<std::vector<LedgerRow>> PgListReleases(
    PgSession& session, const std::string& request_id);

absl::StatusOr<MemoryRow> PgGetReleaseMemory(PgSession& session,
                                             const std::string& commune);
// Stores `text` as version expected_version + 1. Errors: kAborted when the
// stored version is no longer `expected_version` (another release to the
// commune committed meanwhile, on any replica: recompute and retry).
absl::Status PgPutReleaseMemory(PgSession& tx, const std::string& commune,
                                const std::string& text,
                                int64_t expected_version);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_RELEASES_H_
