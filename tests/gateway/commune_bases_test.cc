// CommuneBases: the base version and the commune's figures come from one
// snapshot, whatever is re-imported meanwhile.
#include "gateway/commune_bases.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "statbase/commune_slices.h"
#include "statbase/csv_import.h"
#include "store/sqlite/sqlite_backend.h"
#include "store/statistics_store.h"
#include "tests/statbase/fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::IsOk;
namespace fixture = ::ctg::statbase::testing;

// The fixture's base with the commune named `name` (another name, another
// digest, another base version).
statbase::Base MakeBase(const std::string& name) {
  std::vector<fixture::Row> rows = fixture::Rows();
  for (int i = 0; i < 8; ++i)
    rows[fixture::kCommune + i][statbase::csv::kTerritoryName] = name;
  auto base =
      statbase::ImportCsv(fixture::Render(rows), {.period = fixture::kPeriod});
  EXPECT_THAT(base, IsOk());
  return *std::move(base);
}

// Stores `base` as the statistics service does; returns its base version.
std::string Import(store::Backend& db, const statbase::Base& base) {
  std::string version =
      absl::StrCat(base.period(), "@", base.digest().substr(7, 16));
  EXPECT_THAT(db.Write([&](store::WriteSession& tx) -> absl::Status {
    store::PeriodRow period{.period = base.period(),
                            .base_version = version,
                            .digest = base.digest(),
                            .rows = base.row_count(),
                            .import_time_us = 1,
                            .imported_by = "test"};
    if (auto replaced = tx.statistics().ReplacePeriod(period); !replaced.ok()) {
      return replaced.status();
    }
    absl::Status sliced = absl::OkStatus();
    statbase::WriteCommuneSlices(
        base, [&](absl::string_view commune, absl::string_view rows) {
          if (sliced.ok()) {
            sliced = tx.statistics().AppendSlice(
                period.period, std::string(commune), std::string(rows));
          }
        });
    return sliced;
  }),
              IsOk());
  return version;
}

std::string CommuneName(const CommuneBase& base) {
  auto id = base.base->FindTerritory("33069");
  return id ? base.base->territory(*id).name : "";
}

TEST(CommuneBasesTest, ReimportDuringAReadCannotMixVersions) {
  ctg::testing::TempDir dir;
  auto db = store::sqlite::OpenBackend({.path = dir.path() + "/ctg.db"});
  ASSERT_THAT(db, IsOk());
  const std::string v1 = Import(**db, MakeBase("Le Bouscat"));
  CommuneBases bases(db->get(), 8);
  std::string v2;
  ASSERT_THAT((*db)->Read([&](store::ReadSession& session) -> absl::Status {
    // The caller's snapshot starts here (e.g. the request it checks)...
    auto period = session.statistics().GetPeriod(fixture::kPeriod);
    EXPECT_THAT(period, IsOk());
    // ...a re-import commits before the base is read...
    v2 = Import(**db, MakeBase("Le Bouscat (2)"));
    // ...and the base read is still the one of the snapshot: version and
    // figures agree.
    auto base = bases.Get(session, fixture::kPeriod, "33069");
    EXPECT_THAT(base, IsOk());
    if (base.ok()) {
      EXPECT_EQ(base->base_version, v1);
      EXPECT_EQ(CommuneName(*base), "Le Bouscat");
    }
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_NE(v1, v2);
  auto now = bases.Get(fixture::kPeriod, "33069");
  ASSERT_THAT(now, IsOk());
  EXPECT_EQ(now->base_version, v2);
  EXPECT_EQ(CommuneName(*now), "Le Bouscat (2)");
}

}  // namespace
}  // namespace ctg::gateway
