#include "gateway/server.h"

#include <grpcpp/ext/health_check_service_server_builder_option.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "audit/checkpoint.h"
#include "audit/note_key.h"
#include "base/echo.h"
#include "base/status_macros.h"
#include "base/version.h"
#include "gateway/audit_interceptor.h"
#include "gateway/audit_log.h"
#include "gateway/caller.h"
#include "gateway/commune_bases.h"
#include "gateway/dispatcher.h"
#include "gateway/health_state.h"
#include "gateway/in_process_callers.h"
#include "gateway/metrics.h"
#include "gateway/offline_check.h"
#include "gateway/oplog.h"
#include "gateway/peer_verifier.h"
#include "gateway/rate_limiter.h"
#include "gateway/services/audit_service.h"
#include "gateway/services/caf_requests_service.h"
#include "gateway/services/catalogue_service.h"
#include "gateway/services/conventions_service.h"
#include "gateway/services/data_requests_service.h"
#include "gateway/services/extracts_service.h"
#include "gateway/services/health_service.h"
#include "gateway/services/reflection_service.h"
#include "gateway/services/statistics_service.h"
#include "gateway/services/transfer_agreements_service.h"
#include "gateway/services/unknown_method_service.h"
#include "gateway/startup_checks.h"
#include "gateway/store_backend.h"
#include "gateway/trust_anchors.h"
#include "gateway/web/web_server.h"
#include "gateway/x509_util.h"

namespace ctg::gateway {

struct Server::Impl {
  Config config;
  std::unique_ptr<HealthState> health;
  std::unique_ptr<store::Backend> db;
  std::unique_ptr<audit::NoteSigner> signer;
  std::unique_ptr<AuditLog> audit_log;
  std::unique_ptr<TrustAnchorsHolder> anchors;
  std::unique_ptr<CallerResolver> callers;
  std::unique_ptr<InProcessCallers> in_process;  // web console callers
  std::unique_ptr<RateLimiter> limiter;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<CommuneBases> bases;
  std::vector<std::unique_ptr<grpc::Service>> services;
  std::unique_ptr<UnknownMethodService> unknown_methods;
  HealthService* health_service = nullptr;  // owned by `server`
  std::unique_ptr<grpc::Server> server;
  std::string address;
  ExtractsService* extracts = nullptr;  // for metrics and re-imports
  std::unique_ptr<Metrics> metrics;     // null without [metrics] listen
  std::string metrics_address;
  std::unique_ptr<web::WebServer> web;  // null without [web] listen
  // Null on SQLite. Declared after what it clears: destroyed before them.
  std::unique_ptr<ReimportWatch> reimports;

  absl::Notification stop_background;
  std::thread background;  // periodic checkpoints and trust reloads
  bool serving = true;  // what the health service says; background thread only
  std::atomic<bool> shut_down{false};
  absl::Notification done;

