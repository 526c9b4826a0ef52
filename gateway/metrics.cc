#include "gateway/metrics.h"

#include <CivetServer.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <ctime>
#include <optional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/mutex.h"
#include "gateway/audit_log.h"
#include "gateway/health_state.h"
#include "gateway/rate_limiter.h"
#include "gateway/x509_util.h"

namespace ctg::gateway {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// The HealthState component of the periodic CA bundle and CRL reload.
constexpr char kTrustReloadComponent[] = "trust-reload";

const Histogram::BucketBoundaries& CallBuckets() {
  static const auto* buckets = new Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5,   1,      2.5,   5,    10,    30,   60};
  return *buckets;
}

const Histogram::BucketBoundaries& AuditBuckets() {
  static const auto* buckets = new Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
      0.01,   0.025,   0.05,   0.1,   0.25,   1};
  return *buckets;
}

std::optional<absl::Time> FromAsn1(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return absl::FromTimeT(timegm(&tm));
}

// The earliest nextUpdate of the CRLs in the PEM file at `path`.
std::optional<absl::Time> CrlNextUpdate(const std::string& path) {
  if (path.empty()) return std::nullopt;
  auto pem = ReadFileForConfig(path, "tls.crl");
  if (!pem.ok()) return std::nullopt;
  BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  std::optional<absl::Time> earliest;
  while (X509_CRL* crl =
             PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
    std::optional<absl::Time> next = FromAsn1(X509_CRL_get0_nextUpdate(crl));
    if (next && (!earliest || *next < *earliest)) earliest = next;
    X509_CRL_free(crl);
  }
  BIO_free(bio);
  return earliest;
}

// The notAfter of the first certificate of the PEM file at `path`.
std::optional<absl::Time> CertificateNotAfter(const std::string& path) {
  if (path.empty()) return std::nullopt;
  auto pem = ReadFileForConfig(path, "tls.cert");
  if (!pem.ok()) return std::nullopt;
  auto cert = ParsePemCertificate(*pem);
  if (!cert.ok()) return std::nullopt;
  return FromAsn1(X509_get0_notAfter(cert->get()));
}

// "HOST:PORT" with a non-empty host and a port from 0 to 65535.
absl::Status CheckListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics.listen \"", listen,
                     "\": expected HOST:PORT with a port from 0 to 65535"));
  }
  return absl::OkStatus();
}

void Send(mg_connection* conn, int status, absl::string_view content_type,
          absl::string_view body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            status, mg_get_response_code_text(conn, status),
            static_cast<int>(content_type.size()), content_type.data(),
            body.size());
  mg_write(conn, body.data(), body.size());
}

class MetricsHandler : public CivetHandler {
 public:
  explicit MetricsHandler(Metrics* metrics) : metrics_(metrics) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    Send(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
         metrics_->Scrape());
    return true;
  }

 private:
  Metrics* const metrics_;
};

class HealthHandler : public CivetHandler {
 public:
  explicit HealthHandler(const Metrics* metrics) : metrics_(metrics) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    Metrics::Health health = metrics_->CheckHealth();
    Send(conn, health.http_status, "text/plain; charset=utf-8", health.body);
    return true;
  }

 private:
  const Metrics* const metrics_;
};

}  // namespace

