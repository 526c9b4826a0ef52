#include "store/postgres/pg_schema.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_database.h"
#include "store/sqlite/schema.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using namespace ::ctg::store::postgres::testing;

TEST(PgSchemaTest, SameMigrationNumbersAsSqlite) {
  ASSERT_EQ(PgMigrations().size(), sqlite::GatewayMigrations().size());
  for (size_t i = 0; i < PgMigrations().size(); ++i) {
    EXPECT_EQ(PgMigrations()[i].version,
              sqlite::GatewayMigrations()[i].version);
  }
  EXPECT_EQ(PgSchemaVersion(), sqlite::GatewaySchemaVersion());
}

// A database at the current schema with one row in each append-only table,
// written as the owner.
class AppendOnlyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = NewDatabase();
    CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db_)));
    ASSERT_THAT(Owner(R"sql(
      INSERT INTO audit_events VALUES (1, 0, '', '', 'm', '', '', '', '', 0, '\x01',
                                       decode(repeat('ab', 32), 'hex'));
      INSERT INTO audit_checkpoints VALUES (1, decode(repeat('ab', 32), 'hex'), 0, 'note');
      INSERT INTO conventions (id, commune, commune_name, perimeter, valid_from, valid_until,
                               caf_name, create_time_us)
        VALUES ('CONV-1', '33069', 'Lormont', '33069', '2024-01-01', '2027-12-31', 'Caf', 0);
      INSERT INTO convention_history (convention_id, action, actor, time_us, reason)
        VALUES ('CONV-1', 'create', 'a', 0, '');
      INSERT INTO releases VALUES ('REQ-000001', 1, 'X', '33069', 'd', 'v', 1, 0, 0, 0, 'r');
      INSERT INTO requests VALUES ('REQ-000001', 1, '33069', 'CONV-1', 'p', 'o', 'r', 12, 0, 0, 0);
      INSERT INTO request_transitions (request_id, from_state, to_state, actor, time_us, reason)
        VALUES ('REQ-000001', 0, 1, 'a', 0, '');
      INSERT INTO caf_requests VALUES ('CREQ-000001', 1, '33069', 'CONV-1', 'p', 'o', 'r', 12,
                                       'service', 0, 0, 0);
      INSERT INTO caf_request_transitions (request_id, from_state, to_state, actor, time_us,
                                           reason)
        VALUES ('CREQ-000001', 0, 1, 'a', 0, '');
      INSERT INTO caf_request_downloads VALUES ('CREQ-000001', 1, 'd', 0);
      INSERT INTO transfer_agreements VALUES ('AGR-000001', 1, 'X', 'REQ-000001', '33069',
                                              'CONV-1', 'd', 'third party', 'p', 'r', 0);
      INSERT INTO transfer_agreement_decisions VALUES ('AGR-000001', 2, '', 'rev', 0);
    )sql"),
                IsOk());
  }
  absl::Status Owner(const std::string& sql) {
    return ExecAs(WithDatabase(Cluster().owner_url, db_), sql);
  }
  absl::Status Gateway(const std::string& sql) {
    return ExecAs(WithDatabase(Cluster().gateway_url, db_), sql);
  }
  std::string db_;
};

constexpr const char* kAppendOnly[] = {
    "audit_events",          "audit_checkpoints",
    "convention_history",    "releases",
    "request_transitions",   "caf_request_transitions",
    "caf_request_downloads", "transfer_agreement_decisions"};

