// Issue #3: the trail is exported with `ctg audit events`, verified offline
// with `ctg audit verify`, and tampering done directly in the SQLite file
// (triggers dropped) is reported at the first wrong sequence number.
#include <sqlite3.h>

#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "audit/canonical.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

// A raw connection that bypasses the append-only triggers, as an attacker
// with write access to the file would.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    Exec("DROP TRIGGER audit_events_append_only_update");
    Exec("DROP TRIGGER audit_events_append_only_delete");
  }
  ~RawDb() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }
  std::string Canonical(int seq) {
    sqlite3_stmt* stmt;
    sqlite3_prepare_v2(db_, "SELECT canonical FROM audit_events WHERE seq = ?",
                       -1, &stmt, nullptr);
    sqlite3_bind_int(stmt, 1, seq);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    std::string bytes(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                      sqlite3_column_bytes(stmt, 0));
    sqlite3_finalize(stmt);
    return bytes;
  }
  // Rewrites event `seq`'s caller everywhere an attacker without the
  // signing key can: canonical bytes, leaf hash and caller column.
  void EditAndRehash(int seq, const std::string& caller) {
    auto event = audit::DecodeCanonical(Canonical(seq));
    ASSERT_TRUE(event.ok()) << event.status();
    event->caller = caller;
    const std::string bytes = audit::EncodeCanonical(*event);
    SetCanonical(seq, bytes);
    const audit::Hash leaf = audit::LeafHash(bytes);
    sqlite3_stmt* stmt;
    sqlite3_prepare_v2(
        db_, "UPDATE audit_events SET leaf_hash = ?, caller = ? WHERE seq = ?",
        -1, &stmt, nullptr);
    sqlite3_bind_blob(stmt, 1, leaf.data(), static_cast<int>(leaf.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, caller.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(stmt, 3, seq);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }
  void SetCanonical(int seq, const std::string& bytes) {
    sqlite3_stmt* stmt;
    sqlite3_prepare_v2(db_,
                       "UPDATE audit_events SET canonical = ? WHERE seq = ?",
                       -1, &stmt, nullptr);
    sqlite3_bind_blob(stmt, 1, bytes.data(), static_cast<int>(bytes.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_int(stmt, 2, seq);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }

 private:
  sqlite3* db_ = nullptr;
};

class AuditTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gw = TestGateway::Start();
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = std::move(*gw);
    // Twelve events: some allowed, some refused.
    for (const char* client :
         {"admin", "requester-33069", "reviewer", "auditor", "admin",
          "operator-33069", "reviewer", "requester-33162", "admin", "auditor",
          "reviewer", "admin"}) {
      auto stub = ctg::v1::Catalogue::NewStub(gateway_->Channel(client));
      ctg::v1::ListIndicatorsResponse response;
      ASSERT_TRUE(stub->ListIndicators(Deadline().get(), {}, &response).ok());
    }
  }
  std::string Path(const std::string& name) const {
    return gateway_->dir() + "/" + name;
  }
  std::string GatewayStderr() const {
    std::ifstream err(gateway_->stderr_path());
    std::stringstream text;
    text << err.rdbuf();
    return text.str();
  }
  RunResult Check() const {
    return RunProgram(
        {GatewayBinary(), "--config", gateway_->config_path(), "--check"});
  }

  // Checkpoint then export, as the README tells auditors.
  void Export() {
    RunResult checkpoint = gateway_->Ctg("auditor", {"audit", "checkpoint"});
    ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
    std::ofstream(Path("checkpoint.txt")) << checkpoint.out;
    RunResult events =
        gateway_->Ctg("auditor", {"audit", "events", "--format", "jsonl"});
    ASSERT_EQ(events.exit_code, 0) << events.err;
    std::ofstream(Path("events.jsonl")) << events.out;
  }
  RunResult Verify(const std::string& key = "") {
    return RunProgram(
        {CtgBinary(), "audit", "verify", "--events", Path("events.jsonl"),
         "--key",
         key.empty() ? DevPki::Get().dir() + "/audit-signing.pub" : key,
         "--checkpoint", Path("checkpoint.txt")});
  }

  std::unique_ptr<TestGateway> gateway_;
};

TEST_F(AuditTamperTest, UntouchedTrailVerifies) {
  Export();
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("OK: 13 events"));
  // A backup taken online checks offline (README, Operations).
  std::string backup = Path("backup.db");
  RunResult copy = RunProgram(
      {"/usr/bin/sqlite3", gateway_->db_path(), ".backup " + backup});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  RunResult check = RunProgram({GatewayBinary(), "--config",
                                gateway_->config_path(), "--check", backup});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out,
              HasSubstr("intact: 14 events, 1 signed checkpoints verified"));
}

