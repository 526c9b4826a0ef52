// `ctg-gateway --config FILE migrate SQLITE_FILE`, run as the real binary.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/database.h"
#include "store/sqlite/schema.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::RunProgram;
using ::ctg::testing::RunResult;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace ::ctg::store::postgres::testing;

class MigrateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = dir_.path() + "/ctg.db";
    std::filesystem::copy_file(
        CTG_SOURCE_DIR "/tests/fixtures/gateway-schema-4.db", source_);
    {  // at this gateway's schema, as its first opening leaves it
      auto db = sqlite::Database::Open({.path = source_},
                                       sqlite::GatewayMigrations());
      ASSERT_TRUE(db.ok()) << db.status();
    }
    // A new signing key; the fixture's checkpoints verify with its key,
    // given as a previous key.
    std::string key = dir_.path() + "/audit.key";
    ASSERT_EQ(RunProgram({"/usr/bin/openssl", "genpkey", "-algorithm",
                          "ed25519", "-out", key})
                  .exit_code,
              0);
    chmod(key.c_str(), 0600);
    db_ = NewDatabase();
  }

  std::string WriteConfig(const std::string& url) {
    std::string path = dir_.path() + "/gw.conf";
    std::ofstream(path)
        << "trust_domain = \"ctg.caf33.fr\"\ncaf_id = 33\n"
        << "[database]\nurl = \"" << url << "\"\nmigrate_url = \""
        << WithDatabase(Cluster().owner_url, db_) << "\"\n"
        << "[tls]\nca = ca.pem\ncert = s.pem\nkey = s.key\ncrl = crl.pem\n"
        << "[audit]\nsigning_key = audit.key\nprevious_keys = \""
        << CTG_SOURCE_DIR << "/tests/fixtures/gateway-schema-4.audit.pub\"\n";
    return path;
  }

  RunResult Migrate(const std::string& url) {
    return RunProgram(
        {CTG_GATEWAY_BINARY, "--config", WriteConfig(url), "migrate", source_});
  }

  ctg::testing::TempDir dir_;
  std::string source_;
  std::string db_;
};

TEST_F(MigrateCommandTest, CopiesAndVerifiesTheTrail) {
  RunResult r = Migrate(WithDatabase(Cluster().gateway_url, db_));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("28 tables"), HasSubstr("each table compared"),
                    HasSubstr("9 events, 2 signed checkpoints verified, root "
                              "763836fea35331ec65d4db00818c271a3638076538080b24"
                              "e104a4a8b851630b")));
  // Twice: refused, one line, nothing written.
  r = Migrate(WithDatabase(Cluster().gateway_url, db_));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("already holds data"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(MigrateCommandTest, BadCredentialsExitOneWithOneLine) {
  std::string url = WithDatabase(Cluster().gateway_url, db_);
  url.replace(url.find(':', 13) + 1, url.find('@') - url.find(':', 13) - 1,
              "n0tthepassword");
  RunResult r = Migrate(url);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("database.url"),
                           HasSubstr("password authentication failed"),
                           Not(HasSubstr("n0tthepassword"))));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace ctg::store::postgres
