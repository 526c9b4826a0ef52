// The web console's R13 report (gateway/web/evaluation_report_json.h): the
// commune's requests, the Caf's requests to communes and the onward-transfer
// agreements each counted where `ctg review report` counts them.
#include "gateway/web/evaluation_report_json.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::gateway::web {
namespace {

using ::testing::HasSubstr;

google::protobuf::Timestamp At(int day_of_june) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(absl::FromCivil(
      absl::CivilDay(2026, 6, day_of_june), absl::UTCTimeZone())));
  return t;
}

template <typename Request>
void Decided(Request& r, ctg::v1::RequestState to, int day) {
  r.set_state(to);
  ctg::v1::Transition* t = r.add_history();
  t->set_from_state(ctg::v1::UNDER_STUDY);
  t->set_to_state(to);
  *t->mutable_time() = At(day);
}

ReportInputs Inputs() {
  ReportInputs in;
  ctg::v1::DataRequest approved;
  approved.set_id("REQ-000001");
  approved.set_convention_id("CTG-33069-1");
  approved.set_objective("Axe I.2");
  *approved.mutable_create_time() = At(1);
  Decided(approved, ctg::v1::APPROVED, 3);
  *approved.mutable_approval()->add_release_times() = At(4);
  in.requests.push_back(approved);

  ctg::v1::CafRequest caf_approved;
  caf_approved.set_id("CREQ-000001");
  caf_approved.set_convention_id("CTG-33069-1");
  caf_approved.set_objective("Axe II.1");
  *caf_approved.mutable_create_time() = At(2);
  Decided(caf_approved, ctg::v1::APPROVED, 6);
  *caf_approved.mutable_approval()->add_release_times() = At(7);
  in.caf_requests.push_back(caf_approved);
  ctg::v1::CafRequest caf_rejected = caf_approved;
  caf_rejected.set_id("CREQ-000002");
  caf_rejected.clear_history();
  caf_rejected.clear_approval();
  Decided(caf_rejected, ctg::v1::REJECTED, 4);
  in.caf_requests.push_back(caf_rejected);

  ctg::v1::TransferAgreement yes, no, pending;
  *yes.mutable_create_time() = At(5);
  *yes.mutable_decide_time() = At(6);
  yes.set_state(ctg::v1::AGREEMENT_APPROVED);
  *no.mutable_create_time() = At(5);
  *no.mutable_decide_time() = At(8);
  no.set_state(ctg::v1::AGREEMENT_REJECTED);
  *pending.mutable_create_time() = At(9);
  pending.set_state(ctg::v1::AGREEMENT_REQUESTED);
  in.agreements = {yes, no, pending};
  return in;
}

TEST(EvaluationReportJsonTest, CountsBothDirectionsAndTheAgreements) {
  absl::StatusOr<std::string> json =
      EvaluationReportJson(Inputs(), absl::CivilDay(2026, 6, 1),
                           absl::CivilDay(2026, 6, 30), absl::UTCTimeZone());
  ASSERT_TRUE(json.ok()) << json.status();
  // The commune's requests alone in the conventions' total.
  EXPECT_THAT(*json, HasSubstr("\"total\":{\"filed\":1,\"approved\":1,"));
  EXPECT_THAT(*json, HasSubstr("\"caf_requests\":{\"filed\":2,\"approved\":1,"
                               "\"rejected\":1,\"withdrawn\":0,\"pending\":0,"
                               "\"median_days_to_decision\":3.000,"
                               "\"releases\":1}"));
  EXPECT_THAT(*json, HasSubstr("\"agreements\":{\"filed\":3,\"approved\":1,"
                               "\"rejected\":1,\"median_days_to_decision\":"
                               "2.000}"));
  EXPECT_THAT(*json, HasSubstr("\"not_visible\":[]"));
}

TEST(EvaluationReportJsonTest, ListsWhatTheRoleMayNotRead) {
  ReportInputs in;
  in.not_visible = {"caf_requests"};
  absl::StatusOr<std::string> json =
      EvaluationReportJson(in, absl::CivilDay(2026, 6, 1),
                           absl::CivilDay(2026, 6, 30), absl::UTCTimeZone());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"not_visible\":[\"caf_requests\"]"));
}

}  // namespace
}  // namespace ctg::gateway::web
