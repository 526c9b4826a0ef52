#include "gateway/config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kMinimal[] = R"(
# comment
trust_domain = "ctg.caf33.fr"
caf_id = 33
database = ctg.db
[tls]
ca = "pki/ca.pem"
cert = /etc/ctg/server.pem
key = "pki/server.key"   # trailing comment
crl = "pki/crl.pem"
[audit]
signing_key = "pki/audit.key"
)";

// kMinimal with `database = ctg.db` replaced by `replacement`.
std::string WithDatabase(const std::string& replacement) {
  std::string text = kMinimal;
  text.replace(text.find("database = ctg.db"), 17, replacement);
  return text;
}

TEST(ConfigTest, DatabaseSectionSelectsPostgres) {
  CTG_ASSERT_OK_AND_ASSIGN(
      Config c,
      ParseConfig(
          WithDatabase(
              "[database]\n"
              "url = \"postgresql://ctg@db.caf33.fr/ctg?sslmode=verify-full\"\n"
              "migrate_url = \"postgresql://ctg_owner@db.caf33.fr/ctg\"\n"
              "pool_size = 8\n"
              "statement_timeout_ms = 2500\n"
              "group_wait_us = 0"),
          "gw.conf", "/srv/ctg"));
  EXPECT_EQ(c.database, "");
  EXPECT_EQ(c.postgres.url,
            "postgresql://ctg@db.caf33.fr/ctg?sslmode=verify-full");
  EXPECT_EQ(c.postgres.migrate_url, "postgresql://ctg_owner@db.caf33.fr/ctg");
  EXPECT_EQ(c.postgres.pool_size, 8);
  EXPECT_EQ(c.postgres.statement_timeout_ms, 2500);
  EXPECT_EQ(c.postgres.connect_timeout_seconds, 5);
  EXPECT_EQ(c.postgres.group_wait_us, 0);
}

