#include "bench/load/methods.h"

#include <chrono>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/thread_pool.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace ctg::load {
namespace {

// The worker's stubs, one per worker on the worker's own connection as the
// client `client_of(worker)`.
template <typename Service>
absl::StatusOr<std::vector<std::unique_ptr<typename Service::Stub>>> Stubs(
    Channels& channels, int workers,
    const std::function<std::string(int)>& client_of) {
  std::vector<std::unique_ptr<typename Service::Stub>> out;
  for (int w = 0; w < workers; ++w) {
    auto channel = channels.Get(client_of(w), w);
    if (!channel.ok()) return channel.status();
    out.push_back(Service::NewStub(*channel));
  }
  return out;
}

class CallContext {
 public:
  explicit CallContext(int deadline_s) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(deadline_s));
  }
  grpc::ClientContext* get() { return &context_; }

 private:
  grpc::ClientContext context_;
};

class HealthLoad final : public MethodLoad {
 public:
  HealthLoad(std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> stubs,
             int deadline_s)
      : stubs_(std::move(stubs)), deadline_s_(deadline_s) {}
  std::string name() const override { return "grpc.health.v1.Health/Check"; }
  grpc::Status Call(int worker) override {
    CallContext context(deadline_s_);
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status s = stubs_[worker]->Check(context.get(), request, &response);
    if (s.ok() &&
        response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "not SERVING");
    }
    return s;
  }

 private:
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> stubs_;
  const int deadline_s_;
};

class GetRequestLoad final : public MethodLoad {
 public:
  GetRequestLoad(
      std::vector<std::unique_ptr<ctg::v1::DataRequests::Stub>> stubs,
      std::vector<std::string> ids, int deadline_s)
      : stubs_(std::move(stubs)),
        ids_(std::move(ids)),
        deadline_s_(deadline_s) {}
  std::string name() const override { return "ctg.v1.DataRequests/GetRequest"; }
  grpc::Status Call(int worker) override {
    CallContext context(deadline_s_);
    ctg::v1::GetRequestRequest request;
    request.set_id(ids_[worker]);
    ctg::v1::DataRequest response;
    return stubs_[worker]->GetRequest(context.get(), request, &response);
  }

 private:
  std::vector<std::unique_ptr<ctg::v1::DataRequests::Stub>> stubs_;
  std::vector<std::string> ids_;  // per worker
  const int deadline_s_;
};

class SubmitLoad final : public MethodLoad {
 public:
  SubmitLoad(std::vector<std::unique_ptr<ctg::v1::DataRequests::Stub>> stubs,
             std::vector<ctg::v1::SubmitRequestRequest> requests,
             int deadline_s)
      : stubs_(std::move(stubs)),
        requests_(std::move(requests)),
        deadline_s_(deadline_s) {}
  std::string name() const override {
    return "ctg.v1.DataRequests/SubmitRequest";
  }
  grpc::Status Call(int worker) override {
    CallContext context(deadline_s_);
    ctg::v1::DataRequest response;
    return stubs_[worker]->SubmitRequest(context.get(), requests_[worker],
                                         &response);
  }
  std::string Note() const override {
    return absl::StrCat("scope of ", requests_[0].scope().territories_size(),
                        " territories, ",
                        requests_[0].scope().indicators_size(), " indicators");
  }

 private:
  std::vector<std::unique_ptr<ctg::v1::DataRequests::Stub>> stubs_;
  std::vector<ctg::v1::SubmitRequestRequest> requests_;  // per worker
  const int deadline_s_;
};

// Approved requests of one commune, consumed one download at a time; each
// request allows `quota` downloads.
class DownloadPool {
 public:
  DownloadPool(const Fixture* fixture, size_t commune, int quota,
               std::vector<std::string> ids, int64_t used)
      : fixture_(fixture),
        commune_(commune),
        quota_(quota),
        ids_(std::move(ids)),
        next_(used) {}

  // The request to download next. Approves a new one when all are spent
  // (or fails if there is no way to: with one certificate).
  absl::StatusOr<std::string> Take() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    int64_t slot = next_++;
    while (static_cast<size_t>(slot / quota_) >= ids_.size()) {
      if (absl::Status s = AddRequest(); !s.ok()) return s;
      ++late_approvals_;
    }
    return ids_[slot / quota_];
  }
  // Approves requests until `downloads` more are available.
  absl::Status Provision(int64_t downloads) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    while (static_cast<int64_t>(ids_.size()) * quota_ - next_ < downloads) {
      if (absl::Status s = AddRequest(); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  int64_t late_approvals() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return late_approvals_;
  }

 private:
  absl::Status AddRequest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (fixture_ == nullptr) {
      return absl::ResourceExhaustedError(
          "every download of --extract-request-ids is spent");
    }
    absl::StatusOr<std::string> id =
        fixture_->NewApprovedRequest(commune_, quota_);
    if (!id.ok()) return id.status();
    ids_.push_back(*id);
    return absl::OkStatus();
  }

  const Fixture* const fixture_;  // null: no set-up possible
  const size_t commune_;
  const int quota_;
  mutable absl::Mutex mu_;
  std::vector<std::string> ids_ ABSL_GUARDED_BY(mu_);
  int64_t next_ ABSL_GUARDED_BY(mu_);
  int64_t late_approvals_ ABSL_GUARDED_BY(mu_) = 0;
};