TEST_F(AuditTamperTest, EditedEventIsPinpointed) {
  {
    RawDb raw(gateway_->db_path());
    auto event = audit::DecodeCanonical(raw.Canonical(5));
    ASSERT_TRUE(event.ok());
    event->caller = "spiffe://ctg.caf33.fr/caf/33/admin/someone.else";
    raw.SetCanonical(5, audit::EncodeCanonical(*event));
  }
  Export();
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("FAILED at sequence 5"));
  // The gateway itself refuses to start on an altered trail.
  EXPECT_EQ(gateway_->Stop(), 0);
  EXPECT_FALSE(gateway_->Restart().ok());
  std::ifstream err(gateway_->stderr_path());
  std::stringstream text;
  text << err.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("event 5 was altered"));
  RunResult check = RunProgram(
      {GatewayBinary(), "--config", gateway_->config_path(), "--check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check.err, HasSubstr("event 5 was altered"));
}

TEST_F(AuditTamperTest, EventsCutAfterASignedCheckpointAreFoundOffline) {
  RunResult checkpoint = gateway_->Ctg("auditor", {"audit", "checkpoint"});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  EXPECT_EQ(gateway_->Stop(), 0);
  // The signed checkpoint covers the first 13 events (the 14th records the
  // call that asked for it); cut the trail to 12.
  RawDb(gateway_->db_path()).Exec("DELETE FROM audit_events WHERE seq >= 13");
  RunResult check = RunProgram(
      {GatewayBinary(), "--config", gateway_->config_path(), "--check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(
      check.err,
      HasSubstr("the signed checkpoint of size 13 does not match the events "
                "1..13 (only 12 events remain)"));
}

TEST_F(AuditTamperTest, DeletedEventIsPinpointed) {
  RawDb(gateway_->db_path()).Exec("DELETE FROM audit_events WHERE seq = 7");
  Export();
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("FAILED at sequence 7"));
}

TEST_F(AuditTamperTest, SwappedEventsArePinpointed) {
  {
    RawDb raw(gateway_->db_path());
    raw.Exec("UPDATE audit_events SET seq = -1 WHERE seq = 4");
    raw.Exec("UPDATE audit_events SET seq = 4 WHERE seq = 3");
    raw.Exec("UPDATE audit_events SET seq = 3 WHERE seq = -1");
  }
  Export();
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("FAILED at sequence 3"));
  // Leaf hashes still match their rows: the gateway refuses to start (it
  // would sign checkpoints contradicting those it signed), naming event 3,
  // and so does the offline check.
  EXPECT_EQ(gateway_->Stop(), 0);
  EXPECT_FALSE(gateway_->Restart().ok());
  EXPECT_THAT(GatewayStderr(),
              HasSubstr("event 3 was altered or moved: row 3 holds the "
                        "canonical bytes of event 4"));
  RunResult check = Check();
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check.err, HasSubstr("event 3 was altered or moved"));
}

TEST_F(AuditTamperTest, EditedAndRehashedEventIsNamedBetweenItsCheckpoints) {
  // Two checkpoints in a row: the second covers the first one's own event.
  RunResult first = gateway_->Ctg("auditor", {"audit", "checkpoint"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  RunResult second = gateway_->Ctg("auditor", {"audit", "checkpoint"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::vector<std::string> lines = absl::StrSplit(second.out, '\n');
  ASSERT_GT(lines.size(), 2u);
  int size = 0;
  ASSERT_TRUE(absl::SimpleAtoi(lines[1], &size)) << second.out;
  // The event of the first GetCheckpoint call (sequence `size`) is rewritten
  // with its leaf hash and columns: only the signed roots can tell.
  RawDb(gateway_->db_path())
      .EditAndRehash(size, "spiffe://ctg.caf33.fr/caf/33/auditor/someone.else");
  Export();
  RunResult r = Verify();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("FAILED at sequence ", size, ":")));
  EXPECT_EQ(gateway_->Stop(), 0);
  EXPECT_FALSE(gateway_->Restart().ok());
  const std::string named =
      absl::StrCat("event ", size, " was altered, its leaf hash rewritten");
  EXPECT_THAT(GatewayStderr(), HasSubstr(named));
  RunResult check = Check();
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check.err, HasSubstr(named));
}

TEST_F(AuditTamperTest,
       EditedAndRehashedEventAfterTheLastCheckpointIsFoundAtRestart) {
  EXPECT_EQ(gateway_->Stop(), 0);  // signs a checkpoint of the whole trail
  RawDb(gateway_->db_path())
      .EditAndRehash(5, "spiffe://ctg.caf33.fr/caf/33/admin/someone.else");
  EXPECT_FALSE(gateway_->Restart().ok());
  // No checkpoint before the shutdown one: the first bad event is known to
  // be at sequence 1 or later.
  EXPECT_THAT(GatewayStderr(),
              HasSubstr("was altered, inserted or removed, the leaf hashes "
                        "rewritten to match (the first bad event is at "
                        "sequence 1 or later)"));
  RunResult check = Check();
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check.err,
              HasSubstr("the first bad event is at sequence 1 or later"));
}

TEST_F(AuditTamperTest, WrongKeyAndCorruptExportAreRefusedClearly) {
  Export();
  RunResult wrong_key = Verify(DevPki::Get().dir() + "/server.pem");
  EXPECT_NE(wrong_key.exit_code, 0);
  EXPECT_THAT(wrong_key.err, HasSubstr("--key"));
  std::ofstream(Path("events.jsonl"), std::ios::app) << "{\"sequence\": oops\n";
  RunResult corrupt = Verify();
  EXPECT_EQ(corrupt.exit_code, 3);
  EXPECT_THAT(corrupt.out + corrupt.err, HasSubstr("line 14"));
}

}  // namespace
}  // namespace ctg::testing
