// `ctg-gateway backup DEST` on a serving gateway, a restore from the copy,
// the refusals (existing DEST, a trail that does not verify, a database of a
// newer schema), `--version`, and the systemd readiness notifications.
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/schema.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

void ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << sql << ": " << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// Replaces the (stopped) gateway's database with `copy`, as the README's
// restore procedure does.
void Restore(const TestGateway& gateway, const std::string& copy) {
  std::filesystem::remove(gateway.db_path() + "-wal");
  std::filesystem::remove(gateway.db_path() + "-shm");
  std::filesystem::copy_file(copy, gateway.db_path(),
                             std::filesystem::copy_options::overwrite_existing);
}

RunResult Backup(const TestGateway& gateway, const std::string& dest) {
  return RunProgram(
      {GatewayBinary(), "--config", gateway.config_path(), "backup", dest});
}

// The number of audit events, from the `--check` summary of `db`.
int64_t CheckedEvents(const TestGateway& gateway, const std::string& db) {
  RunResult check = RunProgram(
      {GatewayBinary(), "--config", gateway.config_path(), "--check", db});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("intact"));
  size_t at = check.out.find("intact: ");
  return at == std::string::npos ? -1 : std::stoll(check.out.substr(at + 8));
}

ctg::v1::Scope SmallScope() {
  ctg::v1::Scope scope;
  scope.add_indicators("allocataires");
  scope.add_territories("33069");
  scope.add_periods("2023");
  return scope;
}

