// Issue #2, bad input at start: the gateway exits non-zero with one line
// naming the file or field, and starts nothing.
#include <fstream>

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
    return absl::StrCat("listen = \"127.0.0.1:0\"\ntrust_domain = \"ctg.caf33.fr\"\n",
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
  RunResult r = RunProgram({GatewayBinary(), "--config", dir_.path() + "/nope.conf"});
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
  ExpectRefused(Replace("127.0.0.1:0", "127.0.0.1:99999"), "listen \"127.0.0.1:99999\"");
  ExpectRefused(Replace("127.0.0.1:0", "localhost"), "expected HOST:PORT");
  ExpectRefused(Replace("127.0.0.1:0", "203.0.113.7:0"), "cannot listen on this address");
}

TEST_F(StartupTest, UnknownAndMissingKeys) {
  ExpectRefused(GoodConfig() + "frobnicate = 1\n", "unknown key audit.frobnicate");
  ExpectRefused(Replace("trust_domain = \"ctg.caf33.fr\"\n", ""),
                "missing required key trust_domain");
  ExpectRefused(GoodConfig() + "[limits]\nmax_page_size = many\n",
                "limits.max_page_size must be an integer");
}

TEST_F(StartupTest, BadSigningKey) {
  const std::string& pki = DevPki::Get().dir();
  ExpectRefused(Replace(pki + "/audit-signing.key", pki + "/server.key"), "audit.signing_key");
}

}  // namespace
}  // namespace ctg::testing
