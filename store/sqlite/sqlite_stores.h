// The domain stores (store/*_store.h, release_ledger.h) over one SQLite
// connection, and the sessions that hand them out: thin adapters over the
// table functions (store/sqlite/*_table.h). Used by SqliteBackend only.
//
// Not thread-safe: as the Connection they are given, which must outlive
// them.
#ifndef CTG_STORE_SQLITE_SQLITE_STORES_H_
#define CTG_STORE_SQLITE_SQLITE_STORES_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/session.h"
#include "store/sqlite/article7_stores.h"
#include "store/sqlite/database.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {

class SqliteRequestStore final : public RequestStore {
 public:
  explicit SqliteRequestStore(Connection& conn) : conn_(conn) {}
  absl::StatusOr<std::string> NextId() const override;
  absl::Status Insert(const RequestRow& row) override;
  absl::StatusOr<int> AppendVersion(const std::string& request_id,
                                    const VersionRow& version) override;
  absl::Status AppendTransition(const std::string& request_id,
                                const TransitionRow& transition) override;
  absl::StatusOr<int> AppendQuestions(const std::string& request_id,
                                      const std::vector<std::string>& questions,
                                      const std::string& author,
                                      int64_t time_us) override;
  absl::Status AppendOpinion(const std::string& request_id,
                             const OpinionRow& opinion) override;
  absl::Status InsertApproval(const std::string& request_id,
                              const ApprovalRow& approval) override;
  absl::StatusOr<StoredRequest> Get(const std::string& id) const override;
  absl::StatusOr<std::vector<StoredRequest>> List(const RequestFilter& filter,
                                                  int limit) const override;

 private:
  Connection& conn_;
};

class SqliteConventionStore final : public ConventionStore {
 public:
  explicit SqliteConventionStore(Connection& conn) : conn_(conn) {}
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
  Connection& conn_;
};

class SqliteReleaseLedger final : public ReleaseLedger {
 public:
  explicit SqliteReleaseLedger(Connection& conn) : conn_(conn) {}
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
  Connection& conn_;
};

class SqliteStatisticsStore final : public StatisticsStore {
 public:
  explicit SqliteStatisticsStore(Connection& conn) : conn_(conn) {}
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
  Connection& conn_;
};

class SqliteAuditTrailStore final : public AuditTrailStore {
 public:
  explicit SqliteAuditTrailStore(Connection& conn) : conn_(conn) {}
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
  Connection& conn_;
};

// The five stores over one connection.
struct ConnectionStores {
  explicit ConnectionStores(Connection& conn)
      : requests(conn),
        conventions(conn),
        releases(conn),
        statistics(conn),
        audit(conn),
        caf_requests(conn),
        agreements(conn) {}
  SqliteRequestStore requests;
  SqliteConventionStore conventions;
  SqliteReleaseLedger releases;
  SqliteStatisticsStore statistics;
  SqliteAuditTrailStore audit;
  SqliteCafRequestStore caf_requests;
  SqliteTransferAgreementStore agreements;
};

// A read session over a connection inside one read transaction.
class SqliteReadSession final : public ReadSession {
 public:
  explicit SqliteReadSession(Connection& conn) : stores_(conn) {}
  const RequestStore& requests() override { return stores_.requests; }
  const ConventionStore& conventions() override { return stores_.conventions; }
  const ReleaseLedger& releases() override { return stores_.releases; }
  const StatisticsStore& statistics() override { return stores_.statistics; }
  const AuditTrailStore& audit() override { return stores_.audit; }
  const CafRequestStore& caf_requests() override {
    return stores_.caf_requests;
  }
  const TransferAgreementStore& agreements() override {
    return stores_.agreements;
  }

 private:
  ConnectionStores stores_;
};

// A write session over one Database transaction.
class SqliteWriteSession final : public WriteSession {
 public:
  explicit SqliteWriteSession(Transaction& tx) : tx_(tx), stores_(tx.conn()) {}
  RequestStore& requests() override { return stores_.requests; }
  ConventionStore& conventions() override { return stores_.conventions; }
  ReleaseLedger& releases() override { return stores_.releases; }
  StatisticsStore& statistics() override { return stores_.statistics; }
  AuditTrailStore& audit() override { return stores_.audit; }
  CafRequestStore& caf_requests() override { return stores_.caf_requests; }
  TransferAgreementStore& agreements() override { return stores_.agreements; }
  void OnCommit(std::function<void()> hook) override {
    tx_.OnCommit(std::move(hook));
  }
  void OnRollback(std::function<void()> hook) override {
    tx_.OnRollback(std::move(hook));
  }
  absl::Status Savepoint(absl::FunctionRef<absl::Status()> work) override {
    return tx_.Savepoint(work);
  }

 private:
  Transaction& tx_;
  ConnectionStores stores_;
};

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_SQLITE_STORES_H_