class ExtractLoad final : public MethodLoad {
 public:
  ExtractLoad(std::string name,
              std::vector<std::unique_ptr<ctg::v1::Extracts::Stub>> stubs,
              std::vector<std::unique_ptr<DownloadPool>> pools, int64_t cells,
              int deadline_s)
      : name_(std::move(name)),
        stubs_(std::move(stubs)),
        pools_(std::move(pools)),
        next_id_(stubs_.size()),
        cells_(cells),
        deadline_s_(deadline_s) {}
  std::string name() const override { return name_; }
  absl::Status Prepare(int worker) override {
    absl::StatusOr<std::string> id = pools_[worker % pools_.size()]->Take();
    if (!id.ok()) return id.status();
    next_id_[worker] = *id;
    return absl::OkStatus();
  }
  grpc::Status Call(int worker) override {
    CallContext context(deadline_s_);
    ctg::v1::GetExtractRequest request;
    request.set_request_id(next_id_[worker]);
    auto reader = stubs_[worker]->GetExtract(context.get(), request);
    ctg::v1::ExtractChunk chunk;
    bool trailer = false;
    while (reader->Read(&chunk)) trailer = chunk.has_trailer();
    grpc::Status s = reader->Finish();
    if (s.ok() && !trailer)
      return grpc::Status(grpc::StatusCode::DATA_LOSS, "no trailer");
    return s;
  }
  // The communes' pools in parallel, so that their approvals share commits.
  absl::Status Provision(int64_t calls) override {
    const int64_t per_pool = calls / static_cast<int64_t>(pools_.size()) + 1;
    std::vector<absl::Status> results(pools_.size());
    {
      base::ThreadPool workers(static_cast<int>(pools_.size()));
      for (size_t i = 0; i < pools_.size(); ++i) {
        workers.Schedule(
            [&, i](int) { results[i] = pools_[i]->Provision(per_pool); });
      }
    }  // joins: every pool is provisioned
    for (const absl::Status& s : results) {
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  std::string Note() const override {
    int64_t late = 0;
    for (const auto& pool : pools_) late += pool->late_approvals();
    return absl::StrCat(
        cells_, " cells, ", pools_.size(), " commune(s)",
        late ? absl::StrCat(", ", late, " request(s) approved during the run")
             : "");
  }

 private:
  const std::string name_;
  std::vector<std::unique_ptr<ctg::v1::Extracts::Stub>> stubs_;
  std::vector<std::unique_ptr<DownloadPool>> pools_;  // per commune
  std::vector<std::string> next_id_;                  // per worker
  const int64_t cells_;
  const int deadline_s_;
};

class ListEventsLoad final : public MethodLoad {
 public:
  ListEventsLoad(std::vector<std::unique_ptr<ctg::v1::Audit::Stub>> stubs,
                 uint64_t from, int limit, int deadline_s)
      : stubs_(std::move(stubs)),
        from_(from),
        limit_(limit),
        deadline_s_(deadline_s) {}
  std::string name() const override { return "ctg.v1.Audit/ListEvents"; }
  grpc::Status Call(int worker) override {
    CallContext context(deadline_s_);
    ctg::v1::ListEventsRequest request;
    request.set_from_sequence(from_);
    request.set_limit(static_cast<uint64_t>(limit_));
    auto reader = stubs_[worker]->ListEvents(context.get(), request);
    ctg::v1::AuditEvent event;
    int n = 0;
    while (reader->Read(&event)) ++n;
    grpc::Status s = reader->Finish();
    if (s.ok() && n != limit_) {
      return grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                          absl::StrCat(n, " events instead of ", limit_));
    }
    return s;
  }
  std::string Note() const override {
    return absl::StrCat("limit ", limit_, " from event ", from_);
  }

 private:
  std::vector<std::unique_ptr<ctg::v1::Audit::Stub>> stubs_;
  const uint64_t from_;
  const int limit_;
  const int deadline_s_;
};

absl::Status Unavailable(const std::string& method, const std::string& why) {
  return absl::FailedPreconditionError(absl::StrCat(method, ": ", why));
}

}  // namespace