  void Background();
  // One round trip to the database: reports the "database" component of
  // `health` failing or working again (logged once each way).
  void ProbeDatabase();
  // Re-reads the CA bundle and the CRL; reports to `health`.
  absl::Status ReloadTrust();
  // Reports the CRL in force as failing once it is past its nextUpdate.
  void CheckCrlFreshness(absl::Time now);
  // Signs a checkpoint if the tree grew; reports to `health`.
  absl::Status Checkpoint();
  // The health service follows `health`: NOT_SERVING while it is unhealthy.
  void UpdateServingStatus();
};

namespace {

// The components the background thread reports to HealthState.
constexpr char kTrustReload[] = "trust-reload";
constexpr char kCrl[] = "crl";
constexpr char kAuditCheckpoint[] = "audit-checkpoint";

absl::Status CheckKeyFileModes(const Config& config) {
  CTG_RETURN_IF_ERROR(CheckPrivateKeyFile(config.tls.key, "tls.key"));
  return CheckPrivateKeyFile(config.audit.signing_key, "audit.signing_key");
}

absl::StatusOr<std::unique_ptr<audit::NoteSigner>> LoadSigner(
    const AuditConfig& audit) {
  CTG_ASSIGN_OR_RETURN(std::string pem, ReadFileForConfig(audit.signing_key,
                                                          "audit.signing_key"));
  auto signer = audit::NoteSigner::FromPrivateKeyPem(audit.key_name, pem);
  if (!signer.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("audit.signing_key ",
                                                   audit.signing_key, ": ",
                                                   signer.status().message()));
  }
  return signer;
}

absl::Status CheckServerIdentity(const TlsConfig& tls) {
  CTG_ASSIGN_OR_RETURN(std::string cert,
                       ReadFileForConfig(tls.cert, "tls.cert"));
  CTG_ASSIGN_OR_RETURN(std::string key, ReadFileForConfig(tls.key, "tls.key"));
  return CheckKeyMatchesCertificate(cert, tls.cert, key, tls.key);
}

std::shared_ptr<grpc::ServerCredentials> MakeCredentials(const Config& config,
                                                         Server::Impl& impl) {
  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          config.tls.key, config.tls.cert, config.tls.ca,
          config.tls.reload_seconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  // gRPC asks for a client certificate and PeerVerifier is the one check
  // (present, CA, validity, CRL, X.509-SVID leaf), so that every refusal,
  // a handshake without a certificate included, is audited, and trust
  // material reloads.
  options.set_cert_request_type(
      GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  Dispatcher* dispatcher = impl.dispatcher.get();
  options.set_certificate_verifier(
      grpc::experimental::ExternalCertificateVerifier::Create<PeerVerifier>(
          impl.anchors.get(),
          [dispatcher](const std::string& sha, const std::string& uri,
                       const absl::Status& why) {
            dispatcher->RecordHandshakeRefusal(sha, uri, why);
          }));
  return grpc::experimental::TlsServerCredentials(options);
}

void AddServices(Server::Impl& impl) {
  Dispatcher* d = impl.dispatcher.get();
  impl.services.push_back(std::make_unique<DataRequestsService>(
      d, impl.db.get(), &impl.config, impl.bases.get()));
  auto extracts = std::make_unique<ExtractsService>(
      d, impl.db.get(), &impl.config, impl.audit_log.get(), impl.bases.get());
  impl.extracts = extracts.get();
  impl.services.push_back(std::move(extracts));
  impl.services.push_back(
      std::make_unique<CatalogueService>(d, impl.db.get(), &impl.config));
  impl.services.push_back(
      std::make_unique<ConventionsService>(d, impl.db.get(), &impl.config));
  impl.services.push_back(std::make_unique<StatisticsService>(d, &impl.config));
  impl.services.push_back(std::make_unique<AuditService>(
      d, impl.db.get(), impl.audit_log.get(), impl.config.audit.origin));
  impl.services.push_back(std::make_unique<CafRequestsService>(
      d, impl.db.get(), &impl.config, impl.audit_log.get()));
  impl.services.push_back(std::make_unique<TransferAgreementsService>(
      d, impl.db.get(), &impl.config, impl.audit_log.get()));
  impl.services.push_back(std::make_unique<ReflectionService>(
      d, impl.config.limits.max_message_bytes));
  impl.unknown_methods = std::make_unique<UnknownMethodService>(d);
}

// With replicas on one PostgreSQL database: a re-import by any of them
// empties this one's caches of bases and releases at once. (They are keyed
// by the base versions each call reads, so this frees memory rather than
// correcting anything.)
absl::Status WatchOtherReplicas(Server::Impl& impl) {
  CommuneBases* bases = impl.bases.get();
  ExtractsService* extracts = impl.extracts;
  absl::StatusOr<std::unique_ptr<ReimportWatch>> watch =
      WatchReimports(impl.config, [bases, extracts] {
        bases->Clear();
        extracts->DropCachedReleases();
      });
  if (!watch.ok()) return watch.status();
  impl.reimports = *std::move(watch);
  return absl::OkStatus();
}

// Health, reflection and unknown methods go through the dispatcher like
// ctg.v1 (identity, rate limit, one event each); the interceptor records
// what gRPC answers by itself.
void AddStandardServices(Server::Impl& impl, grpc::ServerBuilder& builder) {
  auto health = std::make_unique<HealthService>(impl.dispatcher.get());
  impl.health_service = health.get();
  builder.SetOption(
      std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(
          std::move(health)));
  builder.RegisterService(impl.health_service);
  builder.RegisterCallbackGenericService(impl.unknown_methods.get());
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      audit;
  audit.push_back(
      std::make_unique<AuditInterceptorFactory>(impl.dispatcher.get()));
  builder.experimental().SetInterceptorCreators(std::move(audit));
}

// The web console (config [web]) on its own HTTPS listener; it calls the
// services through the server's in-process channel.
absl::Status StartWeb(Server::Impl& impl) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // the server's own limits apply
  args.SetMaxSendMessageSize(-1);
  CTG_ASSIGN_OR_RETURN(impl.web,
                       web::WebServer::Start(
                           {.config = &impl.config,
                            .anchors = impl.anchors.get(),
                            .callers = impl.in_process.get(),
                            .resolver = impl.callers.get(),
                            .dispatcher = impl.dispatcher.get(),
                            .channel = impl.server->InProcessChannel(args),
                            .audit_verifier_key = impl.signer->VerifierKey()}));
  return absl::OkStatus();
}

// Logs each background failure with its cause, on one line; an
// unreachable database once, when it goes down (then health-recovered or
// database-recovered says when it is back).
void LogProblem(const HealthState::Problem& problem) {
  if (problem.component == kDatabaseComponent && problem.failures > 1) return;
  oplog::Log(oplog::Level::kError, "health-failure",
             {{"component", problem.component},
              {"severity", problem.severity == HealthState::Severity::kIntegrity
                               ? "calls-refused"
                               : "degraded"},
              {"failures", absl::StrCat(problem.failures)},
              {"since", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", problem.since,
                                         absl::UTCTimeZone())},
              {"cause", problem.cause.message()}});
}