TEST(ConfigTest, ExactlyOneBackend) {
  EXPECT_THAT(ParseConfig(WithDatabase(""), "gw.conf", "/srv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("missing required key database (an SQLite "
                                 "file) or database.url")));
  EXPECT_THAT(
      ParseConfig(
          WithDatabase(
              "database = ctg.db\n[database]\nurl = postgresql://db/ctg"),
          "gw.conf", "/srv"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("both set")));
  EXPECT_THAT(ParseConfig(WithDatabase("[database]\nurl = \"ctg.db\""),
                          "gw.conf", "/srv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("database.url must be a postgresql:// URL")));
  EXPECT_THAT(
      ParseConfig(
          WithDatabase("[database]\nurl = postgresql://db/ctg\npool_size = 0"),
          "gw.conf", "/srv"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("database.pool_size")));
  EXPECT_THAT(ParseConfig(WithDatabase("[database]\nurl = "
                                       "postgresql://db/ctg\ngroup_wait_us = "
                                       "100001"),
                          "gw.conf", "/srv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("database.group_wait_us")));
}

TEST(ConfigTest, MinimalFileGetsDefaultsAndResolvedPaths) {
  CTG_ASSERT_OK_AND_ASSIGN(Config c,
                           ParseConfig(kMinimal, "gw.conf", "/srv/ctg"));
  EXPECT_EQ(c.listen, "127.0.0.1:8443");
  EXPECT_EQ(c.caf_id, "33");
  EXPECT_EQ(c.caf_name, "Caf de la Gironde");
  EXPECT_EQ(c.database, "/srv/ctg/ctg.db");
  EXPECT_EQ(c.tls.ca, "/srv/ctg/pki/ca.pem");
  EXPECT_EQ(c.tls.cert, "/etc/ctg/server.pem");
  EXPECT_EQ(c.tls.key, "/srv/ctg/pki/server.key");
  EXPECT_EQ(c.audit.origin, "ctg.caf33.fr/ctg-audit");
  EXPECT_EQ(c.audit.key_name, "ctg.caf33.fr/ctg-audit");
  EXPECT_EQ(c.limits.max_page_size, 500);
  EXPECT_EQ(c.limits.concurrent_releases, 2);
  EXPECT_EQ(c.limits.release_cache_mb, 16);
  EXPECT_FALSE(c.workflow.four_eyes);
  EXPECT_EQ(c.secret.rules.territory_threshold, 100);
  EXPECT_EQ(c.secret.rules.frequency_threshold, 5);
}

TEST(ConfigTest, OverridesEverySection) {
  std::string text =
      std::string(kMinimal) +
      "[limits]\nmax_page_size = 20\ndefault_page_size = 10\n"
      "concurrent_releases = 4\nrelease_cache_mb = 0\n"
      "[workflow]\nfour_eyes = true\n"
      "[secret_statistique]\nmask_zeros = true\nlp_audit = off\n";
  CTG_ASSERT_OK_AND_ASSIGN(Config c, ParseConfig(text, "gw.conf", "/x"));
  EXPECT_EQ(c.limits.max_page_size, 20);
  EXPECT_EQ(c.limits.concurrent_releases, 4);
  EXPECT_EQ(c.limits.release_cache_mb, 0);
  EXPECT_TRUE(c.workflow.four_eyes);
  EXPECT_TRUE(c.secret.rules.mask_zeros);
  EXPECT_EQ(c.secret.lp_audit, "off");
}

struct Bad {
  std::string extra;
  std::string message;
};

class ConfigErrorTest : public ::testing::TestWithParam<Bad> {};

TEST_P(ConfigErrorTest, NamesFileLineAndKey) {
  EXPECT_THAT(
      ParseConfig(std::string(kMinimal) + GetParam().extra, "gw.conf", "/x"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ConfigErrorTest,
    ::testing::Values(
        Bad{"[limits]\nmax_page_size = 0\n",
            "gw.conf:14: limits.max_page_size must be an integer from 1"},
        Bad{"[limits]\nbogus = 1\n", "unknown key limits.bogus"},
        Bad{"[workflow]\nfour_eyes = yes\n",
            "workflow.four_eyes must be true or false"},
        Bad{"[secret_statistique]\nlp_audit = sometimes\n",
            "lp_audit must be always, sampled or off"},
        Bad{"[tls]\nca = \"x\"\n", "duplicate key tls.ca"},
        Bad{"[tls\n", "section header lacks ']'"},
        Bad{"just words\n", "expected key = value"},
        Bad{"caf_name = \"open\n", "unterminated string"},
        Bad{"[limits]\ndefault_page_size = 900\n", "default_page_size exceeds"},
        Bad{"[limits]\nmax_message_bytes = 65536\n"
            "transport_max_message_bytes = 65535\n",
            "limits.transport_max_message_bytes (65535) is below "
            "limits.max_message_bytes (65536)"},
        Bad{"[limits]\ntransport_max_message_bytes = 0\n",
            "limits.transport_max_message_bytes must be an integer from "
            "4096"},
        Bad{"[limits]\ntransport_max_message_bytes = 2147483648\n",
            "limits.transport_max_message_bytes must be an integer"},
        Bad{"[limits]\nmax_message_bytes = 4095\n",
            "limits.max_message_bytes must be an integer from 4096"}));

// The transport's hard cap defaults to a multiple of the gateway's own
// limit, bounded by what gRPC can take (an int).
TEST(ConfigTest, TransportMessageCapDefaultsToFourTimesTheLimit) {
  CTG_ASSERT_OK_AND_ASSIGN(Config defaults,
                           ParseConfig(kMinimal, "gw.conf", "/x"));
  EXPECT_EQ(defaults.limits.max_message_bytes, 4 << 20);
  EXPECT_EQ(defaults.limits.transport_max_message_bytes, 16 << 20);
  CTG_ASSERT_OK_AND_ASSIGN(
      Config huge, ParseConfig(std::string(kMinimal) +
                                   "[limits]\nmax_message_bytes = 1073741824\n",
                               "gw.conf", "/x"));
  EXPECT_EQ(huge.limits.transport_max_message_bytes, 2147483647);
  CTG_ASSERT_OK_AND_ASSIGN(
      Config equal, ParseConfig(std::string(kMinimal) +
                                    "[limits]\nmax_message_bytes = 65536\n"
                                    "transport_max_message_bytes = 65536\n",
                                "gw.conf", "/x"));
  EXPECT_EQ(equal.limits.transport_max_message_bytes, 65536);
}

TEST(ConfigTest, MissingRequiredKeyIsNamed) {
  EXPECT_THAT(
      ParseConfig("trust_domain = x\n", "gw.conf", "/x"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("config gw.conf: missing required key caf_id")));
}

TEST(ConfigTest, UnreadableFileIsNamed) {
  EXPECT_THAT(
      LoadConfig("/nonexistent/gw.conf"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("/nonexistent/gw.conf: cannot read the file")));
}

TEST(ConfigTest, MetricsListenerIsOffByDefaultAndSetBySection) {
  CTG_ASSERT_OK_AND_ASSIGN(Config off,
                           ParseConfig(kMinimal, "gw.conf", "/srv/ctg"));
  EXPECT_EQ(off.metrics.listen, "");
  CTG_ASSERT_OK_AND_ASSIGN(
      Config on, ParseConfig(std::string(kMinimal) +
                                 "[metrics]\nlisten = \"127.0.0.1:9464\"\n",
                             "gw.conf", "/srv/ctg"));
  EXPECT_EQ(on.metrics.listen, "127.0.0.1:9464");
  EXPECT_THAT(ParseConfig(std::string(kMinimal) + "[metrics]\nport = 9464\n",
                          "gw.conf", "/srv"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown key metrics.port")));
}

TEST(ConfigTest, WebConsoleIsOffByDefaultAndSetBySection) {
  CTG_ASSERT_OK_AND_ASSIGN(Config off,
                           ParseConfig(kMinimal, "gw.conf", "/srv/ctg"));
  EXPECT_EQ(off.web.listen, "");
  EXPECT_EQ(off.web.time_zone, "Europe/Paris");
  CTG_ASSERT_OK_AND_ASSIGN(
      Config on,
      ParseConfig(
          std::string(kMinimal) +
              "[web]\nlisten = \"127.0.0.1:8444\"\nmax_body_bytes = 8192\n"
              "time_zone = \"America/Cayenne\"\n",
          "gw.conf", "/srv/ctg"));
  EXPECT_EQ(on.web.listen, "127.0.0.1:8444");
  EXPECT_EQ(on.web.max_body_bytes, 8192);
  EXPECT_EQ(on.web.time_zone, "America/Cayenne");
  EXPECT_THAT(
      ParseConfig(
          std::string(kMinimal) + "[web]\ntime_zone = \"Mars/Olympus\"\n",
          "gw.conf", "/srv"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("web.time_zone")));
  EXPECT_THAT(
      ParseConfig(std::string(kMinimal) + "[web]\nmax_body_bytes = 10\n",
                  "gw.conf", "/srv"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("web.max_body_bytes")));
}

}  // namespace
}  // namespace ctg::gateway
