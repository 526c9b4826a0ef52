// The statistical base answers the same on PostgreSQL as on SQLite: the
// same rows written to both, every query compared.
#include "store/postgres/pg_statistics.h"

#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_database.h"
#include "store/sqlite/database.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/statistics_table.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store {
bool operator==(const TerritoryRow& a, const TerritoryRow& b) {
  return a.code == b.code && a.name == b.name && a.level == b.level &&
         a.commune == b.commune;
}
bool operator==(const PeriodRow& a, const PeriodRow& b) {
  return a.period == b.period && a.base_version == b.base_version &&
         a.digest == b.digest && a.rows == b.rows &&
         a.import_time_us == b.import_time_us && a.imported_by == b.imported_by;
}
}  // namespace ctg::store

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using namespace ::ctg::store::postgres::testing;
using namespace ::ctg::store::sqlite;

// Two periods; commune 33069 with two IRIS and a QPV of its own; commune
// 33063 whose QPV has a piece in 33069 (level 4 "<IRIS>+<QPV>").
const std::vector<TerritoryRow> kTerritories = {
    {"33069", "Lormont", 1, ""},
    {"330690101", "Carriet", 2, "33069"},
    {"330690102", "Génicart", 2, "33069"},
    {"QN03302M", "Génicart QPV", 3, "33069"},
    {"33063", "Bordeaux", 1, ""},
    {"QN03301Z", "Bastide QPV", 3, "33063"},
    {"330690102+QN03301Z", "piece", 4, "33069"},
};

class PgStatisticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CTG_ASSERT_OK_AND_ASSIGN(
        sqlite_,
        Database::Open({.path = dir_.path() + "/ctg.db"}, GatewayMigrations()));
    CTG_ASSERT_OK_AND_ASSIGN(pg_,
                             PgDatabase::Open(GatewayOptions(NewDatabase())));
    for (const char* period : {"2022", "2023"}) {
      PeriodRow p{period, std::string(period) + "@abc", "sha256:abc", 7, 5,
                  "admin"};
      ASSERT_THAT(sqlite_->Write([&](Transaction& tx) -> absl::Status {
        CTG_RETURN_IF_ERROR(ReplacePeriod(tx.conn(), p).status());
        for (const auto& t : kTerritories)
          CTG_RETURN_IF_ERROR(InsertTerritory(tx.conn(), period, t));
        CTG_RETURN_IF_ERROR(AppendSlice(tx.conn(), period, "33069", "a,1\n"));
        return AppendSlice(tx.conn(), period, "33069", "b,2\n");
      }),
                  IsOk());
      ASSERT_THAT(pg_->Write([&](PgTransaction& tx) -> absl::Status {
        CTG_RETURN_IF_ERROR(PgReplacePeriod(tx, p).status());
        for (const auto& t : kTerritories)
          CTG_RETURN_IF_ERROR(PgInsertTerritory(tx, period, t));
        CTG_RETURN_IF_ERROR(PgAppendSlice(tx, period, "33069", "a,1\n"));
        return PgAppendSlice(tx, period, "33069", "b,2\n");
      }),
                  IsOk());
    }
  }

  template <typename SqliteFn, typename PgFn>
  void ExpectSame(SqliteFn on_sqlite, PgFn on_pg) {
    decltype(on_sqlite(std::declval<Connection&>())) a =
        absl::InternalError("unset");
    decltype(on_pg(std::declval<PgSession&>())) b =
        absl::InternalError("unset");
    ASSERT_THAT(sqlite_->Read([&](Connection& c) {
      a = on_sqlite(c);
      return absl::OkStatus();
    }),
                IsOk());
    ASSERT_THAT(pg_->Read([&](PgReadSession& s) {
      b = on_pg(s);
      return absl::OkStatus();
    }),
                IsOk());
    ASSERT_EQ(a.status().code(), b.status().code())
        << a.status() << " / " << b.status();
    if (a.ok()) {
      EXPECT_TRUE(*a == *b);
    } else {
      EXPECT_EQ(a.status().message(), b.status().message());
    }
  }

  ctg::testing::TempDir dir_;
  std::unique_ptr<Database> sqlite_;
  std::unique_ptr<PgDatabase> pg_;
};

TEST_F(PgStatisticsTest, AnswersAsSqliteDoes) {
  ExpectSame([](Connection& c) { return ListPeriods(c); },
             [](PgSession& s) { return PgListPeriods(s); });
  ExpectSame([](Connection& c) { return GetPeriod(c, "2023"); },
             [](PgSession& s) { return PgGetPeriod(s, "2023"); });
  ExpectSame([](Connection& c) { return GetPeriod(c, "1999"); },
             [](PgSession& s) { return PgGetPeriod(s, "1999"); });
  ExpectSame([](Connection& c) { return CommuneSlice(c, "2023", "33069"); },
             [](PgSession& s) { return PgCommuneSlice(s, "2023", "33069"); });
  ExpectSame([](Connection& c) { return CommuneSlice(c, "2023", "33063"); },
             [](PgSession& s) { return PgCommuneSlice(s, "2023", "33063"); });
  for (const std::string commune : {"", "33069", "33063"}) {
    for (int level : {0, 2, 3}) {
      for (const std::string after : {"", "330690101", "Q"}) {
        for (int limit : {1, 100}) {
          SCOPED_TRACE(commune + "/" + std::to_string(level) + "/" + after);
          ExpectSame(
              [&](Connection& c) {
                return ListTerritories(c, commune, level, after, limit);
              },
              [&](PgSession& s) {
                return PgListTerritories(s, commune, level, after, limit);
              });
        }
      }
    }
    ExpectSame(
        [&](Connection& c) {
          return ListPeriodTerritories(c, "2022", commune);
        },
        [&](PgSession& s) {
          return PgListPeriodTerritories(s, "2022", commune);
        });
  }
  for (const std::string code : {"QN03301Z", "330690102+QN03301Z", "nope"}) {
    ExpectSame([&](Connection& c) { return GetTerritory(c, code); },
               [&](PgSession& s) { return PgGetTerritory(s, code); });
  }
  // A re-import replaces the period.
  PeriodRow again{"2023", "2023@def", "sha256:def", 1, 9, "admin"};
  absl::StatusOr<bool> existed = false;
  ASSERT_THAT(pg_->Write([&](PgTransaction& tx) {
    existed = PgReplacePeriod(tx, again);
    return existed.status();
  }),
              IsOk());
  EXPECT_TRUE(*existed);
  ASSERT_THAT(pg_->Read([](PgReadSession& s) -> absl::Status {
    EXPECT_THAT(PgCommuneSlice(s, "2023", "33069").status(),
                StatusIs(absl::StatusCode::kNotFound));
    return absl::OkStatus();
  }),
              IsOk());
}

}  // namespace
}  // namespace ctg::store::postgres
