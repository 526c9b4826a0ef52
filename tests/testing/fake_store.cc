#include "tests/testing/fake_store.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ctg::testing {
namespace {

using store::AuditFilter;
using store::AuditRow;
using store::StoredCheckpoint;

absl::Status NoRequest(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("request ", id, " not found"));
}

class Requests final : public store::RequestStore {
 public:
  explicit Requests(FakeData& d) : d_(d) {}
  absl::StatusOr<std::string> NextId() const override {
    int64_t last = 0;
    for (const auto& [id, r] : d_.requests)
      last = std::max(last, *store::RequestNumberOf(id));
    return store::RequestIdOf(last + 1);
  }
  absl::Status Insert(const store::RequestRow& row) override {
    if (!store::RequestNumberOf(row.id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", row.id, "\" is not a request id"));
    }
    if (d_.requests.count(row.id))
      return absl::AbortedError("request id exists");
    store::StoredRequest stored;
    stored.request = row;
    stored.request.state = 0;
    stored.request.update_time_us = row.create_time_us;
    d_.requests[row.id] = std::move(stored);
    return absl::OkStatus();
  }
  absl::StatusOr<int> AppendVersion(const std::string& id,
                                    const store::VersionRow& v) override {
    auto it = d_.requests.find(id);
    if (it == d_.requests.end()) return NoRequest(id);
    store::VersionRow row = v;
    row.version = static_cast<int>(it->second.versions.size()) + 1;
    it->second.versions.push_back(row);
    return row.version;
  }
  absl::Status AppendTransition(const std::string& id,
                                const store::TransitionRow& t) override {
    auto it = d_.requests.find(id);
    if (it == d_.requests.end()) return NoRequest(id);
    if (t.from_state != it->second.request.state) {
      return absl::AbortedError("a transition starts from the request's state");
    }
    it->second.transitions.push_back(t);
    it->second.request.state = t.to_state;
    it->second.request.update_time_us = t.time_us;
    return absl::OkStatus();
  }
  absl::StatusOr<int> AppendQuestions(const std::string& id,
                                      const std::vector<std::string>& questions,
                                      const std::string& author,
                                      int64_t time_us) override {
    auto it = d_.requests.find(id);
    if (it == d_.requests.end()) return NoRequest(id);
    int round = it->second.questions.empty()
                    ? 1
                    : it->second.questions.back().round + 1;
    for (const std::string& q : questions) {
      it->second.questions.push_back({round, q, author, time_us});
    }
    return round;
  }
  absl::Status AppendOpinion(const std::string& id,
                             const store::OpinionRow& opinion) override {
    auto it = d_.requests.find(id);
    if (it == d_.requests.end()) return NoRequest(id);
    if (opinion.aspect != 1 && opinion.aspect != 2) {
      return absl::InvalidArgumentError("opinion aspect must be 1 or 2");
    }
    it->second.opinions.push_back(opinion);
    return absl::OkStatus();
  }
  absl::Status InsertApproval(const std::string& id,
                              const store::ApprovalRow& a) override {
    auto it = d_.requests.find(id);
    if (it == d_.requests.end()) return NoRequest(id);
    if (it->second.approval)
      return absl::AbortedError("the request has an approval");
    it->second.approval = a;
    return absl::OkStatus();
  }
  absl::StatusOr<store::StoredRequest> Get(
      const std::string& id) const override {
    auto it = d_.requests.find(id);
    if (it == d_.requests.end()) return NoRequest(id);
    return it->second;
  }
  absl::StatusOr<std::vector<store::StoredRequest>> List(
      const store::RequestFilter& filter, int limit) const override {
    std::vector<store::StoredRequest> out;
    for (auto it = d_.requests.rbegin(); it != d_.requests.rend(); ++it) {
      const store::RequestRow& r = it->second.request;
      if (static_cast<int>(out.size()) >= limit) break;
      if (!filter.commune.empty() && r.commune != filter.commune) continue;
      if (!filter.states.empty() && !filter.states.count(r.state)) continue;
      if (filter.before_number > 0 &&
          *store::RequestNumberOf(r.id) >= filter.before_number) {
        continue;
      }
      out.push_back(it->second);
    }
    return out;
  }

 private:
  FakeData& d_;
};