struct Metrics::Impl {
  explicit Impl(MetricsSources s)
      : sources(std::move(s)),
        registry(std::make_shared<prometheus::Registry>()),
        calls(prometheus::BuildCounter()
                  .Name("ctg_calls_total")
                  .Help("Calls through the dispatcher, by method, caller role "
                        "and gRPC code")
                  .Register(*registry)),
        call_seconds(
            prometheus::BuildHistogram()
                .Name("ctg_call_duration_seconds")
                .Help(
                    "Duration of calls through the dispatcher, audit included")
                .Register(*registry)),
        audit_write_seconds(
            prometheus::BuildHistogram()
                .Name("ctg_audit_write_duration_seconds")
                .Help("Write transactions carrying an audit event: append "
                      "and commit (WAL fsync)")
                .Register(*registry)
                .Add({}, AuditBuckets())),
        build_info(prometheus::BuildGauge()
                       .Name("ctg_build_info")
                       .Help("The gateway's version (value 1)")
                       .Register(*registry)) {
    build_info.Add({{"version", sources.version}}).Set(1);
    auto g = [this](const char* name, const char* help) -> Family<Gauge>& {
      return prometheus::BuildGauge().Name(name).Help(help).Register(*registry);
    };
    if (sources.audit != nullptr) {
      tree_size =
          &g("ctg_audit_tree_size", "Events in the audit trail's tree").Add({});
      unsigned_events = &g("ctg_audit_unsigned_events",
                           "Events appended since the last signed checkpoint")
                             .Add({});
      checkpoint_age =
          &g("ctg_audit_checkpoint_age_seconds",
             "Seconds since the last checkpoint was signed (or since start "
             "when none was signed by this process)")
               .Add({});
    }
    if (sources.health != nullptr) {
      healthy =
          &g("ctg_health_serving", "1 while every background component works")
               .Add({});
      trust_reload_ok =
          &g("ctg_trust_reload_ok",
             "1 unless the last reload of the CA bundle and CRL failed "
             "(the previous ones stay in force)")
               .Add({});
      failing =
          &g("ctg_health_component_failing",
             "1 while the component is failing (2 when calls are refused)");
      failures = &prometheus::BuildCounter()
                      .Name("ctg_health_failures_total")
                      .Help("Failures reported by the component since start")
                      .Register(*registry);
    }
    if (!sources.crl_path.empty()) {
      crl_next_update =
          &g("ctg_crl_next_update_seconds",
             "Seconds until the nextUpdate of the CRL file (negative: expired)")
               .Add({});
    }
    if (!sources.cert_path.empty()) {
      cert_expiry =
          &g("ctg_server_certificate_expiry_days",
             "Days until the server certificate's notAfter (negative: expired)")
               .Add({});
    }
    if (sources.limiter != nullptr) {
      rate_limited = &prometheus::BuildCounter()
                          .Name("ctg_rate_limit_refusals_total")
                          .Help("Calls refused by the per-identity rate limit")
                          .Register(*registry)
                          .Add({});
    }
    if (sources.extracts) {
      engine_waits =
          &prometheus::BuildCounter()
               .Name("ctg_engine_slot_waits_total")
               .Help(
                   "Releases that waited for a free secret statistique engine")
               .Register(*registry)
               .Add({});
      auto& cache = prometheus::BuildCounter()
                        .Name("ctg_release_cache_lookups_total")
                        .Help("Release cache lookups, by result (hit, miss)")
                        .Register(*registry);
      cache_hits = &cache.Add({{"result", "hit"}});
      cache_misses = &cache.Add({{"result", "miss"}});
    }
  }

  MetricsSources sources;
  Mutex refresh_mu;  // one Refresh() at a time (counters catch up once)
  // Health components exported: the known ones and any that ever failed.
  std::set<std::string> components ABSL_GUARDED_BY(refresh_mu);
  std::shared_ptr<prometheus::Registry> registry;
  Family<Counter>& calls;
  Family<Histogram>& call_seconds;
  Histogram& audit_write_seconds;
  Family<Gauge>& build_info;
  Gauge* tree_size = nullptr;
  Gauge* unsigned_events = nullptr;
  Gauge* checkpoint_age = nullptr;
  Gauge* healthy = nullptr;
  Gauge* trust_reload_ok = nullptr;
  Family<Gauge>* failing = nullptr;
  Family<Counter>* failures = nullptr;
  Gauge* crl_next_update = nullptr;
  Gauge* cert_expiry = nullptr;
  Counter* rate_limited = nullptr;
  Counter* engine_waits = nullptr;
  Counter* cache_hits = nullptr;
  Counter* cache_misses = nullptr;

  // Declared last: stopped first, while the handlers' targets still exist.
  std::unique_ptr<MetricsHandler> metrics_handler;
  std::unique_ptr<HealthHandler> health_handler;
  std::unique_ptr<CivetServer> server;
};

namespace {

// Counters from a source that counts by itself: advanced to its value.
void CatchUp(Counter* counter, uint64_t total) {
  double now = static_cast<double>(total);
  if (counter != nullptr && now > counter->Value())
    counter->Increment(now - counter->Value());
}

}  // namespace

Metrics::Metrics(MetricsSources sources)
    : impl_(std::make_unique<Impl>(std::move(sources))) {}

Metrics::~Metrics() {
  if (impl_->server) impl_->server->close();
}

