#include "store/postgres/pg_copy.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/hash.h"
#include "audit/merkle_tree.h"
#include "audit/note_key.h"
#include "audit/stored_trail.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_audit.h"
#include "store/postgres/pg_database.h"
#include "store/sqlite/database.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using namespace ::ctg::store::postgres::testing;

// A real gateway's database at schema 4 (tests/fixtures): 9 events, 2
// signed checkpoints, a request approved and downloaded once.
constexpr char kFixture[] =
    CTG_SOURCE_DIR "/tests/fixtures/gateway-schema-4.db";
constexpr char kFixtureKey[] =
    CTG_SOURCE_DIR "/tests/fixtures/gateway-schema-4.audit.pub";
constexpr char kFixtureRoot[] =
    "763836fea35331ec65d4db00818c271a3638076538080b24e104a4a8b851630b";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Brings a SQLite database to this gateway's schema, as its first opening
// by the gateway does (the copy takes only the current schema).
void UpgradeSqlite(const std::string& path) {
  auto db = sqlite::Database::Open({.path = path}, sqlite::GatewayMigrations());
  ASSERT_TRUE(db.ok()) << db.status();
}

// The fixture copied into a temporary directory (read-only opens of a WAL
// database still write its -shm file).
std::string FixtureCopy(const ctg::testing::TempDir& dir) {
  std::string path = dir.path() + "/ctg.db";
  std::filesystem::copy_file(kFixture, path);
  UpgradeSqlite(path);
  return path;
}

// The trail as the copy stored it, checked as the gateway checks a trail at
// start-up: every leaf, every checkpoint's root and signature.
struct TrailResult {
  uint64_t events = 0;
  uint64_t signatures = 0;
  std::string root_hex;
};
absl::StatusOr<TrailResult> CheckCopiedTrail(PgDatabase& db) {
  CTG_ASSIGN_OR_RETURN(
      audit::NoteVerifier key,
      audit::NoteVerifier::FromPublicKeyPem(ReadFile(kFixtureKey)));
  std::vector<audit::NoteVerifier> keys = {key};
  TrailResult result;
  CTG_RETURN_IF_ERROR(db.Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(std::vector<PgCheckpoint> stored, AllPgCheckpoints(s));
    std::vector<audit::StoredCheckpointNote> notes;
    for (const PgCheckpoint& c : stored) notes.push_back({c.tree_size, c.note});
    audit::StoredTrailChecker checker("postgres", notes, {.keys = keys});
    audit::MerkleTree tree;
    auto root = [&] { return tree.Root(); };
    CTG_RETURN_IF_ERROR(checker.CheckCheckpointsAt(0, root));
    CTG_RETURN_IF_ERROR(
        ScanPgTrail(s, [&](const AuditRow& row) -> absl::Status {
          audit::StoredColumns columns{.time_us = row.time_us,
                                       .caller = row.caller,
                                       .organisation = row.organisation,
                                       .method = row.method,
                                       .target_kind = row.target_kind,
                                       .target_id = row.target_id,
                                       .code = row.code};
          CTG_ASSIGN_OR_RETURN(audit::Hash leaf,
                               checker.CheckEvent(row.seq, row.canonical,
                                                  row.leaf_hash, &columns));
          tree.Append(leaf);
          return checker.CheckCheckpointsAt(tree.size(), root);
        }));
    CTG_RETURN_IF_ERROR(checker.Finish(tree.size()));
    // The root column PostgreSQL keeps per size is the tree's.
    for (const PgCheckpoint& c : stored) {
      CTG_ASSIGN_OR_RETURN(audit::Hash at, tree.RootAt(c.tree_size));
      EXPECT_EQ(c.root, std::string(at.begin(), at.end())) << c.tree_size;
    }
    result = {tree.size(), checker.signatures_verified(),
              audit::HashToHex(tree.Root())};
    return absl::OkStatus();
  }));
  return result;
}

TEST(PgCopyTest, CopiesARealGatewayDatabaseWithItsTrailIntact) {
  ctg::testing::TempDir dir;
  std::string source = FixtureCopy(dir);
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(CopyReport report,
                           CopySqliteToPg(source, GatewayOptions(db)));
  EXPECT_EQ(report.events, 9u);
  EXPECT_EQ(report.checkpoints, 2u);
  ASSERT_EQ(report.tables.size(), CopiedTables().size());
  for (const CopiedTable& t : report.tables) {
    if (t.name == "requests" || t.name == "releases") {
      EXPECT_EQ(t.rows, 1) << t.name;
    }
    if (t.name == "request_transitions") {
      EXPECT_EQ(t.rows, 3);
    }
  }
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  CTG_ASSERT_OK_AND_ASSIGN(TrailResult trail, CheckCopiedTrail(*pg));
  EXPECT_EQ(trail.events, 9u);
  EXPECT_EQ(trail.signatures, 2u);
  EXPECT_EQ(trail.root_hex, kFixtureRoot);
  // The trail continues where the copy ended.
  EXPECT_THAT(pg->Write([](PgTransaction& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(uint64_t next, tx.NextAuditSeq());
    EXPECT_EQ(next, 10u);
    return absl::OkStatus();
  }),
              IsOk());
  // The request's state arrived by its transitions; new transitions get
  // numbers after the copied ones.
  EXPECT_THAT(pg->Write([](PgTransaction& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(
        pqxx::result r,
        tx.Exec("SELECT r.state = (SELECT to_state FROM request_transitions "
                "ORDER BY seq DESC LIMIT 1), nextval(pg_get_serial_sequence("
                "'request_transitions', 'seq')) > (SELECT max(seq) FROM "
                "request_transitions) FROM requests r"));
    EXPECT_TRUE(r[0][0].as<bool>());
    EXPECT_TRUE(r[0][1].as<bool>());
    return absl::OkStatus();
  }),
              IsOk());
}

TEST(PgCopyTest, RefusesATargetThatHoldsDataWritingNothing) {
  ctg::testing::TempDir dir;
  std::string source = FixtureCopy(dir);
  std::string db = NewDatabase();
  ASSERT_THAT(CopySqliteToPg(source, GatewayOptions(db)), IsOk());
  EXPECT_THAT(CopySqliteToPg(source, GatewayOptions(db)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("already holds data (table conventions")));
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  CTG_ASSERT_OK_AND_ASSIGN(TrailResult trail, CheckCopiedTrail(*pg));
  EXPECT_EQ(trail.events, 9u);
}

TEST(PgCopyTest, RefusesASourceOfAnotherSchemaOrNone) {
  ctg::testing::TempDir dir;
  std::string source = FixtureCopy(dir);
  {
    CTG_ASSERT_OK_AND_ASSIGN(auto conn,
                             sqlite::Connection::Open(source, false));
    ASSERT_THAT(conn->Exec("PRAGMA user_version = 3"), IsOk());
  }
  std::string db = NewDatabase();
  EXPECT_THAT(CopySqliteToPg(source, GatewayOptions(db)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is at schema 3")));
  EXPECT_THAT(CopySqliteToPg(dir.path() + "/none.db", GatewayOptions(db)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("none.db")));
}

TEST(PgCopyTest, RefusesAnotherCafsTarget) {
  ctg::testing::TempDir dir;
  std::string source = FixtureCopy(dir);
  std::string db = NewDatabase();
  { CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db))); }
  PgOptions other = GatewayOptions(db);
  other.caf = "caf40.example/40";
  EXPECT_THAT(CopySqliteToPg(source, other),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("caf33.example/33")));
}

}  // namespace
}  // namespace ctg::store::postgres
