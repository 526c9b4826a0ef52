#include "gateway/services/extract_builder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "extract/extract_csv.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/protection.h"
#include "policy/convention.h"
#include "policy/request_state.h"
#include "store/convention_store.h"
#include "store/release_ledger.h"
#include "store/request_store.h"

namespace ctg::gateway {
namespace {

namespace sdc = ::ctg::policy::sdc;

absl::Time EndOf(const store::StoredRequest& r) {
  if (!r.approval || !r.approval->end_time_us) return absl::InfiniteFuture();
  return absl::FromUnixMicros(*r.approval->end_time_us);
}

ctg::v1::TerritoryLevel LevelOf(const statbase::Base& base, const std::string& code) {
  auto id = base.FindTerritory(code);
  if (!id) return ctg::v1::TERRITORY_LEVEL_UNSPECIFIED;
  return static_cast<ctg::v1::TerritoryLevel>(base.territory(*id).level);
}

}  // namespace

std::vector<std::string> DeclaredOperators(const store::StoredRequest& r) {
  std::vector<std::string> persons;
  for (const store::RecipientRow& rec : r.request.recipients) {
    if (rec.kind == ctg::v1::Recipient::OPERATOR) persons.push_back(rec.operator_person);
  }
  return persons;
}

absl::Status CheckReleasable(store::ReadSession& session, const std::string& request_id,
                             const policy::Identity& caller, absl::Time now,
                             int* download_quota) {
  CTG_ASSIGN_OR_RETURN(store::StoredRequest r, session.requests().Get(request_id));
  CTG_RETURN_IF_ERROR(policy::CheckRequestVisible(caller, r.request.commune, request_id));
  if (caller.role == policy::Role::kOperator &&
      !policy::IsDeclaredOperator(DeclaredOperators(r), caller.person)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "operator ", caller.person, " is not declared as a recipient of request ", request_id,
        " (R3)"));
  }
  // 1. R10, R11: the convention allows releases today.
  CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                       session.conventions().Get(r.request.convention_id));
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  CTG_RETURN_IF_ERROR(policy::CheckConventionActive(terms, CafDay(now)));
  // 2. R1: approved, and neither expired nor revoked.
  auto stored = policy::RequestStateFromNumber(r.request.state);
  if (!stored) return absl::DataLossError(absl::StrCat("request ", request_id, " has no state"));
  bool ended = policy::EffectiveStatus(terms, CafDay(now)) == policy::ConventionStatus::kEnded;
  policy::RequestState state = policy::EffectiveState(*stored, now, EndOf(r), ended);
  if (state != policy::RequestState::kApproved || !r.approval) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request ", request_id, " is ", policy::RequestStateName(state),
        ": only an APPROVED request can be downloaded"));
  }
  // 3. The download quota of the approval.
  CTG_ASSIGN_OR_RETURN(int used, session.releases().CountForRequest(request_id));
  if (used >= r.approval->download_quota) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the download quota of request ", request_id, " is spent (", used, " of ",
        r.approval->download_quota, ")"));
  }
  *download_quota = r.approval->download_quota;
  return absl::OkStatus();
}

