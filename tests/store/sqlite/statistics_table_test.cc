// store/statistics_table and the release ledger's per-period count: a QPV
// straddling two communes is listed for both (pieces are never listed), and
// releases count per period, not per prefix ("2023" is not "2023-06").
#include "store/sqlite/statistics_table.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/database.h"
#include "store/sqlite/releases_table.h"
#include "store/sqlite/schema.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store::sqlite {
namespace {

using ::ctg::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::Pair;

class StatisticsTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db =
        Database::Open({.path = dir_.path() + "/ctg.db"}, GatewayMigrations());
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
  }
  absl::Status Write(absl::FunctionRef<absl::Status(Connection&)> work) {
    return db_->Write([&](Transaction& tx) { return work(tx.conn()); });
  }
  // (code, commune) of ListTerritories(commune, level).
  std::vector<std::pair<std::string, std::string>> Listed(
      const std::string& commune, int level = 0) {
    std::vector<std::pair<std::string, std::string>> out;
    EXPECT_THAT(Write([&](Connection& conn) -> absl::Status {
                  auto rows = ListTerritories(conn, commune, level, "", 100);
                  if (!rows.ok()) return rows.status();
                  for (const TerritoryRow& r : *rows)
                    out.emplace_back(r.code, r.commune);
                  return absl::OkStatus();
                }),
                IsOk());
    return out;
  }

  ctg::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(StatisticsTableTest, AStraddlingQpvIsListedForEveryCommuneItTouches) {
  ASSERT_THAT(
      Write([](Connection& conn) -> absl::Status {
        auto replaced = ReplacePeriod(conn, {.period = "2023",
                                             .base_version = "2023@x",
                                             .digest = "sha256:x",
                                             .rows = 1,
                                             .import_time_us = 1,
                                             .imported_by = "admin"});
        if (!replaced.ok()) return replaced.status();
        const std::vector<TerritoryRow> rows = {
            {"33069", "Le Bouscat", 1, ""},
            {"330690102", "Hippodrome", 2, "33069"},
            {"330690102+QN03302M", "Hippodrome / Champ de courses", 4, "33069"},
            {"33162", "Eysines", 1, ""},
            {"331620101", "Centre-Bourg", 2, "33162"},
            {"331620101+QN03302M", "Centre-Bourg / Champ de courses", 4,
             "33162"},
            {"QN03302M", "Champ de courses", 3, "33069"}};
        for (const TerritoryRow& r : rows) {
          if (absl::Status s = InsertTerritory(conn, "2023", r); !s.ok())
            return s;
        }
        return absl::OkStatus();
      }),
      IsOk());
  EXPECT_THAT(Listed("33069"),
              ElementsAre(Pair("33069", ""), Pair("330690102", "33069"),
                          Pair("QN03302M", "33069")));
  EXPECT_THAT(Listed("33162"),
              ElementsAre(Pair("33162", ""), Pair("331620101", "33162"),
                          Pair("QN03302M", "33162")));
  EXPECT_THAT(Listed("33162", 3), ElementsAre(Pair("QN03302M", "33162")));
  EXPECT_THAT(Listed("", 4), ElementsAre());
  EXPECT_EQ(Listed("").size(), 5u);
  ASSERT_THAT(Write([](Connection& conn) -> absl::Status {
                auto qpv = GetTerritory(conn, "QN03302M");
                auto piece = GetTerritory(conn, "331620101+QN03302M");
                auto none = GetTerritory(conn, "QN03399Z");
                if (!qpv.ok() || !piece.ok() || !none.ok())
                  return absl::InternalError("read");
                EXPECT_TRUE(qpv->has_value());
                EXPECT_FALSE(piece->has_value());
                EXPECT_FALSE(none->has_value());
                return absl::OkStatus();
              }),
              IsOk());
}

TEST_F(StatisticsTableTest, ReleasesAreCountedPerPeriod) {
  int n = 0;
  auto release = [&](const std::string& commune, const std::string& versions) {
    LedgerRow row{.request_id = "REQ-000001",
                  .download = ++n,
                  .extract_id = "EXT",
                  .commune = commune,
                  .sha256 = "00",
                  .base_version = versions,
                  .time_us = 1,
                  .recipient = "r"};
    return Write([&](Connection& conn) { return InsertRelease(conn, row); });
  };
  ASSERT_THAT(release("33069", "2022@aa 2023@bb"), IsOk());
  ASSERT_THAT(release("33069", "2023@bb"), IsOk());
  ASSERT_THAT(release("33162", "2023-06@cc"), IsOk());
  auto count = [&](const std::string& period) {
    PeriodReleases out;
    EXPECT_THAT(Write([&](Connection& conn) -> absl::Status {
                  auto c = CountReleasesOfPeriod(conn, period);
                  if (!c.ok()) return c.status();
                  out = *c;
                  return absl::OkStatus();
                }),
                IsOk());
    return std::pair(out.releases, out.communes);
  };
  EXPECT_EQ(count("2023"), std::pair(int64_t{2}, int64_t{1}));
  EXPECT_EQ(count("2022"), std::pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(count("2023-06"), std::pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(count("2024"), std::pair(int64_t{0}, int64_t{0}));
}

}  // namespace
}  // namespace ctg::store::sqlite
