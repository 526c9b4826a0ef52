#include "store/postgres/pg_article7.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_backend.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using namespace ::ctg::store::postgres::testing;

// The sessions hand out the Caf's requests and the agreements, and both
// refuse every call, naming the backend, without writing anything.
TEST(PgArticle7Test, SessionsHandOutStoresThatRefuseEveryCall) {
  CTG_ASSERT_OK_AND_ASSIGN(auto backend,
                           PgBackend::Open(GatewayOptions(NewDatabase())));
  const auto not_yet =
      StatusIs(absl::StatusCode::kUnimplemented,
               HasSubstr("is not available on the PostgreSQL backend yet"));
  EXPECT_THAT(backend->Write([&](WriteSession& s) -> absl::Status {
    EXPECT_THAT(s.caf_requests().NextId(), not_yet);
    EXPECT_THAT(s.caf_requests().Insert(CafRequestRow{}), not_yet);
    EXPECT_THAT(s.caf_requests().AppendDownload("CREQ-000001", "d", 0),
                not_yet);
    EXPECT_THAT(s.agreements().Insert(AgreementRow{}), not_yet);
    EXPECT_THAT(
        s.agreements().InsertDecision("AGR-000001", AgreementDecisionRow{}),
        not_yet);
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(backend->Read([&](ReadSession& s) -> absl::Status {
    EXPECT_THAT(s.caf_requests().Get("CREQ-000001"), not_yet);
    // Nothing can be stored, so listings are empty (the R13 report works).
    auto requests = s.caf_requests().List(CafRequestFilter{}, 10);
    EXPECT_TRUE(requests.ok() && requests->empty());
    auto agreements = s.agreements().List(AgreementFilter{}, 10);
    EXPECT_TRUE(agreements.ok() && agreements->empty());
    EXPECT_THAT(s.agreements().FindRelease("X"), not_yet);
    return absl::OkStatus();
  }),
              IsOk());
}

}  // namespace
}  // namespace ctg::store::postgres
