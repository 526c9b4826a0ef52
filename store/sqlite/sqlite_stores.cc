#include "store/sqlite/sqlite_stores.h"

#include "store/sqlite/audit_table.h"
#include "store/sqlite/conventions_table.h"
#include "store/sqlite/releases_table.h"
#include "store/sqlite/requests_table.h"
#include "store/sqlite/statistics_table.h"

namespace ctg::store::sqlite {

// Requests.
absl::StatusOr<std::string> SqliteRequestStore::NextId() const {
  return NextRequestId(conn_);
}
absl::Status SqliteRequestStore::Insert(const RequestRow& row) {
  return InsertRequest(conn_, row);
}
absl::StatusOr<int> SqliteRequestStore::AppendVersion(
    const std::string& request_id, const VersionRow& version) {
  return sqlite::AppendVersion(conn_, request_id, version);
}
absl::Status SqliteRequestStore::AppendTransition(
    const std::string& request_id, const TransitionRow& transition) {
  return sqlite::AppendTransition(conn_, request_id, transition);
}
absl::StatusOr<int> SqliteRequestStore::AppendQuestions(
    const std::string& request_id, const std::vector<std::string>& questions,
    const std::string& author, int64_t time_us) {
  return sqlite::AppendQuestions(conn_, request_id, questions, author, time_us);
}
absl::Status SqliteRequestStore::AppendOpinion(const std::string& request_id,
                                               const OpinionRow& opinion) {
  return sqlite::AppendOpinion(conn_, request_id, opinion);
}
absl::Status SqliteRequestStore::InsertApproval(const std::string& request_id,
                                                const ApprovalRow& approval) {
  return sqlite::InsertApproval(conn_, request_id, approval);
}
absl::StatusOr<StoredRequest> SqliteRequestStore::Get(
    const std::string& id) const {
  return GetRequest(conn_, id);
}
absl::StatusOr<std::vector<StoredRequest>> SqliteRequestStore::List(
    const RequestFilter& filter, int limit) const {
  return ListRequests(conn_, filter, limit);
}

// Conventions.
absl::Status SqliteConventionStore::Insert(const ConventionRow& row) {
  return InsertConvention(conn_, row);
}
absl::StatusOr<ConventionRow> SqliteConventionStore::Get(
    const std::string& id) const {
  return GetConvention(conn_, id);
}
absl::StatusOr<std::vector<ConventionRow>> SqliteConventionStore::List(
    const std::string& commune, const std::string& after_id, int limit) const {
  return ListConventions(conn_, commune, after_id, limit);
}
absl::Status SqliteConventionStore::UpdateState(const ConventionRow& row) {
  return UpdateConventionState(conn_, row);
}
absl::StatusOr<int> SqliteConventionStore::CountForCommune(
    const std::string& commune) const {
  return CountConventions(conn_, commune);
}
absl::Status SqliteConventionStore::AppendEvent(
    const std::string& convention_id, const ConventionEventRow& event) {
  return AppendConventionEvent(conn_, convention_id, event);
}
absl::StatusOr<std::vector<ConventionEventRow>> SqliteConventionStore::History(
    const std::string& id) const {
  return ConventionHistory(conn_, id);
}

// Releases.
absl::Status SqliteReleaseLedger::Insert(const LedgerRow& row) {
  return InsertRelease(conn_, row);
}
absl::StatusOr<int> SqliteReleaseLedger::CountForRequest(
    const std::string& request_id) const {
  return CountReleases(conn_, request_id);
}
absl::StatusOr<PeriodReleases> SqliteReleaseLedger::CountForPeriod(
    const std::string& period) const {
  return CountReleasesOfPeriod(conn_, period);
}
absl::StatusOr<std::vector<LedgerRow>> SqliteReleaseLedger::List(
    const std::string& request_id) const {
  return ListReleases(conn_, request_id);
}
absl::StatusOr<MemoryRow> SqliteReleaseLedger::GetMemory(
    const std::string& commune) const {
  return GetReleaseMemory(conn_, commune);
}
absl::Status SqliteReleaseLedger::PutMemory(const std::string& commune,
                                            const std::string& text,
                                            int64_t expected_version) {
  return PutReleaseMemory(conn_, commune, text, expected_version);
}

// Statistics.
absl::StatusOr<bool> SqliteStatisticsStore::ReplacePeriod(
    const PeriodRow& period) {
  return sqlite::ReplacePeriod(conn_, period);
}
absl::Status SqliteStatisticsStore::InsertTerritory(
    const std::string& period, const TerritoryRow& territory) {
  return sqlite::InsertTerritory(conn_, period, territory);
}
absl::Status SqliteStatisticsStore::AppendSlice(const std::string& period,
                                                const std::string& commune,
                                                const std::string& csv) {
  return sqlite::AppendSlice(conn_, period, commune, csv);
}
absl::StatusOr<std::vector<PeriodRow>> SqliteStatisticsStore::ListPeriods()
    const {
  return sqlite::ListPeriods(conn_);
}
absl::StatusOr<std::optional<PeriodRow>> SqliteStatisticsStore::GetPeriod(
    const std::string& period) const {
  return sqlite::GetPeriod(conn_, period);
}
absl::StatusOr<std::string> SqliteStatisticsStore::CommuneSlice(
    const std::string& period, const std::string& commune) const {
  return sqlite::CommuneSlice(conn_, period, commune);
}
absl::StatusOr<std::vector<TerritoryRow>>
SqliteStatisticsStore::ListTerritories(const std::string& commune, int level,
                                       const std::string& after_code,
                                       int limit) const {
  return sqlite::ListTerritories(conn_, commune, level, after_code, limit);
}
absl::StatusOr<std::optional<TerritoryRow>> SqliteStatisticsStore::GetTerritory(
    const std::string& code) const {
  return sqlite::GetTerritory(conn_, code);
}
absl::StatusOr<std::vector<TerritoryRow>>
SqliteStatisticsStore::ListPeriodTerritories(const std::string& period,
                                             const std::string& commune) const {
  return sqlite::ListPeriodTerritories(conn_, period, commune);
}

// Audit trail.
absl::Status SqliteAuditTrailStore::Append(const AuditRow& row) {
  return InsertAuditRow(conn_, row);
}
absl::Status SqliteAuditTrailStore::Scan(
    const AuditFilter& filter,
    absl::FunctionRef<absl::Status(const AuditRow&)> visit) const {
  return ScanAuditRows(conn_, filter, visit);
}
absl::Status SqliteAuditTrailStore::ScanTrail(
    absl::FunctionRef<absl::Status(const AuditRow&)> visit) const {
  return sqlite::ScanTrail(conn_, visit);
}
absl::Status SqliteAuditTrailStore::ScanLeaves(
    absl::FunctionRef<absl::Status(uint64_t seq, const std::string& canonical,
                                   const std::string& leaf_hash)>
        visit) const {
  return ScanAllLeaves(conn_, visit);
}
absl::StatusOr<std::vector<std::string>> SqliteAuditTrailStore::LeafHashes(
    uint64_t first_seq, uint64_t count) const {
  return ReadLeafHashes(conn_, first_seq, count);
}
absl::StatusOr<uint64_t> SqliteAuditTrailStore::FindReleaseSeq(
    const std::string& extract_sha256) const {
  return sqlite::FindReleaseSeq(conn_, extract_sha256);
}
absl::StatusOr<AuditRow> SqliteAuditTrailStore::Get(uint64_t seq) const {
  return GetAuditRow(conn_, seq);
}
absl::Status SqliteAuditTrailStore::InsertCheckpoint(uint64_t tree_size,
                                                     int64_t time_us,
                                                     const std::string& note) {
  return sqlite::InsertCheckpoint(conn_, tree_size, time_us, note);
}
absl::StatusOr<std::optional<StoredCheckpoint>>
SqliteAuditTrailStore::LatestCheckpoint() const {
  return sqlite::LatestCheckpoint(conn_);
}
absl::StatusOr<std::optional<StoredCheckpoint>>
SqliteAuditTrailStore::CheckpointOfSize(uint64_t tree_size) const {
  return sqlite::CheckpointOfSize(conn_, tree_size);
}
absl::StatusOr<std::vector<StoredCheckpoint>>
SqliteAuditTrailStore::AllCheckpoints() const {
  return sqlite::AllCheckpoints(conn_);
}

}  // namespace ctg::store::sqlite
