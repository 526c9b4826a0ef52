// Issue #2, bad input at start: the gateway exits non-zero with one line
// naming the file or field, and starts nothing.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

class StartupTest : public ::testing::Test {
 protected:
  std::string GoodConfig() const {
    const std::string& pki = DevPki::Get().dir();
    return absl::StrCat(
        "listen = \"127.0.0.1:0\"\ntrust_domain = \"ctg.caf33.fr\"\n",
        "caf_id = \"33\"\ndatabase = \"", dir_.path(), "/ctg.db\"\n[tls]\n",
        "ca = \"", pki, "/ca.pem\"\ncert = \"", pki, "/server.pem\"\n",
        "key = \"", pki, "/server.key\"\ncrl = \"", pki, "/crl.pem\"\n",
        "[audit]\nsigning_key = \"", pki, "/audit-signing.key\"\n");
  }
  // Runs the gateway on `config`; expects a failure whose single stderr
  // line contains `expected`.
  void ExpectRefused(const std::string& config, const std::string& expected) {
    std::string path = dir_.path() + "/bad.conf";
    std::ofstream(path) << config;
    RunResult r = RunProgram({GatewayBinary(), "--config", path});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_THAT(r.err, HasSubstr(expected));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "") << "nothing may start";
  }
  std::string Replace(const std::string& from, const std::string& to) const {
    return absl::StrReplaceAll(GoodConfig(), {{from, to}});
  }

  TempDir dir_;
};