std::shared_ptr<const PreparedExtract> ReleaseCache::Find(const std::string& key) {
  MutexLock lock(&mu_);
  for (auto it = lru_.begin(); it != lru_.end(); ++it) {
    if (it->key != key) continue;
    lru_.splice(lru_.begin(), lru_, it);
    hits_.fetch_add(1, std::memory_order_relaxed);
    return lru_.front().value;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void ReleaseCache::Put(const std::string& key, std::shared_ptr<const PreparedExtract> value) {
  const size_t entry_bytes = EstimateBytes(*value);
  if (entry_bytes > max_bytes_) return;
  MutexLock lock(&mu_);
  for (auto it = lru_.begin(); it != lru_.end(); ++it) {
    if (it->key != key) continue;
    bytes_ -= it->bytes;
    lru_.erase(it);
    break;
  }
  lru_.push_front(Entry{key, std::move(value), entry_bytes});
  bytes_ += entry_bytes;
  while (bytes_ > max_bytes_) {
    bytes_ -= lru_.back().bytes;
    lru_.pop_back();
  }
}

size_t ReleaseCache::bytes() const {
  MutexLock lock(&mu_);
  return bytes_;
}

size_t ReleaseCache::EstimateBytes(const PreparedExtract& value) {
  size_t bytes = sizeof(value) + value.header.SpaceUsedLong() + value.memory_after.capacity();
  for (const ctg::v1::ExtractCell& cell : value.cells) bytes += cell.SpaceUsedLong();
  return bytes;
}

std::unique_ptr<EngineSlots::Held> EngineSlots::Acquire(absl::Time deadline) {
  MutexLock lock(&mu_);
  auto free = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return free_ > 0; };
  if (free_ == 0) waits_.fetch_add(1, std::memory_order_relaxed);
  if (deadline == absl::InfiniteFuture()) {
    mu_.Await(free);
  } else if (!mu_.AwaitUntil(free, absl::ToChronoTime(deadline))) {
    return nullptr;
  }
  --free_;
  return std::make_unique<Held>(this);
}

void EngineSlots::Release() {
  MutexLock lock(&mu_);
  ++free_;
  mu_.NotifyAll();
}

absl::StatusOr<std::shared_ptr<const PreparedExtract>> PrepareExtract(
    store::ReadSession& session, const std::string& request_id, CommuneBases& bases,
    const Config& config, ReleaseCache& cache, EngineSlots& engines, absl::Time deadline) {
  CTG_ASSIGN_OR_RETURN(store::StoredRequest r, session.requests().Get(request_id));
  CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                       session.conventions().Get(r.request.convention_id));
  const store::ScopeRow& approved = r.approval->scope;
  policy::Scope scope{approved.indicators, approved.territories, approved.periods,
                      approved.breakdowns};
  PreparedExtract out;
  out.request_id = request_id;
  out.commune = r.request.commune;
  BasesByPeriod by_period;
  std::vector<std::string> versions;
  for (const std::string& period : scope.periods) {
    CTG_ASSIGN_OR_RETURN(CommuneBase base, bases.Get(session, period, out.commune));
    by_period[period] = base.base;
    versions.push_back(base.base_version);
  }
  std::string base_version = absl::StrJoin(versions, " ");
  CTG_ASSIGN_OR_RETURN(store::MemoryRow memory_row, session.releases().GetMemory(out.commune));
  // The approved scope is fixed once approved: the request, the bases and
  // the memory determine the release.
  const std::string key =
      absl::StrCat(request_id, "|", base_version, "|", memory_row.version);
  if (auto cached = cache.Find(key)) return cached;
  auto slot = engines.Acquire(deadline);
  if (slot == nullptr) {
    return absl::DeadlineExceededError(
        "every secret statistique engine stayed busy until the call's deadline; nothing "
        "released, retry later");
  }
  // Another call may have computed it while this one waited for a slot.
  if (auto cached = cache.Find(key)) return cached;
  out.memory_version = memory_row.version;
  sdc::ReleaseMemory memory;
  if (!memory_row.text.empty()) {
    CTG_ASSIGN_OR_RETURN(memory, sdc::ReleaseMemory::Parse(memory_row.text));
  }
  CTG_ASSIGN_OR_RETURN(sdc::Release release, ProtectScope(out.commune, by_period, scope, memory,
                                                          SdcConfigFrom(config.secret), base_version));
  // What the memory becomes once this release is delivered.
  CTG_RETURN_IF_ERROR(memory.Record(release));
  std::string after = memory.Serialize();
  out.memory_changes = after != memory_row.text;
  if (out.memory_changes) out.memory_after = std::move(after);
  ctg::v1::ExtractHeader& h = out.header;
  h.set_request_id(request_id);
  h.set_commune(out.commune);
  h.set_convention_id(convention.id);
  h.set_source_mention(absl::StrCat("Source : ", convention.caf_name));  // R4
  h.set_purpose(r.request.purpose);                                      // R2
  h.set_objective(r.request.objective);
  for (const store::RecipientRow& rec : r.request.recipients) {
    ctg::v1::Recipient* out_rec = h.add_recipients();
    out_rec->set_kind(static_cast<ctg::v1::Recipient::Kind>(rec.kind));
    out_rec->set_name(rec.name);
    out_rec->set_operator_person(rec.operator_person);
  }
  h.set_base_version(base_version);
  const statbase::Base& any_base = *by_period.begin()->second;
  for (const sdc::ReleasedCell& c : release.cells) {
    ctg::v1::ExtractCell& cell = out.cells.emplace_back();
    cell.set_territory(c.key.territory);
    cell.set_level(LevelOf(any_base, c.key.territory));
    cell.set_period(c.key.period);
    cell.set_indicator(c.key.indicator);
    cell.set_breakdown(c.key.breakdown);
    cell.set_category(c.key.category);
    switch (c.status) {
      case sdc::CellStatus::kPublished:
        cell.set_status(ctg::v1::PUBLISHED);
        // Amount indicators publish euros; counts publish the count.
        cell.set_value(c.amount_block ? c.amount : c.value);
        ++out.published;
        break;
      case sdc::CellStatus::kMasked:
        cell.set_status(ctg::v1::MASKED);  // R7: no figure, no reason
        ++out.masked;
        break;
      case sdc::CellStatus::kExcluded:
        cell.set_status(ctg::v1::EXCLUDED);  // R6: no figure
        ++out.excluded;
        break;
    }
  }
  h.set_cell_count(static_cast<int64_t>(out.cells.size()));
  // The extract id is derived from the content, so that the same table
  // always has the same bytes (id included) and digest.
  extract::ExtractCsvWriter content;
  content.WriteHeader(h);
  for (const ctg::v1::ExtractCell& cell : out.cells) content.WriteCell(cell);
  h.set_extract_id(absl::StrCat("EXT-", content.FinishDigest().substr(0, 16)));
  extract::ExtractCsvWriter digest;
  digest.WriteHeader(h);
  for (const ctg::v1::ExtractCell& cell : out.cells) digest.WriteCell(cell);
  out.sha256 = digest.FinishDigest();
  auto shared = std::make_shared<const PreparedExtract>(std::move(out));
  cache.Put(key, shared);
  return shared;
}

}  // namespace ctg::gateway
