#include "store/postgres/pg_stores.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "store/postgres/pg_audit.h"
#include "store/postgres/pg_changes.h"
#include "store/postgres/pg_conventions.h"
#include "store/postgres/pg_releases.h"
#include "store/postgres/pg_statistics.h"

namespace ctg::store::postgres {

// Conventions.
absl::Status PgConventionStore::Insert(const ConventionRow& row) {
  return PgInsertConvention(s_, row);
}
absl::StatusOr<ConventionRow> PgConventionStore::Get(
    const std::string& id) const {
  return PgGetConvention(s_, id);
}
absl::StatusOr<std::vector<ConventionRow>> PgConventionStore::List(
    const std::string& commune, const std::string& after_id, int limit) const {
  return PgListConventions(s_, commune, after_id, limit);
}
absl::Status PgConventionStore::UpdateState(const ConventionRow& row) {
  return PgUpdateConventionState(s_, row);
}
absl::StatusOr<int> PgConventionStore::CountForCommune(
    const std::string& commune) const {
  return PgCountConventions(s_, commune);
}
absl::Status PgConventionStore::AppendEvent(const std::string& convention_id,
                                            const ConventionEventRow& event) {
  return PgAppendConventionEvent(s_, convention_id, event);
}
absl::StatusOr<std::vector<ConventionEventRow>> PgConventionStore::History(
    const std::string& id) const {
  return PgConventionHistory(s_, id);
}

// Release ledger and memory.
absl::Status PgReleaseLedger::Insert(const LedgerRow& row) {
  return PgInsertRelease(s_, row);
}
absl::StatusOr<int> PgReleaseLedger::CountForRequest(
    const std::string& request_id) const {
  return PgCountReleases(s_, request_id);
}
absl::StatusOr<PeriodReleases> PgReleaseLedger::CountForPeriod(
    const std::string& period) const {
  return PgCountReleasesOfPeriod(s_, period);
}
absl::StatusOr<std::vector<LedgerRow>> PgReleaseLedger::List(
    const std::string& request_id) const {
  return PgListReleases(s_, request_id);
}
absl::StatusOr<MemoryRow> PgReleaseLedger::GetMemory(
    const std::string& commune) const {
  return PgGetReleaseMemory(s_, commune);
}
absl::Status PgReleaseLedger::PutMemory(const std::string& commune,
                                        const std::string& text,
                                        int64_t expected_version) {
  return PgPutReleaseMemory(s_, commune, text, expected_version);
}

// Statistical base.
absl::StatusOr<bool> PgStatisticsStore::ReplacePeriod(const PeriodRow& period) {
  // Other replicas drop what they cached of the base as soon as this
  // commits (they would not use it anyway: their caches are keyed by the
  // period's base_version, read in each decision's own snapshot).
  CTG_RETURN_IF_ERROR(BumpPgVersion(s_, kStatbaseTopic).status());
  return PgReplacePeriod(s_, period);
}
absl::Status PgStatisticsStore::InsertTerritory(const std::string& period,
                                                const TerritoryRow& territory) {
  return PgInsertTerritory(s_, period, territory);
}
absl::Status PgStatisticsStore::AppendSlice(const std::string& period,
                                            const std::string& commune,
                                            const std::string& csv) {
  return PgAppendSlice(s_, period, commune, csv);
}
absl::StatusOr<std::vector<PeriodRow>> PgStatisticsStore::ListPeriods() const {
  return PgListPeriods(s_);
}
absl::StatusOr<std::optional<PeriodRow>> PgStatisticsStore::GetPeriod(
    const std::string& period) const {
  return PgGetPeriod(s_, period);
}
absl::StatusOr<std::string> PgStatisticsStore::CommuneSlice(
    const std::string& period, const std::string& commune) const {
  return PgCommuneSlice(s_, period, commune);
}
absl::StatusOr<std::vector<TerritoryRow>> PgStatisticsStore::ListTerritories(
    const std::string& commune, int level, const std::string& after_code,
    int limit) const {
  return PgListTerritories(s_, commune, level, after_code, limit);
}
absl::StatusOr<std::optional<TerritoryRow>> PgStatisticsStore::GetTerritory(
    const std::string& code) const {
  return PgGetTerritory(s_, code);
}
absl::StatusOr<std::vector<TerritoryRow>>
PgStatisticsStore::ListPeriodTerritories(const std::string& period,
                                         const std::string& commune) const {
  return PgListPeriodTerritories(s_, period, commune);
}

// Audit trail.
absl::StatusOr<std::string> RootOfCheckpointNote(uint64_t tree_size,
                                                 const std::string& note) {
  std::vector<std::string> lines = absl::StrSplit(note, '\n');
  std::string root;
  uint64_t size = 0;
  if (lines.size() < 3 || !absl::SimpleAtoi(lines[1], &size) ||
      size != tree_size || !absl::Base64Unescape(lines[2], &root) ||
      root.size() != 32) {
    return absl::DataLossError(
        absl::StrCat("audit checkpoint of size ", tree_size,
                     ": its note does not hold that size and a root"));
  }
  return root;
}

absl::Status PgAuditTrailStore::Append(const AuditRow& row) {
  return InsertPgAuditRow(s_, row);
}
absl::Status PgAuditTrailStore::Scan(
    const AuditFilter& filter,
    absl::FunctionRef<absl::Status(const AuditRow&)> visit) const {
  return ScanPgAuditRows(s_, filter, visit);
}
absl::Status PgAuditTrailStore::ScanTrail(
    absl::FunctionRef<absl::Status(const AuditRow&)> visit) const {
  return ScanPgTrail(s_, visit);
}
absl::Status PgAuditTrailStore::ScanLeaves(
    absl::FunctionRef<absl::Status(uint64_t, const std::string&,
                                   const std::string&)>
        visit) const {
  return ScanPgTrail(s_, [&](const AuditRow& row) {
    return visit(row.seq, row.canonical, row.leaf_hash);
  });
}
absl::StatusOr<std::vector<std::string>> PgAuditTrailStore::LeafHashes(
    uint64_t first_seq, uint64_t count) const {
  return ReadPgLeafHashes(s_, first_seq, count);
}
absl::StatusOr<uint64_t> PgAuditTrailStore::FindReleaseSeq(
    const std::string& extract_sha256) const {
  return FindPgReleaseSeq(s_, extract_sha256);
}
absl::StatusOr<AuditRow> PgAuditTrailStore::Get(uint64_t seq) const {
  return GetPgAuditRow(s_, seq);
}
absl::Status PgAuditTrailStore::InsertCheckpoint(uint64_t tree_size,
                                                 int64_t time_us,
                                                 const std::string& note) {
  CTG_ASSIGN_OR_RETURN(std::string root, RootOfCheckpointNote(tree_size, note));
  return StorePgCheckpoint(s_, tree_size, root, time_us, note);
}
namespace {
std::optional<StoredCheckpoint> ToStored(const std::optional<PgCheckpoint>& c) {
  if (!c) return std::nullopt;
  return StoredCheckpoint{c->tree_size, c->note};
}
}  // namespace
absl::StatusOr<std::optional<StoredCheckpoint>>
PgAuditTrailStore::LatestCheckpoint() const {
  CTG_ASSIGN_OR_RETURN(std::optional<PgCheckpoint> c, LatestPgCheckpoint(s_));
  return ToStored(c);
}
absl::StatusOr<std::optional<StoredCheckpoint>>
PgAuditTrailStore::CheckpointOfSize(uint64_t tree_size) const {
  CTG_ASSIGN_OR_RETURN(std::optional<PgCheckpoint> c,
                       PgCheckpointOfSize(s_, tree_size));
  return ToStored(c);
}
absl::StatusOr<std::vector<StoredCheckpoint>>
PgAuditTrailStore::AllCheckpoints() const {
  CTG_ASSIGN_OR_RETURN(std::vector<PgCheckpoint> all, AllPgCheckpoints(s_));
  std::vector<StoredCheckpoint> out;
  out.reserve(all.size());
  for (PgCheckpoint& c : all) out.push_back({c.tree_size, std::move(c.note)});
  return out;
}

}  // namespace ctg::store::postgres
