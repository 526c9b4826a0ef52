// store/postgres/pg_requests through the backend's sessions: the commune's
// requests list as on SQLite (tests/store/sqlite/requests_table_test):
// newest first by default, oldest first on demand (a reviewer's queue),
// each order paged by number, with the commune and state filters.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_requests.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::testing::ElementsAre;
using namespace ::ctg::store::postgres::testing;

constexpr char kAlice[] = "spiffe://ctg.caf33.fr/commune/33069/requester/alice";
constexpr int kSubmitted = 1;
constexpr int kUnderStudy = 2;

ConventionRow Convention(const std::string& commune) {
  ConventionRow c;
  c.id = absl::StrCat("CTG-", commune, "-1");
  c.commune = commune;
  c.commune_name = "Commune " + commune;
  c.perimeter = {commune};
  c.valid_from = "2020-01-01";
  c.valid_until = "2027-12-31";
  c.caf_name = "Caf de la Gironde";
  return c;
}

class PgRequestsOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = NewDatabase();
    auto backend = PgBackend::Open(GatewayOptions(db_));
    ASSERT_THAT(backend, IsOk());
    backend_ = *std::move(backend);
    ASSERT_THAT(backend_->Write([](WriteSession& s) -> absl::Status {
      CTG_RETURN_IF_ERROR(s.conventions().Insert(Convention("33069")));
      return s.conventions().Insert(Convention("33162"));
    }),
                IsOk());
  }

  // Files a request as the service does: declaration, version 1 and the
  // submission transition in one write.
  std::string File(const std::string& commune) {
    std::string id;
    EXPECT_THAT(backend_->Write([&](WriteSession& s) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(id, s.requests().NextId());
      RequestRow row;
      row.id = id;
      row.commune = commune;
      row.convention_id = absl::StrCat("CTG-", commune, "-1");
      row.purpose = "Diagnostic social de territoire";
      row.objective = "Axe I.2 veille sociale territoriale";
      row.requester = kAlice;
      row.retention_months = 12;
      row.recipients = {{1, "Direction de la cohésion sociale", ""}};
      row.create_time_us = 1000;
      CTG_RETURN_IF_ERROR(s.requests().Insert(row));
      VersionRow v;
      v.scope = {{"allocataires"}, {commune}, {"2023"}, {}};
      v.author = kAlice;
      v.time_us = 1000;
      CTG_RETURN_IF_ERROR(s.requests().AppendVersion(id, v).status());
      return s.requests().AppendTransition(
          id, {0, kSubmitted, kAlice, 1000, "submitted"});
    }),
                IsOk());
    return id;
  }

  std::vector<std::string> List(const RequestFilter& filter, int limit) {
    std::vector<std::string> ids;
    EXPECT_THAT(backend_->Read([&](ReadSession& s) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(std::vector<StoredRequest> rows,
                           s.requests().List(filter, limit));
      for (const StoredRequest& r : rows) {
        EXPECT_EQ(r.versions.size(), 1u);  // with their history
        ids.push_back(r.request.id);
      }
      return absl::OkStatus();
    }),
                IsOk());
    return ids;
  }

  std::string db_;
  std::unique_ptr<PgBackend> backend_;
};

TEST_F(PgRequestsOrderTest, ListsInEitherOrderWithFiltersAndPaging) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(File(i % 2 == 0 ? "33069" : "33162"), RequestIdOf(i + 1));
  }
  ASSERT_THAT(backend_->Write([](WriteSession& s) {
    return s.requests().AppendTransition(
        "REQ-000003", {kSubmitted, kUnderStudy, kAlice, 9, ""});
  }),
              IsOk());
  // Newest first (the default), paged below the last number seen.
  EXPECT_THAT(List({}, 10),
              ElementsAre("REQ-000005", "REQ-000004", "REQ-000003",
                          "REQ-000002", "REQ-000001"));
  EXPECT_THAT(List({.before_number = 4}, 2),
              ElementsAre("REQ-000003", "REQ-000002"));
  // Oldest first, paged above the last number seen.
  EXPECT_THAT(List({.oldest_first = true}, 10),
              ElementsAre("REQ-000001", "REQ-000002", "REQ-000003",
                          "REQ-000004", "REQ-000005"));
  EXPECT_THAT(List({.oldest_first = true}, 2),
              ElementsAre("REQ-000001", "REQ-000002"));
  EXPECT_THAT(List({.after_number = 2, .oldest_first = true}, 2),
              ElementsAre("REQ-000003", "REQ-000004"));
  EXPECT_THAT(List({.after_number = 4, .oldest_first = true}, 2),
              ElementsAre("REQ-000005"));
  EXPECT_THAT(
      List({.commune = "33069", .after_number = 1, .oldest_first = true}, 10),
      ElementsAre("REQ-000003", "REQ-000005"));
  EXPECT_THAT(
      List({.commune = "33069", .states = {kSubmitted}, .oldest_first = true},
           10),
      ElementsAre("REQ-000001", "REQ-000005"));
  EXPECT_THAT(List({.states = {kUnderStudy}, .oldest_first = true}, 10),
              ElementsAre("REQ-000003"));
}

}  // namespace
}  // namespace ctg::store::postgres
