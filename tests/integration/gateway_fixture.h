// Starts the real ctg-gateway process on 127.0.0.1 (port 0) with a fresh
// temporary directory, the development PKI made by certs/make-dev-pki.sh and
// a real SQLite file, waits until it accepts mTLS connections, and gives
// tests mTLS channels as any of the PKI's clients, and the `ctg` CLI.
#ifndef CTG_TESTS_INTEGRATION_GATEWAY_FIXTURE_H_
#define CTG_TESTS_INTEGRATION_GATEWAY_FIXTURE_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace ctg::testing {

// The development PKI, generated once per test binary (see certs/).
class DevPki {
 public:
  static const DevPki& Get();
  const std::string& dir() const { return dir_.path(); }
  std::string Cert(const std::string& client) const;  // clients/<client>.pem
  std::string Key(const std::string& client) const;

 private:
  DevPki();
  TempDir dir_;
};

inline constexpr char kTrustDomain[] = "ctg.caf33.fr";

class TestGateway {
 public:
  // Writes a config (with `extra_config` appended, e.g. "[workflow]\n
  // four_eyes = true\n"), starts the gateway and waits until it serves.
  // Periodic checkpoints are off unless `extra_config` sets
  // checkpoint_interval_seconds (under "[audit]\n").
  static absl::StatusOr<std::unique_ptr<TestGateway>> Start(
      const std::string& extra_config = "");
  // Same, with the PKI in `pki_dir` (made by certs/make-dev-pki.sh) instead
  // of the shared one: for tests that revoke or replace certificates.
  static absl::StatusOr<std::unique_ptr<TestGateway>> StartWithPki(
      const std::string& pki_dir, const std::string& extra_config = "");
  // Another gateway with `first`'s configuration, so on the same database:
  // a second replica (PostgreSQL only; two processes never share an SQLite
  // file).
  static absl::StatusOr<std::unique_ptr<TestGateway>> StartReplicaOf(
      const TestGateway& first);
  // Starts again on the same directory and database (after Stop()).
  absl::Status Restart();
  ~TestGateway();

  const std::string& address() const { return address_; }
  // "127.0.0.1:PORT" of the web console (config [web] listen); empty without.
  const std::string& web_address() const { return web_address_; }
  const std::string& dir() const { return dir_.path(); }
  std::string db_path() const { return dir_.path() + "/ctg.db"; }
  std::string config_path() const { return dir_.path() + "/gateway.conf"; }
  std::string stderr_path() const { return dir_.path() + "/gateway.stderr"; }

  // An mTLS channel presenting the client certificate `client`
  // ("requester-33069", "reviewer", "admin", "auditor", "expired"...).
  std::shared_ptr<grpc::Channel> Channel(const std::string& client) const;
  // Environment for `ctg` as `client` (CTG_GATEWAY, CTG_CA, CTG_CERT, CTG_KEY).
  std::map<std::string, std::string> CliEnv(const std::string& client) const;
  // Runs `ctg args...` as `client`.
  RunResult Ctg(const std::string& client, const std::vector<std::string>& args,
                const std::string& input = "") const;

  // SIGTERM and wait; returns the exit code.
  int Stop();
  // SIGKILL (crash) and wait.
  void Kill();
  // Sends `sig` (e.g. SIGHUP) without waiting.
  void Signal(int sig);
  const std::string& pki_dir() const { return pki_dir_; }
  // The gateway process's id (for /proc measurements).
  int pid() const { return child_ ? child_->pid() : -1; }

 private:
  TestGateway() = default;
  absl::Status Launch();

  TempDir dir_;
  std::string pki_dir_;
  std::unique_ptr<Child> child_;
  std::string address_;
  std::string web_address_;
};

// A context with a deadline, for test RPCs.
std::unique_ptr<grpc::ClientContext> Deadline(int seconds = 20);

std::string GatewayBinary();
std::string CtgBinary();
std::string SourceDir();

}  // namespace ctg::testing

#endif  // CTG_TESTS_INTEGRATION_GATEWAY_FIXTURE_H_
