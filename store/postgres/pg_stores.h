// The domain stores of store/ on a PostgreSQL session: thin adapters over
// pg_conventions.h, pg_releases.h, pg_statistics.h and pg_audit.h (requests
// are pg_requests.h). Each wraps the session it is given and lives as long
// as that session (one Read() or Write() call).
//
// Not thread-safe: used by the one thread of its session.
#ifndef CTG_STORE_POSTGRES_PG_STORES_H_
#define CTG_STORE_POSTGRES_PG_STORES_H_

#include <optional>
#include <string>
#include <vector>

#include "store/audit_trail_store.h"
#include "store/convention_store.h"
#include "store/postgres/pg_session.h"
#include "store/release_ledger.h"
#include "store/statistics_store.h"

namespace ctg::store::postgres {

class PgConventionStore final : public ConventionStore {
 public:
  explicit PgConventionStore(PgSession& s) : s_(s) {}
  absl::Status Insert(const ConventionRow& row) override;
  absl::StatusOr<ConventionRow> Get(const std::string& id) const override;
  absl::StatusOr<std::vector<ConventionRow>> List(const std::string& commune,
                                                  const std::string& after_id,
                                                  int limit) const override;
  absl::Status UpdateState(const ConventionRow& row) override;
  absl::StatusOr<int> CountForCommune(
      const std::string& commune) const override;
  absl::Status AppendEvent(const std::string& convention_id,
                           const ConventionEventRow& event) override;
  absl::StatusOr<std::vector<ConventionEventRow>> History(
      const std::string& id) const override;

 private:
  PgSession& s_;
};

class PgReleaseLedger final : public ReleaseLedger {
 public:
  explicit PgReleaseLedger(PgSession& s) : s_(s) {}
  absl::Status Insert(const LedgerRow& row) override;
  absl::StatusOr<int> CountForRequest(
      const std::string& request_id) const override;
  absl::StatusOr<PeriodReleases> CountForPeriod(
      const std::string& period) const override;
  absl::StatusOr<std::vector<LedgerRow>> List(
      const std::string& request_id) const override;
  absl::StatusOr<MemoryRow> GetMemory(
      const std::string& commune) const override;
  absl::Status PutMemory(const std::string& commune, const std::string& text,
                         int64_t expected_version) override;

 private:
  PgSession& s_;
};

class PgStatisticsStore final : public StatisticsStore {
 public:
  explicit PgStatisticsStore(PgSession& s) : s_(s) {}
  absl::StatusOr<bool> ReplacePeriod(const PeriodRow& period) override;
  absl::Status InsertTerritory(const std::string& period,
                               const TerritoryRow& territory) override;
  absl::Status AppendSlice(const std::string& period,
                           const std::string& commune,
                           const std::string& csv) override;
  absl::StatusOr<std::vector<PeriodRow>> ListPeriods() const override;
  absl::StatusOr<std::optional<PeriodRow>> GetPeriod(
      const std::string& period) const override;
  absl::StatusOr<std::string> CommuneSlice(
      const std::string& period, const std::string& commune) const override;
  absl::StatusOr<std::vector<TerritoryRow>> ListTerritories(
      const std::string& commune, int level, const std::string& after_code,
      int limit) const override;
  absl::StatusOr<std::optional<TerritoryRow>> GetTerritory(
      const std::string& code) const override;
  absl::StatusOr<std::vector<TerritoryRow>> ListPeriodTerritories(
      const std::string& period, const std::string& commune) const override;

 private:
  PgSession& s_;
};

// InsertCheckpoint takes the root from the note (third line) and keeps one
// root per size: the same root again is ignored, another is kDataLoss.
class PgAuditTrailStore final : public AuditTrailStore {
 public:
  explicit PgAuditTrailStore(PgSession& s) : s_(s) {}
  // A write session's: Append holds rows in its group (pg_audit.h).
  explicit PgAuditTrailStore(PgTransaction& tx) : s_(tx), tx_(&tx) {}
  absl::Status Append(const AuditRow& row) override;
  absl::Status Scan(
      const AuditFilter& filter,
      absl::FunctionRef<absl::Status(const AuditRow&)> visit) const override;
  absl::Status ScanTrail(
      absl::FunctionRef<absl::Status(const AuditRow&)> visit) const override;
  absl::Status ScanLeaves(
      absl::FunctionRef<absl::Status(uint64_t seq, const std::string& canonical,
                                     const std::string& leaf_hash)>
          visit) const override;
  absl::StatusOr<std::vector<std::string>> LeafHashes(
      uint64_t first_seq, uint64_t count) const override;
  absl::StatusOr<uint64_t> FindReleaseSeq(
      const std::string& extract_sha256) const override;
  absl::StatusOr<AuditRow> Get(uint64_t seq) const override;
  absl::Status InsertCheckpoint(uint64_t tree_size, int64_t time_us,
                                const std::string& note) override;
  absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint()
      const override;
  absl::StatusOr<std::optional<StoredCheckpoint>> CheckpointOfSize(
      uint64_t tree_size) const override;
  absl::StatusOr<std::vector<StoredCheckpoint>> AllCheckpoints() const override;

 private:
  PgSession& s_;
  PgTransaction* const tx_ = nullptr;  // null in a read session
};

// The root a checkpoint note commits to: its third line, base64 of 32
// bytes, its second line being `tree_size`. Errors: kDataLoss otherwise.
absl::StatusOr<std::string> RootOfCheckpointNote(uint64_t tree_size,
                                                 const std::string& note);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_STORES_H_