class Conventions final : public store::ConventionStore {
 public:
  explicit Conventions(FakeData& d) : d_(d) {}
  absl::Status Insert(const store::ConventionRow& row) override {
    if (!d_.conventions.emplace(row.id, row).second) {
      return absl::AbortedError(absl::StrCat("convention ", row.id, " exists"));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<store::ConventionRow> Get(
      const std::string& id) const override {
    auto it = d_.conventions.find(id);
    if (it == d_.conventions.end()) {
      return absl::NotFoundError(absl::StrCat("convention ", id, " not found"));
    }
    return it->second;
  }
  absl::StatusOr<std::vector<store::ConventionRow>> List(
      const std::string& commune, const std::string& after_id,
      int limit) const override {
    std::vector<store::ConventionRow> out;
    for (auto it = d_.conventions.upper_bound(after_id);
         it != d_.conventions.end() && static_cast<int>(out.size()) < limit;
         ++it) {
      if (commune.empty() || it->second.commune == commune)
        out.push_back(it->second);
    }
    return out;
  }
  absl::Status UpdateState(const store::ConventionRow& row) override {
    auto it = d_.conventions.find(row.id);
    if (it == d_.conventions.end()) {
      return absl::NotFoundError(
          absl::StrCat("convention ", row.id, " not found"));
    }
    it->second.suspended = row.suspended;
    it->second.suspension_reason = row.suspension_reason;
    it->second.termination_notice_date = row.termination_notice_date;
    it->second.termination_effective_date = row.termination_effective_date;
    return absl::OkStatus();
  }
  absl::StatusOr<int> CountForCommune(
      const std::string& commune) const override {
    int n = 0;
    for (const auto& [id, row] : d_.conventions) n += row.commune == commune;
    return n;
  }
  absl::Status AppendEvent(const std::string& id,
                           const store::ConventionEventRow& e) override {
    d_.convention_events[id].push_back(e);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<store::ConventionEventRow>> History(
      const std::string& id) const override {
    auto it = d_.convention_events.find(id);
    if (it == d_.convention_events.end())
      return std::vector<store::ConventionEventRow>();
    return it->second;
  }

 private:
  FakeData& d_;
};

class Releases final : public store::ReleaseLedger {
 public:
  explicit Releases(FakeData& d) : d_(d) {}
  absl::Status Insert(const store::LedgerRow& row) override {
    for (const store::LedgerRow& r : d_.releases) {
      if (r.request_id == row.request_id && r.download == row.download) {
        return absl::AbortedError("release exists");
      }
    }
    d_.releases.push_back(row);
    return absl::OkStatus();
  }
  absl::StatusOr<int> CountForRequest(
      const std::string& request_id) const override {
    int n = 0;
    for (const store::LedgerRow& r : d_.releases)
      n += r.request_id == request_id;
    return n;
  }
  absl::StatusOr<store::PeriodReleases> CountForPeriod(
      const std::string&) const override {
    return absl::UnimplementedError("fake store: releases of a period");
  }
  absl::StatusOr<std::vector<store::LedgerRow>> List(
      const std::string& request_id) const override {
    std::vector<store::LedgerRow> out;
    for (const store::LedgerRow& r : d_.releases) {
      if (r.request_id == request_id) out.push_back(r);
    }
    return out;
  }
  absl::StatusOr<store::MemoryRow> GetMemory(
      const std::string& commune) const override {
    auto it = d_.memories.find(commune);
    return it == d_.memories.end() ? store::MemoryRow{} : it->second;
  }
  absl::Status PutMemory(const std::string& commune, const std::string& text,
                         int64_t expected_version) override {
    store::MemoryRow& row = d_.memories[commune];
    if (row.version != expected_version)
      return absl::AbortedError("release memory changed");
    row = {text, expected_version + 1};
    return absl::OkStatus();
  }

 private:
  FakeData& d_;
};

class Statistics final : public store::StatisticsStore {
 public:
  explicit Statistics(FakeData& d) : d_(d) {}
  absl::StatusOr<bool> ReplacePeriod(const store::PeriodRow& period) override {
    bool had = d_.periods.erase(period.period) > 0;
    d_.territories.erase(period.period);
    for (auto it = d_.slices.begin(); it != d_.slices.end();) {
      it = it->first.first == period.period ? d_.slices.erase(it)
                                            : std::next(it);
    }
    d_.periods[period.period] = period;
    return had;
  }
  absl::Status InsertTerritory(const std::string& period,
                               const store::TerritoryRow& t) override {
    d_.territories[period][t.code] = t;
    return absl::OkStatus();
  }
  absl::Status AppendSlice(const std::string& period,
                           const std::string& commune,
                           const std::string& csv) override {
    d_.slices[{period, commune}] += csv;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<store::PeriodRow>> ListPeriods() const override {
    std::vector<store::PeriodRow> out;
    for (const auto& [p, row] : d_.periods) out.push_back(row);
    return out;
  }
  absl::StatusOr<std::optional<store::PeriodRow>> GetPeriod(
      const std::string& period) const override {
    auto it = d_.periods.find(period);
    if (it == d_.periods.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::string> CommuneSlice(
      const std::string& period, const std::string& commune) const override {
    auto it = d_.slices.find({period, commune});
    if (it == d_.slices.end()) {
      return absl::NotFoundError(
          absl::StrCat("no data for ", commune, " in ", period));
    }
    return it->second;
  }
  absl::StatusOr<std::vector<store::TerritoryRow>> ListTerritories(
      const std::string& commune, int level, const std::string& after_code,
      int limit) const override {
    std::vector<store::TerritoryRow> out;
    if (d_.periods.empty()) return out;
    std::vector<store::TerritoryRow> all;
    auto period = d_.territories.find(d_.periods.rbegin()->first);
    if (period != d_.territories.end()) {
      for (const auto& [code, t] : period->second) {
        if (commune.empty() || t.code == commune || t.commune == commune)
          all.push_back(t);
      }
    }
    for (const store::TerritoryRow& t : all) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (t.code <= after_code || (level != 0 && t.level != level)) continue;
      out.push_back(t);
    }
    return out;
  }
  absl::StatusOr<std::optional<store::TerritoryRow>> GetTerritory(
      const std::string& code) const override {
    if (d_.periods.empty()) return std::nullopt;
    auto period = d_.territories.find(d_.periods.rbegin()->first);
    if (period == d_.territories.end()) return std::nullopt;
    auto it = period->second.find(code);
    if (it == period->second.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::vector<store::TerritoryRow>> ListPeriodTerritories(
      const std::string& period, const std::string& commune) const override {
    std::vector<store::TerritoryRow> out;
    auto it = d_.territories.find(period);
    if (it == d_.territories.end()) return out;
    for (const auto& [code, t] : it->second) {
      if (commune.empty() || t.code == commune || t.commune == commune)
        out.push_back(t);
    }
    return out;
  }

 private:
  FakeData& d_;
};

bool Matches(const AuditFilter& f, const AuditRow& row) {
  if (row.seq < f.from_seq || (f.to_seq && row.seq > *f.to_seq)) return false;
  if (f.start_time_us && row.time_us < *f.start_time_us) return false;
  if (f.end_time_us && row.time_us >= *f.end_time_us) return false;
  if (!f.caller.empty() && (row.organisation.empty() || row.caller != f.caller))
    return false;
  if (!f.claimed_caller.empty() &&
      (!row.organisation.empty() || row.caller != f.claimed_caller)) {
    return false;
  }
  if (!f.organisation.empty() && row.organisation != f.organisation)
    return false;
  if (!f.method.empty() && row.method != f.method) return false;
  if (!f.request_id.empty() && row.request_id != f.request_id) return false;
  if (f.outcome == AuditFilter::Outcome::kAllowed && row.code != 0)
    return false;
  if (f.outcome == AuditFilter::Outcome::kDenied && row.code == 0) return false;
  return true;
}

class Audit final : public store::AuditTrailStore {
 public:
  explicit Audit(FakeData& d) : d_(d) {}
  absl::Status Append(const AuditRow& row) override {
    if (row.seq != d_.audit.size() + 1) {
      return absl::AbortedError(
          absl::StrCat("audit row ", row.seq, " out of sequence"));
    }
    d_.audit.push_back(row);
    return absl::OkStatus();
  }
  absl::Status Scan(
      const AuditFilter& filter,
      absl::FunctionRef<absl::Status(const AuditRow&)> visit) const override {
    uint64_t visited = 0;
    for (AuditRow row : d_.audit) {
      if (!Matches(filter, row)) continue;
      if (filter.limit > 0 && visited == filter.limit) break;
      auto c = d_.checkpoints.find(row.seq);
      if (c != d_.checkpoints.end()) row.checkpoint = c->second.note;
      if (absl::Status s = visit(row); !s.ok()) return s;
      ++visited;
    }
    return absl::OkStatus();
  }
  absl::Status ScanTrail(
      absl::FunctionRef<absl::Status(const AuditRow&)> visit) const override {
    for (const AuditRow& row : d_.audit) {
      if (absl::Status s = visit(row); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  absl::Status ScanLeaves(absl::FunctionRef<absl::Status(
                              uint64_t, const std::string&, const std::string&)>
                              visit) const override {
    for (const AuditRow& row : d_.audit) {
      if (absl::Status s = visit(row.seq, row.canonical, row.leaf_hash);
          !s.ok())
        return s;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<std::string>> LeafHashes(
      uint64_t first_seq, uint64_t count) const override {
    std::vector<std::string> out;
    for (uint64_t seq = first_seq;
         seq < first_seq + count && seq <= d_.audit.size(); ++seq) {
      out.push_back(d_.audit[seq - 1].leaf_hash);
    }
    return out;
  }
  absl::StatusOr<uint64_t> FindReleaseSeq(
      const std::string& sha256) const override {
    for (const AuditRow& row : d_.audit) {
      if (row.extract_sha256 == sha256 && row.code == 0) return row.seq;
    }
    return absl::NotFoundError("no release carries that digest");
  }
  absl::StatusOr<AuditRow> Get(uint64_t seq) const override {
    if (seq == 0 || seq > d_.audit.size()) {
      return absl::NotFoundError(
          absl::StrCat("audit event ", seq, " not found"));
    }
    return d_.audit[seq - 1];
  }
  absl::Status InsertCheckpoint(uint64_t size, int64_t,
                                const std::string& note) override {
    d_.checkpoints.emplace(size, StoredCheckpoint{size, note});
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint()
      const override {
    if (d_.checkpoints.empty()) return std::nullopt;
    return d_.checkpoints.rbegin()->second;
  }
  absl::StatusOr<std::optional<StoredCheckpoint>> CheckpointOfSize(
      uint64_t size) const override {
    auto it = d_.checkpoints.find(size);
    if (it == d_.checkpoints.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::vector<StoredCheckpoint>> AllCheckpoints()
      const override {
    std::vector<StoredCheckpoint> out;
    for (const auto& [size, c] : d_.checkpoints) out.push_back(c);
    return out;
  }

 private:
  FakeData& d_;
};

// The fake keeps no Caf requests nor agreements: every call is refused.
absl::Status NotKept() {
  return absl::UnimplementedError("the fake store keeps no such rows");
}

class NoCafRequests final : public store::CafRequestStore {
 public:
  absl::StatusOr<std::string> NextId() const override { return NotKept(); }
  absl::Status Insert(const store::CafRequestRow&) override {
    return NotKept();
  }
  absl::StatusOr<int> AppendVersion(const std::string&,
                                    const store::CafVersionRow&) override {
    return NotKept();
  }
  absl::Status AppendTransition(const std::string&,
                                const store::CafTransitionRow&) override {
    return NotKept();
  }
  absl::StatusOr<int> AppendQuestions(const std::string&,
                                      const std::vector<std::string>&,
                                      const std::string&, int64_t) override {
    return NotKept();
  }
  absl::Status AppendOpinion(const std::string&,
                             const store::CafOpinionRow&) override {
    return NotKept();
  }
  absl::Status InsertApproval(const std::string&,
                              const store::CafApprovalRow&) override {
    return NotKept();
  }
  absl::Status InsertUpload(const std::string&, const store::CafUploadRow&,
                            const std::string&) override {
    return NotKept();
  }
  absl::StatusOr<std::string> File(const std::string&) const override {
    return NotKept();
  }
  absl::StatusOr<int> AppendDownload(const std::string&, const std::string&,
                                     int64_t) override {
    return NotKept();
  }
  absl::StatusOr<store::StoredCafRequest> Get(
      const std::string&) const override {
    return NotKept();
  }
  absl::StatusOr<std::vector<store::StoredCafRequest>> List(
      const store::CafRequestFilter&, int) const override {
    return NotKept();
  }
};

class NoAgreements final : public store::TransferAgreementStore {
 public:
  absl::StatusOr<std::string> NextId() const override { return NotKept(); }
  absl::Status Insert(const store::AgreementRow&) override { return NotKept(); }
  absl::Status InsertDecision(const std::string&,
                              const store::AgreementDecisionRow&) override {
    return NotKept();
  }
  absl::StatusOr<store::AgreementRow> Get(const std::string&) const override {
    return NotKept();
  }
  absl::StatusOr<std::vector<store::AgreementRow>> List(
      const store::AgreementFilter&, int) const override {
    return NotKept();
  }
  absl::StatusOr<uint64_t> DecisionEvent(const std::string&) const override {
    return NotKept();
  }
  absl::StatusOr<store::ReleaseRef> FindRelease(
      const std::string&) const override {
    return NotKept();
  }
};

class Session final : public store::WriteSession {
 public:
  explicit Session(FakeData& d)
      : data_(d),
        requests_(d),
        conventions_(d),
        releases_(d),
        statistics_(d),
        audit_(d) {}
  store::RequestStore& requests() override { return requests_; }
  store::ConventionStore& conventions() override { return conventions_; }
  store::ReleaseLedger& releases() override { return releases_; }
  store::StatisticsStore& statistics() override { return statistics_; }
  store::AuditTrailStore& audit() override { return audit_; }
  store::CafRequestStore& caf_requests() override { return caf_requests_; }
  store::TransferAgreementStore& agreements() override { return agreements_; }
  void OnCommit(std::function<void()> hook) override {
    commit_.push_back(std::move(hook));
  }
  void OnRollback(std::function<void()> hook) override {
    rollback_.push_back(std::move(hook));
  }
  absl::Status Savepoint(absl::FunctionRef<absl::Status()> work) override {
    FakeData before = data_;
    absl::Status status = work();
    if (!status.ok()) data_ = std::move(before);
    return status;
  }

  void Committed() {
    for (auto& hook : commit_) hook();
  }
  void RolledBack() {
    for (auto it = rollback_.rbegin(); it != rollback_.rend(); ++it) (*it)();
  }

 private:
  FakeData& data_;
  Requests requests_;
  Conventions conventions_;
  Releases releases_;
  Statistics statistics_;
  Audit audit_;
  NoCafRequests caf_requests_;
  NoAgreements agreements_;
  std::vector<std::function<void()>> commit_;
  std::vector<std::function<void()>> rollback_;
};

}  // namespace

absl::Status FakeBackend::Write(
    absl::FunctionRef<absl::Status(store::WriteSession&)> work) {
  MutexLock serial(&write_mu_);
  FakeData working;
  {
    MutexLock lock(&mu_);
    if (closed_) return absl::UnavailableError("fake store is closed");
    working = data_;
  }
  Session session(working);
  absl::Status status = work(session);
  if (!status.ok()) {
    session.RolledBack();
    return status;
  }
  {
    MutexLock lock(&mu_);
    data_ = std::move(working);
    ++commits_;
  }
  session.Committed();
  return absl::OkStatus();
}

absl::Status FakeBackend::Read(
    absl::FunctionRef<absl::Status(store::ReadSession&)> work) {
  FakeData copy = Snapshot();
  Session session(copy);
  store::ReadSession& read = session;
  return work(read);
}

void FakeBackend::Close() {
  MutexLock lock(&mu_);
  closed_ = true;
}

absl::Status FakeBackend::CopyTo(const std::string& dest) {
  return absl::UnimplementedError(
      absl::StrCat("fake store: no copy to ", dest));
}

FakeData FakeBackend::Snapshot() const {
  MutexLock lock(&mu_);
  return data_;
}

int FakeBackend::commits() const {
  MutexLock lock(&mu_);
  return commits_;
}

}  // namespace ctg::testing
