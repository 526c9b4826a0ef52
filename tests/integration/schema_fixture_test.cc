// The upgrade path. tests/fixtures/gateway-schema-N.db is a database written
// by the gateway of schema N (tests/fixtures/make-schema-fixtures.sh runs the
// writer below): two conventions, a request approved with its history, a
// release, audit events and signed checkpoints. Every fixture kept there
// must open with the current code (its migrations applied at start), with
// everything in it, and its audit trail must verify (the `--check`
// verification, with the fixture's public key).
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "audit/note_key.h"
#include "gateway/offline_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/backup.h"
#include "store/sqlite/schema.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string FixtureDir() { return SourceDir() + "/tests/fixtures"; }

// The `--check` summary without its first words (they name the file).
std::string TrailFacts(const std::string& summary) {
  size_t at = summary.find(" intact: ");
  return at == std::string::npos ? summary : summary.substr(at + 1);
}

struct Fixture {
  int schema;
  std::string db, key, check;
};

std::vector<Fixture> Fixtures() {
  std::vector<Fixture> found;
  std::regex name("gateway-schema-([0-9]+)\\.db");
  for (const auto& entry : std::filesystem::directory_iterator(FixtureDir())) {
    std::smatch m;
    std::string file = entry.path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    std::string stem = FixtureDir() + "/gateway-schema-" + m[1].str();
    found.push_back({std::stoi(m[1].str()), stem + ".db", stem + ".audit.pub",
                     stem + ".check"});
  }
  return found;
}

TEST(SchemaFixtureTest, EveryKeptFixtureOpensIntactWithTheCurrentCode) {
  std::vector<Fixture> fixtures = Fixtures();
  ASSERT_FALSE(fixtures.empty())
      << "no gateway-schema-N.db in " << FixtureDir();
  bool today = false;
  for (const Fixture& fixture : fixtures) {
    SCOPED_TRACE(fixture.db);
    today |= fixture.schema == store::sqlite::GatewaySchemaVersion();
    auto schema = store::sqlite::SchemaVersionOf(fixture.db);
    ASSERT_TRUE(schema.ok()) << schema.status();
    EXPECT_EQ(*schema, fixture.schema) << "the fixture records its schema";

    // Its trail, untouched, before the current gateway writes to a copy.
    auto verifier = audit::NoteVerifier::FromKeyText(Slurp(fixture.key));
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    auto checked = gateway::CheckAuditTrailWithKeys({*verifier}, fixture.db);
    ASSERT_TRUE(checked.ok()) << checked.status();
    std::string expected = Slurp(fixture.check);
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    EXPECT_EQ(TrailFacts(*checked), TrailFacts(expected));

    // The current gateway on a copy: migrations applied at start, every leaf
    // hash recomputed, the data served.
    auto gateway = TestGateway::Start();
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    TestGateway& gw = **gateway;
    ASSERT_EQ(gw.Stop(), 0);
    std::filesystem::remove(gw.db_path() + "-wal");
    std::filesystem::remove(gw.db_path() + "-shm");
    std::filesystem::copy_file(
        fixture.db, gw.db_path(),
        std::filesystem::copy_options::overwrite_existing);
    chmod(gw.db_path().c_str(), 0600);
    ASSERT_TRUE(gw.Restart().ok()) << Slurp(gw.stderr_path());

    RunResult conventions = gw.Ctg("admin", {"admin", "convention", "list"});
    EXPECT_THAT(conventions.out, HasSubstr("CTG-33069-1"));
    EXPECT_THAT(conventions.out, HasSubstr("CTG-33162-1"));
    RunResult request =
        gw.Ctg("requester-33069", {"request", "show", "REQ-000001"});
    EXPECT_EQ(request.exit_code, 0) << request.err;
    EXPECT_THAT(request.out, HasSubstr("APPROVED"));
    EXPECT_THAT(request.out, HasSubstr("downloads 1 of 2"));
    EXPECT_THAT(request.out,
                HasSubstr("SUBMITTED by spiffe://ctg.caf33.fr/commune/33069/"));
    RunResult extract =
        gw.Ctg("requester-33069",
               {"extract", "get", "REQ-000001", "-o", gw.dir() + "/e.csv"});
    EXPECT_EQ(extract.exit_code, 0) << extract.err;
    EXPECT_THAT(Slurp(gw.dir() + "/e.csv"), HasSubstr("allocataires"));
    ASSERT_EQ(gw.Stop(), 0);
    auto upgraded = store::sqlite::SchemaVersionOf(gw.db_path());
    ASSERT_TRUE(upgraded.ok());
    EXPECT_EQ(*upgraded, store::sqlite::GatewaySchemaVersion());
  }
  EXPECT_TRUE(today) << "no fixture of today's schema "
                     << store::sqlite::GatewaySchemaVersion()
                     << ": run tests/fixtures/make-schema-fixtures.sh";
}

// Writes gateway-schema-<today>.{db,audit.pub,check} into the directory
// named by CTG_WRITE_SCHEMA_FIXTURE. Disabled: only
// tests/fixtures/make-schema-fixtures.sh runs it.
TEST(SchemaFixtureWriter, DISABLED_WriteTodaysFixture) {
  const char* out = std::getenv("CTG_WRITE_SCHEMA_FIXTURE");
  if (out == nullptr) GTEST_SKIP() << "CTG_WRITE_SCHEMA_FIXTURE is not set";
  auto gateway = TestGateway::Start();
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  TestGateway& gw = **gateway;
  ASSERT_TRUE(LoadDemoData(gw, {"2023"}).ok());
  ctg::v1::Scope scope;
  scope.add_indicators("allocataires");
  scope.add_territories("33069");
  scope.add_periods("2023");
  auto id = SubmitAndApprove(gw, scope, 2);
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_EQ(*id, "REQ-000001");
  RunResult extract = gw.Ctg(
      "requester-33069", {"extract", "get", *id, "-o", gw.dir() + "/e.csv"});
  ASSERT_EQ(extract.exit_code, 0)
      << extract.err;  // a checkpoint covers the release
  // A read and a refusal (another commune's request) after that checkpoint.
  ASSERT_EQ(gw.Ctg("admin", {"admin", "convention", "list"}).exit_code, 0);
  ASSERT_NE(gw.Ctg("requester-33162", {"request", "show", *id}).exit_code, 0);
  ASSERT_EQ(gw.Stop(), 0);  // signs a final checkpoint

  std::string stem = absl::StrCat(out, "/gateway-schema-",
                                  store::sqlite::GatewaySchemaVersion());
  std::filesystem::remove(stem + ".db");
  RunResult backup = RunProgram(
      {GatewayBinary(), "--config", gw.config_path(), "backup", stem + ".db"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(std::string(stem + ".db").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "VACUUM", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  chmod(std::string(stem + ".db").c_str(), 0644);
  std::filesystem::copy_file(DevPki::Get().dir() + "/audit-signing.pub",
                             stem + ".audit.pub",
                             std::filesystem::copy_options::overwrite_existing);
  RunResult check = RunProgram(
      {GatewayBinary(), "--config", gw.config_path(), "--check", stem + ".db"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  // Named by the file alone: the directory is the writer's.
  std::ofstream(stem + ".check")
      << absl::StrReplaceAll(check.out, {{absl::StrCat(out, "/"), ""}});
}

}  // namespace
}  // namespace ctg::testing
