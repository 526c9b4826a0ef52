#include "store/postgres/pg_options.h"

#include <pqxx/except>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_status.h"
#include "store/write_outcome.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(PgOptionsTest, AcceptsPostgresUrls) {
  EXPECT_TRUE(
      CheckPgUrl(
          "postgresql://ctg:pw@db.caf33.example:5432/ctg?sslmode=verify-full",
          "database.url")
          .ok());
  EXPECT_TRUE(CheckPgUrl("postgres://db/ctg", "database.url").ok());
  EXPECT_TRUE(
      CheckPgUrl("postgresql://ctg@%2Frun%2Fpostgresql/ctg", "database.url")
          .ok());
}

TEST(PgOptionsTest, RefusesWhatIsNotAPostgresUrlNamingTheKey) {
  EXPECT_THAT(
      CheckPgUrl("ctg.db", "database.url"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("database.url"), HasSubstr("postgresql://"))));
  EXPECT_THAT(CheckPgUrl("postgresql://db:5432", "database.url"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("names no database")));
  EXPECT_THAT(CheckPgUrl("postgresql://db/?sslmode=require", "database.url"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("names no database")));
  EXPECT_THAT(
      CheckPgUrl("postgresql://db/c tg", "database.migrate_url"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("database.migrate_url"), HasSubstr("space"))));
  EXPECT_THAT(CheckPgUrl("", "database.url"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("database.url is empty")));
}

TEST(PgOptionsTest, NeverEchoesThePassword) {
  EXPECT_EQ(RedactPgUrl("postgresql://ctg:s3cret@db:5432/ctg"),
            "postgresql://ctg:****@db:5432/ctg");
  EXPECT_EQ(RedactPgUrl("postgresql://ctg@db/ctg"), "postgresql://ctg@db/ctg");
  EXPECT_EQ(RedactPgUrl("postgres://u:p@w@db/x"), "postgres://u:****@db/x");
  EXPECT_THAT(
      CheckPgUrl("postgresql://ctg:s3cret@db:5432", "database.url"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("ctg:****@db"), Not(HasSubstr("s3cret")))));
}

TEST(PgOptionsTest, ConnectionStringAddsTimeoutAndNameUnlessGiven) {
  PgOptions o;
  o.connect_timeout = absl::Seconds(3);
  EXPECT_EQ(
      PgConnectionString("postgresql://db/ctg", o),
      "postgresql://db/ctg?connect_timeout=3&application_name=ctg-gateway");
  EXPECT_EQ(
      PgConnectionString(
          "postgresql://db/ctg?sslmode=require&connect_timeout=9", o),
      "postgresql://db/"
      "ctg?sslmode=require&connect_timeout=9&application_name=ctg-gateway");
}

TEST(PgOptionsTest, ChecksEveryOptionNamingIt) {
  PgOptions o;
  o.url = "postgresql://db/ctg";
  EXPECT_TRUE(CheckPgOptions(o).ok());
  o.pool_size = 0;
  EXPECT_THAT(CheckPgOptions(o), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("database.pool_size")));
  o.pool_size = 4;
  o.statement_timeout = absl::ZeroDuration();
  EXPECT_THAT(CheckPgOptions(o),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("database.statement_timeout_ms")));
  o.statement_timeout = absl::Seconds(1);
  o.group_wait = absl::Microseconds(-1);
  EXPECT_THAT(CheckPgOptions(o), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("database.group_wait_us")));
  o.group_wait = absl::Microseconds(100001);
  EXPECT_THAT(CheckPgOptions(o), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("database.group_wait_us")));
  o.group_wait = absl::ZeroDuration();
  EXPECT_TRUE(CheckPgOptions(o).ok());
  o.migrate_url = "mysql://db/ctg";
  EXPECT_THAT(CheckPgOptions(o), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("database.migrate_url")));
}

TEST(PgStatusTest, MapsSqlStatesLikeTheSqliteBackend) {
  EXPECT_THAT(StatusFromSqlState("P0001", "insert",
                                 "ERROR:  audit events are append-only"),
              StatusIs(absl::StatusCode::kAborted,
                       "insert: audit events are append-only"));
  EXPECT_THAT(StatusFromSqlState("23505", "insert", "duplicate key"),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(StatusFromSqlState("40001", "x", "could not serialize"),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(
      StatusFromSqlState("42501", "x", "permission denied for table releases"),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(StatusFromSqlState(
                  "57014", "x", "canceling statement due to statement timeout"),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(StatusFromSqlState("53100", "x", "could not extend file"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  absl::Status lost =
      StatusFromSqlState("57P01", "x", "terminating connection");
  EXPECT_THAT(lost, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(IsConnectionLost(lost));
  EXPECT_FALSE(IsConnectionLost(StatusFromSqlState("23505", "x", "dup")));
}

// Only a commit whose answer was lost is an unknown outcome: libpqxx's
// in_doubt_error, or a connection lost during the COMMIT's round trip
// (CommitOutcomeUnknown); a session lost or refused elsewhere is not.
TEST(PgStatusTest, OnlyALostCommitHasAnUnknownOutcome) {
  absl::Status in_doubt = PgCall("COMMIT", [] {
    throw pqxx::in_doubt_error("server closed the connection");
  });
  EXPECT_THAT(in_doubt, StatusIs(absl::StatusCode::kUnavailable,
                                 HasSubstr("whether it committed is unknown")));
  EXPECT_TRUE(store::IsOutcomeUnknown(in_doubt));
  EXPECT_TRUE(IsConnectionLost(in_doubt));

  const absl::Status shut_down = StatusFromSqlState(
      "57P01", "COMMIT",
      "FATAL:  terminating connection due to administrator command");
  EXPECT_FALSE(store::IsOutcomeUnknown(shut_down));
  const absl::Status unknown = CommitOutcomeUnknown(shut_down);
  EXPECT_THAT(unknown,
              StatusIs(absl::StatusCode::kUnavailable,
                       "COMMIT: the connection was lost during COMMIT, whether "
                       "it committed is unknown: terminating connection due to "
                       "administrator command"));
  EXPECT_TRUE(store::IsOutcomeUnknown(unknown));
  EXPECT_TRUE(IsConnectionLost(unknown));
  EXPECT_EQ(CommitOutcomeUnknown(unknown), unknown);  // said once

  EXPECT_FALSE(store::IsOutcomeUnknown(PgCall(
      "INSERT", [] { throw pqxx::broken_connection("server closed"); })));
  EXPECT_FALSE(store::IsOutcomeUnknown(
      StatusFromSqlState("40001", "COMMIT", "could not serialize access")));
}

}  // namespace
}  // namespace ctg::store::postgres