absl::Status Metrics::Listen(const std::string& listen) {
  if (auto valid = CheckListen(listen); !valid.ok()) return valid;
  std::vector<std::string> options = {"listening_ports",    listen,
                                      "num_threads",        "2",
                                      "request_timeout_ms", "10000"};
  try {
    impl_->server = std::make_unique<CivetServer>(options);
  } catch (const CivetException& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics.listen \"", listen,
                     "\": cannot listen on this address (", e.what(), ")"));
  }
  impl_->metrics_handler = std::make_unique<MetricsHandler>(this);
  impl_->health_handler = std::make_unique<HealthHandler>(this);
  impl_->server->addHandler("/metrics", impl_->metrics_handler.get());
  impl_->server->addHandler("/healthz", impl_->health_handler.get());
  std::vector<int> ports = impl_->server->getListeningPorts();
  port_ = ports.empty() ? 0 : ports[0];
  return absl::OkStatus();
}

void Metrics::ObserveCall(absl::string_view method, absl::string_view role,
                          absl::string_view code, double seconds) {
  impl_->calls
      .Add({{"method", std::string(method)},
            {"role", std::string(role)},
            {"code", std::string(code)}})
      .Increment();
  impl_->call_seconds.Add({{"method", std::string(method)}}, CallBuckets())
      .Observe(seconds);
}

void Metrics::ObserveAuditWrite(double seconds) {
  impl_->audit_write_seconds.Observe(seconds);
}

void Metrics::Refresh() {
  Impl& m = *impl_;
  MutexLock lock(&m.refresh_mu);
  const MetricsSources& s = m.sources;
  absl::Time now = s.clock();
  if (s.audit != nullptr) {
    AuditLog::CheckpointState state = s.audit->LastCheckpoint();
    uint64_t size = s.audit->size();
    m.tree_size->Set(static_cast<double>(size));
    m.unsigned_events->Set(
        static_cast<double>(size - std::min(size, state.size)));
    m.checkpoint_age->Set(absl::ToDoubleSeconds(now - state.time));
  }
  if (s.health != nullptr) {
    std::vector<HealthState::Problem> problems = s.health->Problems();
    m.healthy->Set(problems.empty() ? 1 : 0);
    m.trust_reload_ok->Set(1);
    m.components.insert(s.health_components.begin(), s.health_components.end());
    for (const auto& p : problems) m.components.insert(p.component);
    for (const std::string& c : m.components) {
      m.failing->Add({{"component", c}}).Set(0);
      CatchUp(&m.failures->Add({{"component", c}}), s.health->TotalFailures(c));
    }
    for (const auto& p : problems) {
      m.failing->Add({{"component", p.component}})
          .Set(p.severity == HealthState::Severity::kIntegrity ? 2 : 1);
      if (p.component == kTrustReloadComponent) m.trust_reload_ok->Set(0);
    }
  }
  if (m.crl_next_update != nullptr) {
    if (auto next = CrlNextUpdate(s.crl_path)) {
      m.crl_next_update->Set(absl::ToDoubleSeconds(*next - now));
    }
  }
  if (m.cert_expiry != nullptr) {
    if (auto not_after = CertificateNotAfter(s.cert_path)) {
      m.cert_expiry->Set(absl::ToDoubleSeconds(*not_after - now) / 86400.0);
    }
  }
  if (s.limiter != nullptr) CatchUp(m.rate_limited, s.limiter->refusals());
  if (s.extracts) {
    MetricsSources::ExtractCounters counters = s.extracts();
    CatchUp(m.engine_waits, counters.engine_waits);
    CatchUp(m.cache_hits, counters.cache_hits);
    CatchUp(m.cache_misses, counters.cache_misses);
  }
}

std::string Metrics::Scrape() {
  Refresh();
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

Metrics::Health Metrics::CheckHealth() const {
  if (impl_->sources.health == nullptr) return {200, "SERVING\n"};
  std::vector<HealthState::Problem> problems =
      impl_->sources.health->Problems();
  if (problems.empty()) return {200, "SERVING\n"};
  std::string body = "NOT_SERVING\n";
  for (const auto& p : problems) {
    absl::StrAppend(&body, p.component, ": ", p.cause.message(), "\n");
  }
  return {503, body};
}

}  // namespace ctg::gateway