TEST_F(AppendOnlyTest, GatewayRoleHoldsNoUpdateOrDeleteRight) {
  for (const char* table : kAppendOnly) {
    EXPECT_THAT(
        Gateway(std::string("UPDATE ") + table + " SET time_us = 1"),
        StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr(table)));
    EXPECT_THAT(
        Gateway(std::string("DELETE FROM ") + table),
        StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr(table)));
  }
  EXPECT_THAT(Gateway("TRUNCATE audit_events"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Gateway("UPDATE audit_sequencer SET next_seq = 1"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Gateway("DROP TRIGGER audit_events_append_only ON audit_events"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // What it needs stays allowed.
  EXPECT_THAT(Gateway("UPDATE conventions SET suspended = 1"), IsOk());
  EXPECT_THAT(Gateway("INSERT INTO releases VALUES ('REQ-000001', 2, 'X', "
                      "'33069', 'd', 'v', "
                      "1, 0, 0, 0, 'r')"),
              IsOk());
}

TEST_F(AppendOnlyTest, TriggersRefuseEvenTheOwner) {
  for (const char* table : kAppendOnly) {
    EXPECT_THAT(Owner(std::string("UPDATE ") + table + " SET time_us = 1"),
                StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")))
        << table;
    EXPECT_THAT(Owner(std::string("DELETE FROM ") + table),
                StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")))
        << table;
  }
  EXPECT_THAT(Owner("TRUNCATE audit_events"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));
  EXPECT_THAT(
      Owner("UPDATE requests SET purpose = 'other'"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable (R2)")));
  EXPECT_THAT(
      Owner("UPDATE requests SET state = 5"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("recorded transition")));
}

TEST_F(AppendOnlyTest, CafRequestsAndAgreementsKeepTheirDeclaration) {
  EXPECT_THAT(
      Owner("UPDATE caf_requests SET purpose = 'other'"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable (R2)")));
  EXPECT_THAT(
      Owner("UPDATE caf_requests SET state = 5"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("recorded transition")));
  EXPECT_THAT(
      Owner("UPDATE transfer_agreements SET recipient = 'other'"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable (R3)")));
  EXPECT_THAT(Gateway("DELETE FROM transfer_agreements"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(
      Gateway(
          "INSERT INTO caf_request_transitions (request_id, from_state, "
          "to_state, "
          "actor, time_us, reason) VALUES ('CREQ-000001', 0, 2, 'a', 5, '')"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("current state")));
}

TEST_F(AppendOnlyTest, TransitionsChainAndApplyAsInSqlite) {
  EXPECT_THAT(
      Gateway("INSERT INTO request_transitions (request_id, from_state, "
              "to_state, actor, "
              "time_us, reason) VALUES ('REQ-000001', 0, 2, 'a', 5, '')"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("current state")));
  ASSERT_THAT(
      Gateway("INSERT INTO request_transitions (request_id, from_state, "
              "to_state, actor, "
              "time_us, reason) VALUES ('REQ-000001', 1, 2, 'a', 7, '')"),
      IsOk());
  EXPECT_THAT(Owner("DO $$ BEGIN IF (SELECT state FROM requests) <> 2 OR "
                    "(SELECT update_time_us FROM requests) <> 7 THEN "
                    "RAISE EXCEPTION 'not applied'; END IF; END $$"),
              IsOk());
}

TEST_F(AppendOnlyTest, AuditEventsAreDenseWhoeverInserts) {
  auto insert = [&](int seq) {
    return Gateway("INSERT INTO audit_events VALUES (" + std::to_string(seq) +
                   ", 0, '', '', 'm', '', '', '', '', 0, '\\x01', "
                   "decode(repeat('ab', 32), 'hex'))");
  };
  EXPECT_THAT(insert(3),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("without gaps")));
  EXPECT_THAT(insert(1), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(insert(2), IsOk());
  // Several rows in one statement: checked as one run of numbers.
  auto insert_many = [&](std::vector<int> seqs) {
    std::string sql = "INSERT INTO audit_events VALUES ";
    for (size_t i = 0; i < seqs.size(); ++i) {
      sql += (i == 0 ? "(" : ", (") + std::to_string(seqs[i]) +
             ", 0, '', '', 'm', '', '', '', '', 0, '\\x01', "
             "decode(repeat('ab', 32), 'hex'))";
    }
    return Gateway(sql);
  };
  EXPECT_THAT(insert_many({3, 5}),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("without gaps")));
  EXPECT_THAT(insert_many({4, 5}),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("without gaps")));
  EXPECT_THAT(insert_many({3, 3}), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(insert_many({5, 4, 3}), IsOk());
  EXPECT_THAT(insert(6), IsOk());
  EXPECT_THAT(insert(6), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(
      Gateway("INSERT INTO audit_checkpoints VALUES (7, decode(repeat('ab', "
              "32), 'hex'), "
              "0, 'n')"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("not in the trail")));
}

// A database at schema 7 holding events (numbered by the old per-row
// trigger) is upgraded in place: the numbering goes on where it stopped and
// is still checked.
TEST(PgSchemaUpgradeTest, ATrailNumberedPerRowGoesOnAfterMigration8) {
  const std::string db = NewDatabase();
  std::string sql =
      "CREATE TABLE ctg_schema (singleton boolean PRIMARY KEY DEFAULT true "
      "CHECK (singleton), version integer NOT NULL);"
      "INSERT INTO ctg_schema VALUES (true, 7);";
  for (const PgMigration& m : PgMigrations()) {
    if (m.version <= 7) sql += m.sql;
  }
  for (const std::string& grant : PgGatewayGrants("ctg_gateway"))
    sql += grant + ";";
  for (int seq = 1; seq <= 3; ++seq) {
    sql += "INSERT INTO audit_events VALUES (" + std::to_string(seq) +
           ", 0, '', '', 'm', '', '', '', '', 0, '\\x01', "
           "decode(repeat('ab', 32), 'hex'));";
  }
  ASSERT_THAT(ExecAs(WithDatabase(Cluster().owner_url, db), sql), IsOk());
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  absl::StatusOr<uint64_t> next = 0;
  ASSERT_THAT(pg->Write([&](PgTransaction& tx) {
    next = tx.NextAuditSeq();
    return next.status();
  }),
              IsOk());
  EXPECT_EQ(*next, 4u);
  auto insert = [&](int seq) {
    return ExecAs(WithDatabase(Cluster().gateway_url, db),
                  "INSERT INTO audit_events VALUES (" + std::to_string(seq) +
                      ", 0, '', '', 'm', '', '', '', '', 0, '\\x01', "
                      "decode(repeat('ab', 32), 'hex'))");
  };
  EXPECT_THAT(insert(5),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("without gaps")));
  EXPECT_THAT(insert(4), IsOk());
  EXPECT_THAT(ExecAs(WithDatabase(Cluster().owner_url, db),
                     "DO $$ BEGIN IF (SELECT version FROM ctg_schema) <> 8 OR "
                     "(SELECT next_seq FROM audit_sequencer) <> 5 THEN RAISE "
                     "EXCEPTION 'not upgraded'; END IF; END $$"),
              IsOk());
}

}  // namespace
}  // namespace ctg::store::postgres
