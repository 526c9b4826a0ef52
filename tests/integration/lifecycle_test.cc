// Issue #8, certificate lifecycle: the CA bundle and CRL reload without a
// restart (SIGHUP); a freshly revoked client is refused on its next
// connection, and on its next call over a connection opened before.
#include <signal.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "ctg/v1/catalogue.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

grpc::Status ListIndicators(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = ctg::v1::Catalogue::NewStub(channel);
  ctg::v1::ListIndicatorsResponse response;
  return stub->ListIndicators(Deadline().get(), {}, &response);
}

// Waits, by calling it, until the gateway has handled the SIGHUP: the
// signal thread reloads before the next health check is answered... which
// is not ordered, so poll a refused call with a bound instead.
bool RefusedWithin(const std::function<grpc::Status()>& call, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    if (!call().ok()) return true;
  }
  return false;
}

TEST(LifecycleTest, RevokedClientIsRefusedAfterReload) {
  TempDir pki;
  RunResult made = RunProgram(
      {"/bin/bash", SourceDir() + "/certs/make-dev-pki.sh", pki.path()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto gw = TestGateway::StartWithPki(pki.path());
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  auto open_channel = gateway.Channel("requester2-33069");
  ASSERT_TRUE(ListIndicators(open_channel).ok());

  RunResult revoked =
      RunProgram({"/bin/bash", SourceDir() + "/certs/revoke-dev-cert.sh",
                  pki.path(), "requester2-33069"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  gateway.Signal(SIGHUP);
  // A new connection is refused at the handshake...
  EXPECT_TRUE(RefusedWithin(
      [&] { return ListIndicators(gateway.Channel("requester2-33069")); },
      200));
  grpc::Status fresh = ListIndicators(gateway.Channel("requester2-33069"));
  EXPECT_EQ(fresh.error_code(), grpc::StatusCode::UNAVAILABLE);
  // ...and the connection opened before is refused on its next call.
  grpc::Status reused = ListIndicators(open_channel);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(reused.error_message(), ::testing::HasSubstr("revoked"));
  // Others are unaffected.
  EXPECT_TRUE(ListIndicators(gateway.Channel("requester-33069")).ok());
}

grpc::health::v1::HealthCheckResponse::ServingStatus HealthOf(
    const TestGateway& gateway) {
  auto stub = grpc::health::v1::Health::NewStub(gateway.Channel("auditor"));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(Deadline().get(), {}, &response);
  if (status.ok()) return response.status();
  // A gateway that refuses calls while a component fails is not serving
  // either.
  return status.error_code() == grpc::StatusCode::UNAVAILABLE
             ? grpc::health::v1::HealthCheckResponse::NOT_SERVING
             : grpc::health::v1::HealthCheckResponse::UNKNOWN;
}

// Polls the health service (bounded: about 30 s) until it says `wanted`.
bool HealthBecomes(
    const TestGateway& gateway,
    grpc::health::v1::HealthCheckResponse::ServingStatus wanted) {
  for (int i = 0; i < 300; ++i) {
    if (HealthOf(gateway) == wanted) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A CRL that cannot be reloaded is not silent: health says NOT_SERVING and
// stderr names the cause, until a good CRL is back (the previous one stays
// in force meanwhile).
TEST(LifecycleTest, UnloadableCrlTurnsHealthNotServingUntilRepaired) {
  TempDir pki;
  ASSERT_EQ(RunProgram({"/bin/bash", SourceDir() + "/certs/make-dev-pki.sh",
                        pki.path()})
                .exit_code,
            0);
  auto gw =
      TestGateway::StartWithPki(pki.path(), "[tls]\nreload_seconds = 1\n");
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  const std::string crl = pki.path() + "/crl.pem";
  const std::string good = Slurp(crl);
  std::ofstream(crl, std::ios::trunc) << "not a CRL\n";
  EXPECT_TRUE(HealthBecomes(
      gateway, grpc::health::v1::HealthCheckResponse::NOT_SERVING));
  EXPECT_THAT(
      Slurp(gateway.stderr_path()),
      ::testing::HasSubstr(
          "\"event\":\"health-failure\",\"component\":\"trust-reload\""));
  EXPECT_THAT(Slurp(gateway.stderr_path()),
              ::testing::HasSubstr("no PEM CRL found"));
  // The CRL loaded before is still enforced.
  EXPECT_FALSE(ListIndicators(gateway.Channel("revoked")).ok());
  EXPECT_TRUE(ListIndicators(gateway.Channel("requester-33069")).ok());

  std::ofstream(crl, std::ios::trunc) << good;
  EXPECT_TRUE(
      HealthBecomes(gateway, grpc::health::v1::HealthCheckResponse::SERVING));
  EXPECT_THAT(Slurp(gateway.stderr_path()), ::testing::HasSubstr("SERVING"));
}

// A CRL past its nextUpdate can no longer say who is revoked: every client
// is refused (fail closed), and the health report names the CRL, until a
// fresh one is installed.
TEST(LifecycleTest, ExpiredCrlRefusesEveryoneAndIsReported) {
  TempDir pki;
  ASSERT_EQ(RunProgram({"/bin/bash", SourceDir() + "/certs/make-dev-pki.sh",
                        pki.path()})
                .exit_code,
            0);
  auto gw =
      TestGateway::StartWithPki(pki.path(), "[tls]\nreload_seconds = 1\n");
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  const std::string crl = pki.path() + "/crl.pem";
  const std::string good = Slurp(crl);
  RunResult expired =
      RunProgram({"/usr/bin/openssl", "ca", "-batch", "-config",
                  pki.path() + "/ca-db/ca.cnf", "-cert", pki.path() + "/ca.pem",
                  "-keyfile", pki.path() + "/ca.key", "-gencrl",
                  "-crl_lastupdate", "20200101000000Z", "-crl_nextupdate",
                  "20210101000000Z", "-out", pki.path() + "/crl-expired.pem"});
  ASSERT_EQ(expired.exit_code, 0) << expired.err;
  std::ofstream(crl, std::ios::trunc) << Slurp(pki.path() + "/crl-expired.pem");
  EXPECT_TRUE(HealthBecomes(
      gateway, grpc::health::v1::HealthCheckResponse::NOT_SERVING));
  EXPECT_THAT(
      Slurp(gateway.stderr_path()),
      ::testing::HasSubstr("\"component\":\"crl\",\"severity\":\"degraded\""));
  EXPECT_THAT(
      Slurp(gateway.stderr_path()),
      ::testing::HasSubstr("the CRL in force expired at 2021-01-01T00:00:00Z"));
  EXPECT_EQ(ListIndicators(gateway.Channel("requester-33069")).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  std::ofstream(crl, std::ios::trunc) << good;
  EXPECT_TRUE(
      HealthBecomes(gateway, grpc::health::v1::HealthCheckResponse::SERVING));
  EXPECT_TRUE(ListIndicators(gateway.Channel("requester-33069")).ok());
}

// Runs `sql` on the gateway's database through a connection of its own.
void ExecOnDatabase(const TestGateway& gateway, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(gateway.db_path().c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// A checkpoint that cannot be stored is reported (stderr, health
// NOT_SERVING) and retried; once it works again, health is SERVING again.
TEST(LifecycleTest, FailedCheckpointIsReportedUntilOneSucceeds) {
  auto gw = TestGateway::Start("[audit]\ncheckpoint_interval_seconds = 1\n");
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  ExecOnDatabase(
      gateway,
      "CREATE TRIGGER refuse_checkpoints BEFORE INSERT ON audit_checkpoints "
      "BEGIN SELECT RAISE(ABORT, 'checkpoints refused by the test'); END");
  ASSERT_TRUE(ListIndicators(gateway.Channel("admin")).ok());  // the tree grows
  EXPECT_TRUE(HealthBecomes(
      gateway, grpc::health::v1::HealthCheckResponse::NOT_SERVING));
  EXPECT_THAT(
      Slurp(gateway.stderr_path()),
      ::testing::HasSubstr(
          "\"component\":\"audit-checkpoint\",\"severity\":\"calls-refused\""));
  EXPECT_THAT(Slurp(gateway.stderr_path()),
              ::testing::HasSubstr("checkpoints refused by the test"));
  ExecOnDatabase(gateway, "DROP TRIGGER refuse_checkpoints");
  EXPECT_TRUE(
      HealthBecomes(gateway, grpc::health::v1::HealthCheckResponse::SERVING));
}

TEST(LifecycleTest, AuditKeyRotationKeepsOldCheckpointsVerifiable) {
  TempDir pki;
  ASSERT_EQ(RunProgram({"/bin/bash", SourceDir() + "/certs/make-dev-pki.sh",
                        pki.path()})
                .exit_code,
            0);
  auto gw = TestGateway::StartWithPki(pki.path());
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  ASSERT_TRUE(ListIndicators(gateway.Channel("admin")).ok());
  ASSERT_EQ(gateway.Ctg("auditor", {"audit", "checkpoint"}).exit_code,
            0);  // signed by the old key
  // Rotation (README, Operations): keep the old public key, install a new
  // private key, restart.
  const std::string old_pub = pki.path() + "/audit-signing-old.pub";
  ASSERT_EQ(RunProgram({"/bin/cp", pki.path() + "/audit-signing.pub", old_pub})
                .exit_code,
            0);
  ASSERT_EQ(gateway.Stop(), 0);
  ASSERT_EQ(RunProgram({"/usr/bin/openssl", "genpkey", "-algorithm", "ed25519",
                        "-out", pki.path() + "/audit-signing.key"})
                .exit_code,
            0);
  ASSERT_EQ(RunProgram({"/usr/bin/openssl", "pkey", "-in",
                        pki.path() + "/audit-signing.key", "-pubout", "-out",
                        pki.path() + "/audit-signing.pub"})
                .exit_code,
            0);
  ASSERT_TRUE(gateway.Restart().ok());
  ASSERT_TRUE(ListIndicators(gateway.Channel("admin")).ok());
  RunResult checkpoint =
      gateway.Ctg("auditor", {"audit", "checkpoint"});  // new key
  RunResult events =
      gateway.Ctg("auditor", {"audit", "events", "--format", "jsonl"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  std::ofstream(gateway.dir() + "/checkpoint.txt") << checkpoint.out;
  std::ofstream(gateway.dir() + "/events.jsonl") << events.out;
  auto verify = [&](std::vector<std::string> keys) {
    std::vector<std::string> argv = {CtgBinary(),
                                     "audit",
                                     "verify",
                                     "--events",
                                     gateway.dir() + "/events.jsonl",
                                     "--checkpoint",
                                     gateway.dir() + "/checkpoint.txt"};
    for (const auto& k : keys) {
      argv.push_back("--key");
      argv.push_back(k);
    }
    return RunProgram(argv);
  };
  const std::string new_pub = pki.path() + "/audit-signing.pub";
  RunResult only_new = verify({new_pub});
  EXPECT_EQ(only_new.exit_code, 3)
      << only_new.out;  // the old checkpoints need the old key
  RunResult both = verify({new_pub, old_pub});
  EXPECT_EQ(both.exit_code, 0) << both.out;
  EXPECT_THAT(both.out, ::testing::HasSubstr("OK: "));
}

}  // namespace
}  // namespace ctg::testing