TEST_F(StartupTest, MissingConfigFile) {
  RunResult r =
      RunProgram({GatewayBinary(), "--config", dir_.path() + "/nope.conf"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("nope.conf: cannot read the file"));
}

TEST_F(StartupTest, MissingConfigFlag) {
  RunResult r = RunProgram({GatewayBinary()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--config FILE is required"));
}

TEST_F(StartupTest, UnreadableCertificate) {
  const std::string& pki = DevPki::Get().dir();
  ExpectRefused(Replace(pki + "/server.pem", "/nonexistent/server.pem"),
                "tls.cert /nonexistent/server.pem: cannot read the file");
}

TEST_F(StartupTest, UnreadableKey) {
  const std::string& pki = DevPki::Get().dir();
  ExpectRefused(Replace(pki + "/server.key", "/nonexistent/server.key"),
                "tls.key /nonexistent/server.key: cannot read the file");
}

TEST_F(StartupTest, KeyNotMatchingCertificate) {
  const std::string& pki = DevPki::Get().dir();
  ExpectRefused(Replace(pki + "/server.key", pki + "/clients/admin.key"),
                "does not match the certificate");
}

TEST_F(StartupTest, CrlFromAnotherCa) {
  const std::string& pki = DevPki::Get().dir();
  ExpectRefused(Replace(pki + "/ca.pem", pki + "/foreign-ca.pem"), "tls.crl");
}

TEST_F(StartupTest, InvalidListenAddress) {
  ExpectRefused(Replace("127.0.0.1:0", "127.0.0.1:99999"),
                "listen \"127.0.0.1:99999\"");
  ExpectRefused(Replace("127.0.0.1:0", "localhost"), "expected HOST:PORT");
  ExpectRefused(Replace("127.0.0.1:0", "203.0.113.7:0"),
                "cannot listen on this address");
}

TEST_F(StartupTest, UnknownAndMissingKeys) {
  ExpectRefused(GoodConfig() + "frobnicate = 1\n",
                "unknown key audit.frobnicate");
  ExpectRefused(Replace("trust_domain = \"ctg.caf33.fr\"\n", ""),
                "missing required key trust_domain");
  ExpectRefused(GoodConfig() + "[limits]\nmax_page_size = many\n",
                "limits.max_page_size must be an integer");
}

// The transport's cap under the gateway's own message limit would let gRPC
// refuse, unaudited, messages the gateway accepts.
TEST_F(StartupTest, TransportMessageCapBelowTheMessageLimit) {
  ExpectRefused(GoodConfig() +
                    "[limits]\nmax_message_bytes = 65536\n"
                    "transport_max_message_bytes = 8192\n",
                "limits.transport_max_message_bytes (8192) is below "
                "limits.max_message_bytes (65536)");
  ExpectRefused(GoodConfig() + "[limits]\ntransport_max_message_bytes = -1\n",
                "limits.transport_max_message_bytes must be an integer");
}

TEST_F(StartupTest, BadSigningKey) {
  const std::string& pki = DevPki::Get().dir();
  ExpectRefused(Replace(pki + "/audit-signing.key", pki + "/server.key"),
                "audit.signing_key");
}

// Starts the gateway on `config` in the background: whether it said it was
// listening (then it is stopped), its exit code and its stderr. Unlike
// ExpectRefused, a gateway that wrongly starts fails the test instead of
// blocking it.
struct Launch {
  bool listening = false;
  int exit_code = -1;
  std::string err;
};
Launch LaunchGateway(const TempDir& dir, const std::string& config) {
  std::string path = dir.path() + "/launch.conf";
  std::string err_path = dir.path() + "/launch.stderr";
  std::ofstream(path, std::ios::trunc) << config;
  std::ofstream(err_path, std::ios::trunc).close();
  Launch out;
  Child child({GatewayBinary(), "--config", path}, err_path);
  std::string line;
  out.listening = child.ReadLine(&line, 30000);
  out.exit_code = out.listening ? child.Stop(SIGKILL) : child.Wait(30000);
  std::ifstream in(err_path);
  out.err.assign(std::istreambuf_iterator<char>(in),
                 std::istreambuf_iterator<char>());
  return out;
}

// gRPC would share a busy port (SO_REUSEPORT) and split the calls between
// two gateways, two databases and two audit trails: the second one must
// refuse to start, naming the port.
TEST_F(StartupTest, SecondGatewayOnTheSamePortIsRefused) {
  auto first = TestGateway::Start();
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string& address = (*first)->address();
  const std::string port = address.substr(address.rfind(':') + 1);
  Launch second = LaunchGateway(dir_, Replace("127.0.0.1:0", address));
  EXPECT_FALSE(second.listening) << "a second gateway serves the same port";
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err,
              HasSubstr(absl::StrCat("listen \"", address, "\": port ", port,
                                     " is already in use")));
  EXPECT_EQ(std::count(second.err.begin(), second.err.end(), '\n'), 1)
      << second.err;
}

// Private keys readable by group or others are refused, with the fix.
TEST_F(StartupTest, KeysReadableByOthersAreRefused) {
  const std::string& pki = DevPki::Get().dir();
  for (const char* name : {"server.key", "audit-signing.key"}) {
    std::string copy = absl::StrCat(dir_.path(), "/", name);
    ASSERT_EQ(
        RunProgram({"/bin/cp", absl::StrCat(pki, "/", name), copy}).exit_code,
        0);
    ASSERT_EQ(chmod(copy.c_str(), 0640), 0);
    std::string key =
        std::string(name) == "server.key" ? "tls.key " : "audit.signing_key ";
    Launch launch =
        LaunchGateway(dir_, Replace(absl::StrCat(pki, "/", name), copy));
    EXPECT_FALSE(launch.listening) << name;
    EXPECT_EQ(launch.exit_code, 1);
    EXPECT_THAT(
        launch.err,
        HasSubstr(absl::StrCat(
            key, copy, " is accessible to group or others (mode 0640)")));
    EXPECT_THAT(launch.err,
                HasSubstr(absl::StrCat("fix it with: chmod 600 ", copy)));
    EXPECT_EQ(std::count(launch.err.begin(), launch.err.end(), '\n'), 1)
        << launch.err;
    ASSERT_EQ(chmod(copy.c_str(), 0600), 0);
  }
}

// The database and its WAL files hold the statistical base: 0600.
TEST_F(StartupTest, DatabaseFilesArePrivate) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  for (const std::string& file : {(*gw)->db_path(), (*gw)->db_path() + "-wal",
                                  (*gw)->db_path() + "-shm"}) {
    struct stat st;
    ASSERT_EQ(stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
}

}  // namespace
}  // namespace ctg::testing