// Metrics and /healthz on their own listener (config [metrics]).
absl::Status StartMetrics(Server::Impl& impl) {
  const Config& config = impl.config;
  const ExtractsService* extracts = impl.extracts;
  impl.metrics = std::make_unique<Metrics>(MetricsSources{
      .version = ctg::Version(),
      .health = impl.health.get(),
      .health_components = {"audit-append", kDatabaseComponent,
                            kAuditCheckpoint, kCrl, kTrustReload},
      .audit = impl.audit_log.get(),
      .limiter = impl.limiter.get(),
      .crl_path = config.tls.crl,
      .cert_path = config.tls.cert,
      .extracts = [extracts] {
        return MetricsSources::ExtractCounters{
            .engine_waits = extracts->engines().waits(),
            .cache_hits = extracts->cache().hits(),
            .cache_misses = extracts->cache().misses()};
      }});
  CTG_RETURN_IF_ERROR(impl.metrics->Listen(config.metrics.listen));
  impl.metrics_address = absl::StrCat(
      config.metrics.listen.substr(0, config.metrics.listen.rfind(':')), ":",
      impl.metrics->port());
  impl.dispatcher->set_metrics(impl.metrics.get());
  return absl::OkStatus();
}

}  // namespace

void Server::Impl::Background() {
  const int interval = config.audit.checkpoint_interval_seconds;
  // A failed checkpoint is retried sooner than the period: calls are
  // refused meanwhile.
  const int retry = std::min(interval, 5);
  absl::Time next_checkpoint = absl::Now() + absl::Seconds(interval);
  absl::Time next_reload =
      absl::Now() + absl::Seconds(config.tls.reload_seconds);
  while (!stop_background.WaitForNotificationWithTimeout(absl::Seconds(1))) {
    absl::Time now = absl::Now();
    if (interval > 0 && now >= next_checkpoint) {
      bool ok = Checkpoint().ok();
      next_checkpoint = now + absl::Seconds(ok ? interval : retry);
    }
    if (now >= next_reload) {
      ReloadTrust().IgnoreError();  // reported to health, retried next period
      next_reload = now + absl::Seconds(config.tls.reload_seconds);
    }
    ProbeDatabase();
    UpdateServingStatus();
  }
}

