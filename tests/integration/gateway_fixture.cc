#include "tests/integration/gateway_fixture.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ctg::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::string GatewayBinary() { return CTG_GATEWAY_BINARY; }
std::string CtgBinary() { return CTG_CLI_BINARY; }
std::string SourceDir() { return CTG_SOURCE_DIR; }

DevPki::DevPki() {
  RunResult r = RunProgram(
      {"/bin/bash", SourceDir() + "/certs/make-dev-pki.sh", dir_.path()});
  if (r.exit_code != 0) {
    fprintf(stderr, "make-dev-pki.sh failed: %s\n", r.err.c_str());
    std::abort();
  }
}

const DevPki& DevPki::Get() {
  static const DevPki* pki = new DevPki();
  return *pki;
}

std::string DevPki::Cert(const std::string& client) const {
  return absl::StrCat(dir(), "/clients/", client, ".pem");
}
std::string DevPki::Key(const std::string& client) const {
  return absl::StrCat(dir(), "/clients/", client, ".key");
}

std::unique_ptr<grpc::ClientContext> Deadline(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(seconds));
  return context;
}

// When CTG_TEST_PG_DIR names a throw-away PostgreSQL cluster
// (tools/pg-test-cluster.sh), each gateway gets a new database of its own
// there instead of an SQLite file: the `[database]` section, else "".
absl::StatusOr<std::string> PostgresSection() {
  const char* dir = getenv("CTG_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0') return std::string();
  std::map<std::string, std::string> env;
  std::ifstream in(std::string(dir) + "/env");
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  auto with_db = [](const std::string& url, const std::string& db) {
    return url.substr(0, url.rfind('/') + 1) + db;
  };
  static std::atomic<int> counter{0};
  const std::string db =
      absl::StrCat("gw", getpid(), "_", counter.fetch_add(1));
  try {
    pqxx::connection admin(env["CTG_TEST_PG_ADMIN_URL"]);
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + db +
                                     " OWNER ctg_owner");
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("test cluster in ", dir, ": ", e.what()));
  }
  return absl::StrCat("[database]\nurl = \"",
                      with_db(env["CTG_TEST_PG_GATEWAY_URL"], db),
                      "\"\nmigrate_url = \"",
                      with_db(env["CTG_TEST_PG_OWNER_URL"], db), "\"\n");
}

absl::StatusOr<std::unique_ptr<TestGateway>> TestGateway::Start(
    const std::string& extra_config) {
  return StartWithPki(DevPki::Get().dir(), extra_config);
}

absl::StatusOr<std::unique_ptr<TestGateway>> TestGateway::StartWithPki(
    const std::string& pki_dir, const std::string& extra_config) {
  std::unique_ptr<TestGateway> gw(new TestGateway());
  gw->pki_dir_ = pki_dir;
  const std::string& pki = pki_dir;
  absl::StatusOr<std::string> postgres = PostgresSection();
  if (!postgres.ok()) return postgres.status();
  std::ofstream config(gw->config_path());
  config << "listen = \"127.0.0.1:0\"\n"
         << "trust_domain = \"" << kTrustDomain << "\"\n"
         << "caf_id = \"33\"\n"
         << "caf_name = \"Caf de la Gironde\"\n"
         << (postgres->empty()
                 ? absl::StrCat("database = \"", gw->db_path(), "\"\n")
                 : *postgres)
         << "[tls]\n"
         << "ca = \"" << pki << "/ca.pem\"\n"
         << "cert = \"" << pki << "/server.pem\"\n"
         << "key = \"" << pki << "/server.key\"\n"
         << "crl = \"" << pki << "/crl.pem\"\n"
         << "[audit]\n"
         << "signing_key = \"" << pki << "/audit-signing.key\"\n"
         << (absl::StrContains(extra_config, "checkpoint_interval_seconds")
                 ? ""
                 : "checkpoint_interval_seconds = 0\n")
         << "[limits]\n"
         << (absl::StrContains(extra_config, "calls_per_minute")
                 ? ""
                 : "calls_per_minute = 0\n")
         << extra_config;
  config.close();
  if (absl::Status s = gw->Launch(); !s.ok()) return s;
  return gw;
}

absl::StatusOr<std::unique_ptr<TestGateway>> TestGateway::StartReplicaOf(
    const TestGateway& first) {
  std::unique_ptr<TestGateway> gw(new TestGateway());
  gw->pki_dir_ = first.pki_dir_;
  std::filesystem::copy_file(first.config_path(), gw->config_path());
  if (absl::Status s = gw->Launch(); !s.ok()) return s;
  return gw;
}

absl::Status TestGateway::Launch() {
  child_ = std::make_unique<Child>(
      std::vector<std::string>{GatewayBinary(), "--config", config_path()},
      stderr_path());
  std::string line;
  if (!child_->ReadLine(&line, 30000) ||
      !absl::StrContains(line, "listening on ")) {
    child_->Stop(SIGKILL);
    return absl::UnavailableError(
        absl::StrCat("gateway did not start: ", line,
                     " / stderr: ", ReadAll(stderr_path())));
  }
  std::string rest = line.substr(line.find("listening on ") + 13);
  address_ = rest.substr(0, rest.find(' '));
  if (size_t web = line.find("web console on https://");
      web != std::string::npos) {
    std::string tail = line.substr(web + 23);
    web_address_ = tail.substr(0, tail.find_first_of(" \n"));
  }
  // Wait until it accepts a TLS connection with a valid certificate (no
  // sleeps: the channel does the polling). Not a health call: that would
  // be an audit event, and tests count events.
  if (!Channel("auditor")->WaitForConnected(std::chrono::system_clock::now() +
                                            std::chrono::seconds(30))) {
    return absl::UnavailableError(
        absl::StrCat("gateway not reachable at ", address_));
  }
  return absl::OkStatus();
}

absl::Status TestGateway::Restart() { return Launch(); }

TestGateway::~TestGateway() {
  if (child_) child_->Stop(SIGTERM);
}

std::shared_ptr<grpc::Channel> TestGateway::Channel(
    const std::string& client) const {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ReadAll(pki_dir_ + "/ca.pem");
  tls.pem_cert_chain =
      ReadAll(absl::StrCat(pki_dir_, "/clients/", client, ".pem"));
  tls.pem_private_key =
      ReadAll(absl::StrCat(pki_dir_, "/clients/", client, ".key"));
  grpc::ChannelArguments args;
  // A fresh connection per channel, so that each test's certificate is the
  // one presented.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address_, grpc::SslCredentials(tls), args);
}

std::map<std::string, std::string> TestGateway::CliEnv(
    const std::string& client) const {
  return {{"CTG_GATEWAY", address_},
          {"CTG_CA", pki_dir_ + "/ca.pem"},
          {"CTG_CERT", absl::StrCat(pki_dir_, "/clients/", client, ".pem")},
          {"CTG_KEY", absl::StrCat(pki_dir_, "/clients/", client, ".key")}};
}

RunResult TestGateway::Ctg(const std::string& client,
                           const std::vector<std::string>& args,
                           const std::string& input) const {
  std::vector<std::string> argv = {CtgBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, CliEnv(client), input);
}

int TestGateway::Stop() { return child_ ? child_->Stop(SIGTERM) : -1; }

void TestGateway::Signal(int sig) {
  if (child_) kill(child_->pid(), sig);
}

void TestGateway::Kill() {
  if (child_) child_->Stop(SIGKILL);
}

}  // namespace ctg::testing