absl::StatusOr<std::unique_ptr<MethodLoad>> MakeMethodLoad(
    const std::string& method, const Options& options, Channels& channels,
    const Fixture& fixture) {
  const int n = options.concurrency;
  const auto& communes = fixture.communes();
  auto requester = [&](int w) {
    return communes[w % communes.size()].requester;
  };
  const int deadline = options.deadline_s;
  if (method == "health") {
    auto stubs = Stubs<grpc::health::v1::Health>(channels, n, requester);
    if (!stubs.ok()) return stubs.status();
    return std::make_unique<HealthLoad>(std::move(*stubs), deadline);
  }
  if (method == "get") {
    std::vector<std::string> ids;
    for (int w = 0; w < n; ++w)
      ids.push_back(communes[w % communes.size()].approved_id);
    if (ids[0].empty())
      return Unavailable("get", "no request: give --request-id (or --pki)");
    auto stubs = Stubs<ctg::v1::DataRequests>(channels, n, requester);
    if (!stubs.ok()) return stubs.status();
    return std::make_unique<GetRequestLoad>(std::move(*stubs), std::move(ids),
                                            deadline);
  }
  if (method == "submit") {
    std::vector<ctg::v1::SubmitRequestRequest> requests;
    for (int w = 0; w < n; ++w) {
      const CommuneSetup& c = communes[w % communes.size()];
      if (c.scope.territories_size() == 0) {
        return Unavailable("submit",
                           "no scope: give --submit-commune (or --pki)");
      }
      ctg::v1::SubmitRequestRequest& r = requests.emplace_back();
      r.set_purpose(
          "Mesure de charge (ctg-load) : diagnostic social de territoire");
      r.set_objective("Axe I.2 veille sociale territoriale");
      r.set_justification("Requête de banc d'essai");
      r.set_retention_months(12);
      *r.mutable_scope() = c.scope;
    }
    auto stubs = Stubs<ctg::v1::DataRequests>(channels, n, requester);
    if (!stubs.ok()) return stubs.status();
    return std::make_unique<SubmitLoad>(std::move(*stubs), std::move(requests),
                                        deadline);
  }
  if (method == "extract" || method == "extract-new") {
    // "extract": up to kDownloadQuota downloads of each approved request
    // (the first computes the release, the next ones are served from the
    // gateway's cache); "extract-new": one download per request, so that
    // every call runs the secret statistique.
    const bool fresh = method == "extract-new";
    std::vector<std::unique_ptr<DownloadPool>> pools;
    int64_t cells = 0;
    if (options.single_cert()) {
      if (options.extract_request_ids.empty()) {
        return Unavailable(method,
                           "no request: give --extract-request-ids (or --pki)");
      }
      pools.push_back(
          std::make_unique<DownloadPool>(nullptr, 0, fresh ? 1 : kDownloadQuota,
                                         options.extract_request_ids, 0));
    } else {
      // One pool per commune, used by the workers of that commune only.
      for (size_t i = 0; i < communes.size() && i < static_cast<size_t>(n);
           ++i) {
        pools.push_back(
            fresh ? std::make_unique<DownloadPool>(
                        &fixture, i, 1, std::vector<std::string>{}, 0)
                  : std::make_unique<DownloadPool>(
                        &fixture, i, kDownloadQuota,
                        std::vector<std::string>{communes[i].extract_id}, 1));
        cells = communes[i].cells;
      }
    }
    auto stubs = Stubs<ctg::v1::Extracts>(channels, n, requester);
    if (!stubs.ok()) return stubs.status();
    return std::make_unique<ExtractLoad>(
        fresh ? "ctg.v1.Extracts/GetExtract (first download)"
              : "ctg.v1.Extracts/GetExtract (re-download)",
        std::move(*stubs), std::move(pools), cells, deadline);
  }
  if (method == "audit") {
    auto auditor = [&](int) {
      return options.single_cert() ? std::string("cert") : options.auditor;
    };
    auto stubs = Stubs<ctg::v1::Audit>(channels, n, auditor);
    if (!stubs.ok()) return stubs.status();
    uint64_t size = fixture.audit_size();
    uint64_t from = size > static_cast<uint64_t>(options.audit_limit)
                        ? size - static_cast<uint64_t>(options.audit_limit) + 1
                        : 1;
    return std::make_unique<ListEventsLoad>(std::move(*stubs), from,
                                            options.audit_limit, deadline);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown method ", method));
}

}  // namespace ctg::load