TEST(BackupTest, OnlineCopyWhileServingRestoresIntact) {
  auto gateway = TestGateway::Start();
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  TestGateway& gw = **gateway;
  ASSERT_TRUE(LoadDemoData(gw, {"2023"}).ok());
  auto id = SubmitAndApprove(gw, SmallScope(), 2);
  ASSERT_TRUE(id.ok()) << id.status();
  RunResult extract = gw.Ctg(
      "requester-33069", {"extract", "get", *id, "-o", gw.dir() + "/e.csv"});
  ASSERT_EQ(extract.exit_code, 0) << extract.err;

  // Calls keep coming (each one is an audited write) while the copy is made.
  std::atomic<bool> stop = false;
  std::atomic<int> calls = 0;
  std::thread load([&] {
    while (!stop.load()) {
      if (gw.Ctg("admin", {"admin", "convention", "list"}).exit_code == 0)
        ++calls;
    }
  });
  while (calls.load() < 3)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::string copy = gw.dir() + "/backup.db";
  RunResult backup = Backup(gw, copy);
  int calls_at_backup = calls.load();
  while (calls.load() < calls_at_backup + 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  load.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_THAT(backup.out, StartsWith("backup " + copy + " (schema "));
  EXPECT_THAT(backup.out, HasSubstr("intact"));
  struct stat st;
  ASSERT_EQ(stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  int64_t in_copy = CheckedEvents(gw, copy);
  EXPECT_GT(in_copy, 0);
  ASSERT_EQ(gw.Stop(), 0);
  EXPECT_GT(CheckedEvents(gw, gw.db_path()), in_copy)
      << "later calls are not in the copy";

  Restore(gw, copy);
  ASSERT_TRUE(gw.Restart().ok());
  RunResult conventions = gw.Ctg("admin", {"admin", "convention", "list"});
  EXPECT_THAT(conventions.out, HasSubstr("CTG-33069-1"));
  RunResult request = gw.Ctg("requester-33069", {"request", "show", *id});
  EXPECT_EQ(request.exit_code, 0) << request.err;
  EXPECT_THAT(request.out, HasSubstr("APPROVED"));
  EXPECT_THAT(request.out, HasSubstr("downloads 1 of 2"));
  RunResult again = gw.Ctg("requester-33069",
                           {"extract", "get", *id, "-o", gw.dir() + "/f.csv"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(gw.Stop(), 0);
  // The restored trail goes on from the copy's events and still verifies.
  EXPECT_GT(CheckedEvents(gw, gw.db_path()), in_copy);
}

TEST(BackupTest, RefusesAnExistingDestinationAndTouchesNothing) {
  auto gateway = TestGateway::Start();
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  std::string dest = (*gateway)->dir() + "/taken.db";
  std::ofstream(dest) << "not a database";
  RunResult r = Backup(**gateway, dest);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "ctg-gateway: backup " + dest +
                       ": already exists (choose a new name)\n");
  std::ifstream in(dest);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "not a database");
}

TEST(BackupTest, ACopyWhoseTrailDoesNotVerifyIsNotKept) {
  auto gateway = TestGateway::Start();
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  TestGateway& gw = **gateway;
  ASSERT_EQ(gw.Ctg("admin", {"admin", "convention", "list"}).exit_code,
            0);  // audited
  ASSERT_EQ(gw.Stop(), 0);
  ExecSql(
      gw.db_path(),
      "DROP TRIGGER audit_events_append_only_update;"
      "UPDATE audit_events SET canonical = canonical || X'20' WHERE seq = 1;");
  std::string dest = gw.dir() + "/copy.db";
  RunResult r = Backup(gw, dest);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the copy does not verify: audit trail"));
  EXPECT_THAT(r.err, HasSubstr("event 1 was altered"));
  EXPECT_FALSE(std::filesystem::exists(dest));
  for (const auto& entry : std::filesystem::directory_iterator(gw.dir())) {
    EXPECT_THAT(entry.path().filename().string(),
                ::testing::Not(HasSubstr("partial")));
  }
}

TEST(BackupTest,
     VerifiesCheckpointsSignedBeforeAKeyRotationWithThePreviousKeys) {
  auto gateway = TestGateway::Start();
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  TestGateway& gw = **gateway;
  ASSERT_EQ(gw.Ctg("admin", {"admin", "convention", "list"}).exit_code, 0);
  ASSERT_EQ(gw.Stop(), 0);  // a checkpoint signed with the first key
  // Rotation as the README describes it: a new key, the gateway restarted.
  std::string new_key = gw.dir() + "/audit-2.key";
  ASSERT_EQ(RunProgram({"/usr/bin/openssl", "genpkey", "-algorithm", "ed25519",
                        "-out", new_key})
                .exit_code,
            0);
  std::ifstream in(gw.config_path());
  std::string config((std::istreambuf_iterator<char>(in)), {});
  std::string old_key = gw.pki_dir() + "/audit-signing.key";
  ASSERT_NE(config.find(old_key), std::string::npos);
  config.replace(config.find(old_key), old_key.size(), new_key);
  std::ofstream(gw.config_path()) << config;
  ASSERT_TRUE(gw.Restart().ok());
  ASSERT_EQ(gw.Ctg("admin", {"admin", "convention", "list"}).exit_code, 0);
  ASSERT_EQ(gw.Stop(), 0);  // a checkpoint signed with the new key

  RunResult refused = Backup(gw, gw.dir() + "/one.db");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("checkpoint of size 1"));
  std::ofstream(gw.config_path(), std::ios::app)
      << "[audit]\nprevious_keys = \"" << gw.pki_dir()
      << "/audit-signing.pub\"\n";
  RunResult backup = Backup(gw, gw.dir() + "/two.db");
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_THAT(backup.out, HasSubstr("2 events, 2 signed checkpoints verified"));
}

TEST(SchemaVersionTest, ADatabaseOfANewerSchemaIsRefusedNamingBothVersions) {
  auto gateway = TestGateway::Start();
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  TestGateway& gw = **gateway;
  ASSERT_EQ(gw.Stop(), 0);
  const int newer = store::sqlite::GatewaySchemaVersion() + 1;
  ExecSql(gw.db_path(), absl::StrCat("PRAGMA user_version = ", newer));
  RunResult r = RunProgram({GatewayBinary(), "--config", gw.config_path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, absl::StrCat("ctg-gateway: database ", gw.db_path(),
                                " has schema version ", newer,
                                ", newer than this gateway's ",
                                store::sqlite::GatewaySchemaVersion(),
                                ": use a newer gateway\n"));
  EXPECT_EQ(r.out, "");
}

TEST(VersionTest, BothBinariesReportTheBuildAndTheGatewayLogsIt) {
  RunResult gateway = RunProgram({GatewayBinary(), "--version"});
  RunResult cli = RunProgram({CtgBinary(), "--version"});
  ASSERT_EQ(gateway.exit_code, 0);
  ASSERT_EQ(cli.exit_code, 0);
  std::vector<std::string> words = absl::StrSplit(gateway.out, ' ');
  ASSERT_GE(words.size(), 2u);
  const std::string version = words[1];
  EXPECT_EQ(gateway.out,
            absl::StrCat("ctg-gateway ", version, " (database schema ",
                         store::sqlite::GatewaySchemaVersion(), ")\n"));
  EXPECT_EQ(cli.out, "ctg " + version + "\n");
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(version[0]))) << version;

  // The start-up line carries it too.
  TempDir dir;
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok());
  (*gw)->Stop();
  // The fixture reads stdout itself: start once more by hand to read it.
  Child child({GatewayBinary(), "--config", (*gw)->config_path()},
              dir.path() + "/err");
  std::string line;
  ASSERT_TRUE(child.ReadLine(&line, 30000));
  EXPECT_THAT(
      line, StartsWith("ctg-gateway " + version + ": listening on 127.0.0.1:"));
  EXPECT_EQ(child.Stop(SIGTERM), 0);
}

// A datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval timeout{.tv_sec = 20, .tv_usec = 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~NotifySocket() { close(fd_); }
  // The next message, or "" after 20 s.
  std::string Next() {
    char buffer[4096];
    ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, n) : "";
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST(SystemdNotifyTest,
     ReadyOnceListeningReloadingAroundSighupStoppingAtShutdown) {
  TempDir dir;
  NotifySocket socket(dir.path() + "/notify");
  auto gateway = TestGateway::Start();
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  (*gateway)->Stop();
  ::setenv("NOTIFY_SOCKET", (dir.path() + "/notify").c_str(), 1);
  Child child({GatewayBinary(), "--config", (*gateway)->config_path()},
              dir.path() + "/err");
  ::unsetenv("NOTIFY_SOCKET");
  std::string line;
  ASSERT_TRUE(child.ReadLine(&line, 30000));
  std::string ready = socket.Next();
  EXPECT_THAT(ready, StartsWith("READY=1\nSTATUS=listening on 127.0.0.1:"));
  kill(child.pid(), SIGHUP);
  EXPECT_EQ(socket.Next(), "RELOADING=1");
  EXPECT_EQ(socket.Next(), "READY=1");
  kill(child.pid(), SIGTERM);
  EXPECT_EQ(socket.Next(), "STOPPING=1");
  EXPECT_EQ(child.Wait(20000), 0);
}

}  // namespace
}  // namespace ctg::testing