absl::Status Server::Impl::ReloadTrust() {
  absl::Time now = absl::Now();
  auto fresh = TrustAnchors::Load(config.tls.ca, config.tls.crl);
  if (!fresh.ok()) {
    // The previous CA bundle and CRL stay in force (checked below).
    health->ReportFailure(kTrustReload, HealthState::Severity::kDegraded,
                          fresh.status(), now);
  } else {
    anchors->Set(*std::move(fresh));
    health->ReportRecovered(kTrustReload);
  }
  CheckCrlFreshness(now);
  return fresh.status();
}

void Server::Impl::CheckCrlFreshness(absl::Time now) {
  absl::Time next_update = anchors->Get()->crl_next_update();
  if (now < next_update) {
    health->ReportRecovered(kCrl);
    return;
  }
  // R8, fail closed: TrustAnchors refuses every client certificate until a
  // CRL within its validity is installed.
  health->ReportFailure(
      kCrl, HealthState::Severity::kDegraded,
      absl::FailedPreconditionError(absl::StrCat(
          "tls.crl ", config.tls.crl, ": the CRL in force expired at ",
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", next_update,
                           absl::UTCTimeZone()),
          " (its nextUpdate); every client certificate is refused until a "
          "fresh CRL is "
          "installed")),
      now);
}

absl::Status Server::Impl::Checkpoint() {
  absl::Status status = audit_log->PeriodicCheckpoint();
  if (status.ok()) {
    health->ReportRecovered(kAuditCheckpoint);
  } else {
    // Unsigned events wait for the database like every call; the next
    // checkpoint after it answers signs them.
    health->ReportFailure(
        db->IsUnreachable(status) ? kDatabaseComponent : kAuditCheckpoint,
        HealthState::Severity::kIntegrity, status);
  }
  return status;
}

void Server::Impl::ProbeDatabase() {
  absl::Status answer = db->Probe();
  if (!answer.ok()) {
    health->ReportFailure(kDatabaseComponent, HealthState::Severity::kIntegrity,
                          answer);
    return;
  }
  for (const HealthState::Problem& problem : health->Problems()) {
    if (problem.component != kDatabaseComponent) continue;
    health->ReportRecovered(kDatabaseComponent);
    oplog::Log(oplog::Level::kInfo, "database-recovered",
               {{"database", db->name()},
                {"failures", absl::StrCat(problem.failures)},
                {"down_ms", absl::StrCat(absl::ToInt64Milliseconds(
                                absl::Now() - problem.since))}});
  }
}

