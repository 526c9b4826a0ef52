#include "store/postgres/pg_conventions.h"

#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_database.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using namespace ::ctg::store::postgres::testing;

ConventionRow Convention(const std::string& id, const std::string& commune) {
  ConventionRow c;
  c.id = id;
  c.commune = commune;
  c.commune_name = "Lormont";
  c.perimeter = {commune, commune + "0101"};
  c.valid_from = "2024-01-01";
  c.valid_until = "2027-12-31";
  c.caf_name = "Caf de la Gironde";
  c.prior_agreements = {{"Accord 2019", "2019-03-01", "échanges annuels"},
                        {"Avenant", "2021-06-30", ""}};
  c.create_time_us = 42;
  return c;
}

TEST(PgConventionsTest, StoredAsOnSqlite) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  ASSERT_THAT(pg->Write([](PgTransaction& tx) -> absl::Status {
    for (const char* id : {"CTG-33069-2", "CTG-33069-1", "CTG-33162-1"}) {
      CTG_RETURN_IF_ERROR(
          PgInsertConvention(tx, Convention(id, std::string(id).substr(4, 5))));
    }
    CTG_RETURN_IF_ERROR(PgAppendConventionEvent(tx, "CTG-33069-1",
                                                {"created", "admin", 1, ""}));
    return PgAppendConventionEvent(tx, "CTG-33069-1",
                                   {"suspended", "admin", 2, "audit"});
  }),
              IsOk());
  EXPECT_THAT(pg->Write([](PgTransaction& tx) {
    return PgInsertConvention(tx, Convention("CTG-33069-1", "33069"));
  }),
              StatusIs(absl::StatusCode::kAborted));
  ConventionRow suspended = Convention("CTG-33069-1", "33069");
  suspended.suspended = true;
  suspended.suspension_reason = "audit";
  ASSERT_THAT(pg->Write([&](PgTransaction& tx) {
    return PgUpdateConventionState(tx, suspended);
  }),
              IsOk());
  EXPECT_THAT(pg->Write([&](PgTransaction& tx) {
    return PgUpdateConventionState(tx, Convention("CTG-00000-1", "00000"));
  }),
              StatusIs(absl::StatusCode::kNotFound));
  ASSERT_THAT(pg->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(ConventionRow got, PgGetConvention(s, "CTG-33069-1"));
    EXPECT_TRUE(got.suspended);
    EXPECT_EQ(got.suspension_reason, "audit");
    EXPECT_THAT(got.perimeter, ElementsAre("33069", "330690101"));
    EXPECT_EQ(got.prior_agreements.size(), 2u);
    EXPECT_EQ(got.prior_agreements[0].description, "échanges annuels");
    EXPECT_THAT(PgGetConvention(s, "nope").status(),
                StatusIs(absl::StatusCode::kNotFound));
    CTG_ASSIGN_OR_RETURN(auto page, PgListConventions(s, "33069", "", 1));
    EXPECT_EQ(page.size(), 1u);
    EXPECT_EQ(page[0].id, "CTG-33069-1");
    CTG_ASSIGN_OR_RETURN(page, PgListConventions(s, "", "CTG-33069-1", 10));
    if (page.size() != 2u) return absl::InternalError("page size");
    EXPECT_EQ(page[0].id, "CTG-33069-2");
    EXPECT_EQ(page[1].id, "CTG-33162-1");
    CTG_ASSIGN_OR_RETURN(int n, PgCountConventions(s, "33069"));
    EXPECT_EQ(n, 2);
    CTG_ASSIGN_OR_RETURN(auto history, PgConventionHistory(s, "CTG-33069-1"));
    if (history.size() != 2u) return absl::InternalError("history size");
    EXPECT_EQ(history[0].action, "created");
    EXPECT_EQ(history[1].reason, "audit");
    return absl::OkStatus();
  }),
              IsOk());
}

}  // namespace
}  // namespace ctg::store::postgres
