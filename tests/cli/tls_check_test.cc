#include "cli/tls_check.h"

#include <fstream>
#include <sstream>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"
#include "tests/testing/status_matchers.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::DevPki;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TlsFile Load(const std::string& label, const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return {label, path, text.str()};
}

ClientTls Client(const std::string& cert, const std::string& key) {
  const DevPki& pki = DevPki::Get();
  return {Load("--ca", pki.dir() + "/ca.pem"),
          Load("--cert", pki.Cert(cert)),
          Load("--key", pki.Key(key)),
          {}};
}

// The dev PKI is made when the test starts: its certificates are valid now.
absl::Time Now() { return absl::Now() + absl::Minutes(1); }

TEST(CheckLocalCredentials, AcceptsAGoodIdentityAndReturnsItsUri) {
  auto uri = CheckLocalCredentials(Client("reviewer", "reviewer"), Now());
  ASSERT_TRUE(uri.ok()) << uri.status();
  EXPECT_EQ(*uri, "spiffe://ctg.caf33.fr/caf/33/reviewer/denis.roux");
}

TEST(CheckLocalCredentials, Expired) {
  EXPECT_THAT(
      CheckLocalCredentials(Client("expired", "expired"), Now()).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("your certificate has expired on 2021-01-01")));
}

TEST(CheckLocalCredentials, NotYetValid) {
  absl::Time long_ago =
      absl::FromCivil(absl::CivilDay(2019, 1, 1), absl::UTCTimeZone());
  EXPECT_THAT(
      CheckLocalCredentials(Client("expired", "expired"), long_ago).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("your certificate is not valid before 2020-01-01")));
}

TEST(CheckLocalCredentials, KeyMismatch) {
  EXPECT_THAT(
      CheckLocalCredentials(Client("reviewer", "admin"), Now()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("key does not match certificate")));
}

TEST(CheckLocalCredentials, NotPem) {
  ClientTls tls = Client("reviewer", "reviewer");
  tls.cert.pem = "hello";
  EXPECT_THAT(CheckLocalCredentials(tls, Now()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a PEM certificate")));
  tls = Client("reviewer", "reviewer");
  tls.key.pem = tls.cert.pem;
  EXPECT_THAT(CheckLocalCredentials(tls, Now()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a PEM private key")));
}

TEST(CheckLocalCredentials, ExactlyOneSpiffeUri) {
  EXPECT_THAT(
      CheckLocalCredentials(Client("no-uri", "no-uri"), Now()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has 0 URI")));
  EXPECT_THAT(
      CheckLocalCredentials(Client("two-uris", "two-uris"), Now()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has 2 URI")));
}

}  // namespace
}  // namespace ctg::cli
