// report/evaluation_report_proto.h: a request's record from its message, as
// the web console and the CLI both read it.
#include "report/evaluation_report_proto.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::report {
namespace {

using ::ctg::testing::StatusIs;

ctg::v1::Transition* AddTransition(ctg::v1::DataRequest& r,
                                   ctg::v1::RequestState to, int64_t seconds) {
  ctg::v1::Transition* t = r.add_history();
  t->set_to_state(to);
  t->mutable_time()->set_seconds(seconds);
  return t;
}

TEST(RequestRecordOfTest, TheDecisionIsTheLastApprovalRejectionOrWithdrawal) {
  ctg::v1::DataRequest r;
  r.set_id("REQ-000001");
  r.set_convention_id("CTG-33069");
  r.set_objective("youth");
  r.set_state(ctg::v1::REVOKED);
  r.mutable_create_time()->set_seconds(100);
  AddTransition(r, ctg::v1::UNDER_STUDY, 200);
  AddTransition(r, ctg::v1::APPROVED, 300);
  AddTransition(r, ctg::v1::REVOKED, 400);  // not a decision of the étude
  r.mutable_approval()->add_release_times()->set_seconds(350);

  absl::StatusOr<policy::RequestRecord> record = RecordOf(r);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->convention_id, "CTG-33069");
  EXPECT_EQ(record->objective, "youth");
  EXPECT_EQ(record->state, policy::RequestState::kRevoked);
  EXPECT_EQ(record->create_time, absl::FromUnixSeconds(100));
  EXPECT_EQ(record->decision_time, absl::FromUnixSeconds(300));
  EXPECT_THAT(record->release_times,
              ::testing::ElementsAre(absl::FromUnixSeconds(350)));
}

TEST(RequestRecordOfTest, AStateThatIsNoneIsRefused) {
  ctg::v1::DataRequest r;
  r.set_id("REQ-000002");
  EXPECT_THAT(
      RecordOf(r).status(),
      StatusIs(absl::StatusCode::kInternal, "request REQ-000002 has no state"));
}

}  // namespace
}  // namespace ctg::report
