#include "tests/store/postgres/pg_test_cluster.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_status.h"

namespace ctg::store::postgres::testing {
namespace {

PgTestCluster* cluster = nullptr;

std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    out[kv.first] = kv.second;
  }
  return out;
}

class ClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* given = getenv("CTG_TEST_PG_DIR");
    std::string dir;
    if (given != nullptr && *given != '\0') {
      dir = given;
    } else {
      char pattern[] = "/tmp/ctg-pg-test-XXXXXX";
      ASSERT_NE(mkdtemp(pattern), nullptr);
      dir = pattern;
      own_dir_ = dir;
      std::string cmd =
          absl::StrCat("CTG_PG_WATCH_PID=", getpid(), " ",
                       CTG_PG_TEST_CLUSTER_SCRIPT, " start ", dir, " >&2");
      ASSERT_EQ(system(cmd.c_str()), 0)
          << "could not start a PostgreSQL test cluster";
    }
    auto env = ReadEnvFile(dir + "/env");
    ASSERT_FALSE(env["CTG_TEST_PG_ADMIN_URL"].empty())
        << dir << "/env lacks the cluster's URLs: is the cluster started?";
    cluster = new PgTestCluster{dir, env["CTG_TEST_PG_ADMIN_URL"],
                                env["CTG_TEST_PG_OWNER_URL"],
                                env["CTG_TEST_PG_GATEWAY_URL"]};
  }
  void TearDown() override {
    if (!own_dir_.empty()) {
      std::string cmd =
          absl::StrCat(CTG_PG_TEST_CLUSTER_SCRIPT, " stop ", own_dir_);
      if (system(cmd.c_str()) != 0)
        ADD_FAILURE() << "could not stop the test cluster";
    }
  }

 private:
  std::string own_dir_;
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ClusterEnvironment);

}  // namespace

const PgTestCluster& Cluster() { return *cluster; }

std::string WithDatabase(const std::string& url, const std::string& db) {
  size_t slash = url.rfind('/');
  return url.substr(0, slash + 1) + db;
}

std::string NewDatabase() {
  static std::atomic<int> counter{0};
  std::string name = absl::StrCat("t", getpid(), "_", counter.fetch_add(1));
  absl::Status s = AdminExec(
      "postgres", absl::StrCat("CREATE DATABASE ", name, " OWNER ctg_owner"));
  EXPECT_TRUE(s.ok()) << s;
  return name;
}

PgOptions GatewayOptions(const std::string& db) {
  PgOptions o;
  o.url = WithDatabase(Cluster().gateway_url, db);
  o.migrate_url = WithDatabase(Cluster().owner_url, db);
  o.caf = "caf33.example/33";
  o.pool_size = 2;
  return o;
}

absl::Status ExecAs(const std::string& url, const std::string& sql) {
  return PgCall(sql.substr(0, 40), [&] {
    pqxx::connection conn(url);
    pqxx::nontransaction tx(conn);
    tx.exec(sql);
  });
}

ConventionRow Convention(const std::string& commune) {
  ConventionRow c;
  c.id = absl::StrCat("CTG-", commune, "-1");
  c.commune = commune;
  c.commune_name = "Commune " + commune;
  c.perimeter = {commune};
  c.valid_from = "2020-01-01";
  c.valid_until = "2027-12-31";
  c.caf_name = "Caf de la Gironde";
  return c;
}

absl::Status AdminExec(const std::string& db, const std::string& sql) {
  return ExecAs(WithDatabase(Cluster().admin_url, db), sql);
}

absl::Status TerminateSessions(const std::string& db) {
  return AdminExec(
      "postgres",
      absl::StrCat("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   "WHERE datname = '",
                   db, "' AND usename <> 'ctg_admin'"));
}

}  // namespace ctg::store::postgres::testing
