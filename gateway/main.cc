// ctg-gateway: the Caf's data-exchange gateway. See README.md.
//
//   ctg-gateway --config FILE
//   ctg-gateway --config FILE backup DEST
//   ctg-gateway --config FILE migrate SQLITE_FILE
//   ctg-gateway --version
//
// Exits non-zero with one line naming the file or key at fault when the
// configuration cannot be used. SIGTERM or SIGINT: graceful shutdown.
// SIGHUP: reload the CA bundle and CRL now.
#include <grpc/support/log.h>
#include <malloc.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "base/version.h"
#include "gateway/backup.h"
#include "gateway/config.h"
#include "gateway/offline_check.h"
#include "gateway/oplog.h"
#include "gateway/pg_migrate_command.h"
#include "gateway/server.h"
#include "gateway/store_backend.h"
#include "gateway/systemd_notify.h"

namespace {

constexpr char kUsage[] =
    "usage: ctg-gateway --config FILE\n"
    "       ctg-gateway --config FILE --check [DATABASE]\n"
    "       ctg-gateway --config FILE backup DEST\n"
    "       ctg-gateway --config FILE migrate SQLITE_FILE\n"
    "       ctg-gateway --version\n"
    "\n"
    "Serves the ctg.v1 gRPC API over mutually authenticated TLS.\n"
    "--check verifies the audit trail of the configured database (SQLite or\n"
    "PostgreSQL), or of the SQLite file DATABASE (e.g. a backup copy), "
    "without\n"
    "serving or writing, and exits.\n"
    "backup copies the configured database to DEST (a new file, mode 0600)\n"
    "while it serves, then runs the --check verification on the copy.\n"
    "migrate copies an SQLite database (gateways stopped) into the empty\n"
    "PostgreSQL database of [database] url, then checks the copy and its "
    "trail.\n"
    "The configuration reference is docs/configuration.md.\n"
    "Signals: SIGTERM/SIGINT stop gracefully; SIGHUP reloads the CA and CRL.\n";

namespace oplog = ctg::gateway::oplog;

// gRPC's own log lines: dropped until the server runs (a start-up failure is
// reported once, by us, on one line), then forwarded to the operational log.
std::atomic<bool> g_serving{false};
void GrpcLog(gpr_log_func_args* args) {
  if (!g_serving.load()) return;
  oplog::Level level =
      args->severity == GPR_LOG_SEVERITY_ERROR  ? oplog::Level::kError
      : args->severity == GPR_LOG_SEVERITY_INFO ? oplog::Level::kInfo
                                                : oplog::Level::kDebug;
  oplog::Log(level, "grpc", {{"message", args->message}});
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "ctg-gateway: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check = false;
  std::string check_db;
  std::string backup_dest;
  std::string migrate_from;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::printf("ctg-gateway %s (database schema %d)\n", ctg::Version(),
                  ctg::gateway::GatewaySchemaVersion());
      return 0;
    }
    if (arg == "migrate") {
      if (i + 1 == argc)
        return Fail("migrate SQLITE_FILE: SQLITE_FILE is required");
      migrate_from = argv[++i];
    } else if (arg == "backup") {
      if (i + 1 == argc) return Fail("backup DEST: DEST is required");
      backup_dest = argv[++i];
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
    } else if (arg == "--check") {
      check = true;
      if (i + 1 < argc && argv[i + 1][0] != '-') check_db = argv[++i];
    } else {
      std::fputs(kUsage, stderr);
      return Fail("unknown argument \"" + arg + "\"");
    }
  }
  if (config_path.empty()) {
    std::fputs(kUsage, stderr);
    return Fail("--config FILE is required");
  }

  // Block the signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Two malloc arenas: concurrent extracts otherwise leave memory in one
  // arena per thread (docs/performance.md).
  mallopt(M_ARENA_MAX, 2);
  gpr_set_log_function(GrpcLog);
  absl::StatusOr<ctg::gateway::Config> config =
      ctg::gateway::LoadConfig(config_path);
  if (!config.ok()) return Fail(std::string(config.status().message()));
  if (check) {
    auto summary = check_db.empty()
                       ? ctg::gateway::CheckConfiguredAuditTrail(*config)
                       : ctg::gateway::CheckAuditTrail(*config, check_db);
    if (!summary.ok()) return Fail(std::string(summary.status().message()));
    std::printf("%s\n", summary->c_str());
    return 0;
  }
  if (!migrate_from.empty()) {
    auto summary = ctg::gateway::MigrateToPostgres(*config, migrate_from);
    if (!summary.ok()) return Fail(std::string(summary.status().message()));
    std::printf("%s\n", summary->c_str());
    return 0;
  }
  if (!backup_dest.empty()) {
    auto summary = ctg::gateway::BackupDatabase(*config, backup_dest);
    if (!summary.ok()) return Fail(std::string(summary.status().message()));
    std::printf("%s\n", summary->c_str());
    return 0;
  }
  auto server = ctg::gateway::Server::Start(*config);
  if (!server.ok()) return Fail(std::string(server.status().message()));
  oplog::Log(oplog::Level::kInfo, "start",
             {{"version", ctg::Version()},
              {"listen", (*server)->address()},
              {"trust_domain", config->trust_domain},
              {"metrics_listen", (*server)->metrics_address()},
              {"web_listen", (*server)->web_address()},
              {"config", config->path}});
  std::string web = (*server)->web_address().empty()
                        ? ""
                        : " web console on https://" + (*server)->web_address();
  std::printf("ctg-gateway %s: listening on %s (mTLS, trust domain %s)%s\n",
              ctg::Version(), (*server)->address().c_str(),
              config->trust_domain.c_str(), web.c_str());
  std::fflush(stdout);
  ctg::gateway::NotifySystemd("READY=1\nSTATUS=listening on " +
                              (*server)->address());
  g_serving.store(true);

  while (true) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      ctg::gateway::NotifySystemd("RELOADING=1");
      absl::Status reloaded = (*server)->ReloadTrust();
      ctg::gateway::NotifySystemd("READY=1");
      if (reloaded.ok()) {
        oplog::Log(oplog::Level::kInfo, "trust-reload",
                   {{"trigger", "SIGHUP"}});
      } else {
        oplog::Log(oplog::Level::kError, "trust-reload-failed",
                   {{"trigger", "SIGHUP"}, {"cause", reloaded.message()}});
      }
      continue;
    }
    oplog::Log(oplog::Level::kInfo, "stopping", {{"signal", strsignal(sig)}});
    ctg::gateway::NotifySystemd("STOPPING=1");
    break;
  }
  (*server)->Shutdown();
  oplog::Log(oplog::Level::kInfo, "stop");
  return 0;
}