void Server::Impl::UpdateServingStatus() {
  bool healthy = health->healthy();
  if (healthy == serving) return;
  serving = healthy;
  if (grpc::HealthCheckServiceInterface* service =
          server->GetHealthCheckService()) {
    service->SetServingStatus(healthy);
  }
  if (healthy)
    oplog::Log(oplog::Level::kInfo, "health-recovered",
               {{"status", "SERVING"}});
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const Config& config) {
  auto impl = std::make_unique<Impl>();
  impl->health = std::make_unique<HealthState>();
  impl->health->SetListener(LogProblem);
  impl->config = config;
  CTG_RETURN_IF_ERROR(CheckListenAddress(config.listen));
  CTG_RETURN_IF_ERROR(CheckKeyFileModes(config));
  CTG_RETURN_IF_ERROR(CheckServerIdentity(config.tls));
  CTG_ASSIGN_OR_RETURN(auto anchors,
                       TrustAnchors::Load(config.tls.ca, config.tls.crl));
  impl->anchors = std::make_unique<TrustAnchorsHolder>(std::move(anchors));
  CTG_ASSIGN_OR_RETURN(impl->signer, LoadSigner(config.audit));
  CTG_ASSIGN_OR_RETURN(impl->db, OpenGatewayStore(config));
  const audit::NoteSigner* signer = impl->signer.get();
  std::string origin = config.audit.origin;
  // Start-up verifies every stored checkpoint's signature with these keys
  // (the trail is refused, naming the first bad event or checkpoint).
  CTG_ASSIGN_OR_RETURN(std::vector<audit::NoteVerifier> keys,
                       CheckpointKeys(config));
  CTG_ASSIGN_OR_RETURN(
      impl->audit_log,
      AuditLog::Open(
          impl->db.get(),
          {.sign =
               [signer, origin](uint64_t size, const audit::Hash& root) {
                 return audit::SignCheckpoint(
                     {.origin = origin, .size = size, .root = root}, *signer);
               },
           .keys = std::move(keys)}));
  impl->callers = std::make_unique<CallerResolver>(
      config.trust_domain, config.caf_id, impl->anchors.get());
  impl->in_process = std::make_unique<InProcessCallers>();
  impl->callers->set_in_process(impl->in_process.get());
  impl->limiter = std::make_unique<RateLimiter>(config.limits.calls_per_minute);
  impl->dispatcher = std::make_unique<Dispatcher>(
      impl->db.get(), impl->audit_log.get(), impl->callers.get(),
      impl->limiter.get(), impl->health.get(),
      Dispatcher::Options{.max_message_bytes =
                              config.limits.max_message_bytes});
  impl->bases = std::make_unique<CommuneBases>(impl->db.get(), 64);
  AddServices(*impl);
  CTG_RETURN_IF_ERROR(WatchOtherReplicas(*impl));
  if (!config.metrics.listen.empty()) CTG_RETURN_IF_ERROR(StartMetrics(*impl));

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen, MakeCredentials(config, *impl),
                           &port);
  // R9: gRPC refuses a message over its receive limit before any project
  // code sees it, leaving no event. Its limit is the hard cap (memory bound)
  // and the gateway refuses what exceeds limits.max_message_bytes itself,
  // audited (Dispatcher::CheckRequest, BoundedStreamReader).
  builder.SetMaxReceiveMessageSize(config.limits.transport_max_message_bytes);
  builder.SetMaxSendMessageSize(config.limits.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             config.limits.idle_connection_seconds * 1000);
  // gRPC would share a busy port with another process (SO_REUSEPORT),
  // splitting calls between two databases and two audit trails.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (auto& service : impl->services) builder.RegisterService(service.get());
  AddStandardServices(*impl, builder);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || port == 0)
    return ExplainListenFailure(config.listen);
  impl->address = absl::StrCat(
      config.listen.substr(0, config.listen.rfind(':')), ":", port);
  if (!config.web.listen.empty()) {
    if (absl::Status web = StartWeb(*impl); !web.ok()) {
      impl->server->Shutdown();
      impl->dispatcher->Shutdown();
      return web;
    }
  }
  // A CRL already past its nextUpdate: serve (refusing every client) but
  // say so.
  impl->CheckCrlFreshness(absl::Now());
  impl->UpdateServingStatus();
  impl->background = std::thread([raw = impl.get()] { raw->Background(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Shutdown();
  Wait();
}

const std::string& Server::address() const { return impl_->address; }

const std::string& Server::metrics_address() const {
  return impl_->metrics_address;
}

const std::string& Server::web_address() const {
  static const std::string kNone;
  return impl_->web != nullptr ? impl_->web->address() : kNone;
}

void Server::Shutdown() {
  if (impl_->shut_down.exchange(true)) return;
  if (impl_->web != nullptr)
    impl_->web->Shutdown();           // no new calls from browsers
  impl_->health_service->Shutdown();  // ends Watch streams at once
  impl_->server->Shutdown(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
  impl_->stop_background.Notify();
  if (impl_->background.joinable()) impl_->background.join();
  impl_->dispatcher
      ->Shutdown();  // pending refusal summaries, before the checkpoint
  // The final checkpoint: a failure is reported (and so logged) like the
  // periodic ones.
  impl_->Checkpoint().IgnoreError();
  impl_->server->Wait();
  impl_->db->Close();
  impl_->done.Notify();
}

void Server::Wait() { impl_->done.WaitForNotification(); }

absl::Status Server::ReloadTrust() { return impl_->ReloadTrust(); }

}  // namespace ctg::gateway
