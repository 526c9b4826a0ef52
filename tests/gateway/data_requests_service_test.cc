// The data-requests service against an in-memory store (tests/testing/
// fake_store.h): no TLS, no SQLite. The main transitions of the étude
// (R1): filed, studied, approved; withdrawn; a refused decision writes
// nothing but its audit event.
#include "gateway/services/data_requests_service.h"

#include <grpcpp/server_context.h>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/audit_log.h"
#include "gateway/commune_bases.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "gateway/services/conventions_service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/gateway/service_test_util.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/status_matchers.h"

namespace ctg::gateway {
namespace {

using ::ctg::gateway::testing::FakeSign;
using ::ctg::gateway::testing::FixedCaller;
using ::ctg::gateway::testing::kAdmin;
using ::ctg::gateway::testing::kRequester;
using ::ctg::gateway::testing::kReviewer;
using ::ctg::gateway::testing::MakeDispatcher;
using ::ctg::gateway::testing::WritePessacBase;
using ::ctg::testing::FakeBackend;
using ::ctg::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSubmit[] = "/ctg.v1.DataRequests/SubmitRequest";
constexpr char kStart[] = "/ctg.v1.DataRequests/StartStudy";
constexpr char kDecide[] = "/ctg.v1.DataRequests/DecideRequest";

class DataRequestsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(WritePessacBase(store_), IsOk());
    auto log = AuditLog::Open(&store_, FakeSign);
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
    dispatcher_ = MakeDispatcher(store_, *log_, callers_);
    service_ = std::make_unique<DataRequestsService>(dispatcher_.get(), &store_,
                                                     &config_, &bases_);
    // The commune's convention, created by the Caf's administrator.
    ConventionsService conventions(dispatcher_.get(), &store_, &config_);
    ctg::v1::CreateConventionRequest create;
    ctg::v1::Convention& c = *create.mutable_convention();
    c.set_commune("33069");
    c.set_commune_name("Pessac");
    c.add_perimeter("33069");
    c.set_valid_from("2024-01-01");
    c.set_valid_until("2099-12-31");
    grpc::ServerContext context;
    ctg::v1::Convention created;
    grpc::Status status =
        conventions.CreateConvention(&context, &create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void TearDown() override { dispatcher_->Shutdown(); }

  grpc::Status Submit(ctg::v1::DataRequest* out) {
    callers_.set_uri(kRequester);
    ctg::v1::SubmitRequestRequest request;
    request.set_purpose("Diagnostic social territorial par IRIS");
    request.set_objective("Axe I.2 veille sociale territoriale");
    request.set_retention_months(12);
    ctg::v1::Scope& scope = *request.mutable_scope();
    scope.add_indicators("allocataires");
    scope.add_territories("330690101");
    scope.add_periods("2023");
    grpc::ServerContext context;
    return service_->SubmitRequest(&context, &request, out);
  }

  grpc::Status Start(const std::string& id, const std::string& who,
                     ctg::v1::DataRequest* out) {
    callers_.set_uri(who);
    ctg::v1::StartStudyRequest request;
    request.set_id(id);
    grpc::ServerContext context;
    return service_->StartStudy(&context, &request, out);
  }

  grpc::Status Decide(const std::string& id, ctg::v1::Opinion feasibility,
                      ctg::v1::DataRequest* out) {
    callers_.set_uri(kReviewer);
    ctg::v1::DecideRequestRequest request;
    request.set_id(id);
    request.set_decision(ctg::v1::DecideRequestRequest::APPROVE);
    request.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
    request.mutable_opportunity()->set_reasoning(
        "Conforme aux objectifs de la CTG");
    request.mutable_feasibility()->set_opinion(feasibility);
    request.mutable_feasibility()->set_reasoning(
        "Étudiée sous le secret statistique");
    grpc::ServerContext context;
    return service_->DecideRequest(&context, &request, out);
  }

  // The audited data-request calls, as "method code".
  std::vector<std::string> Audited() {
    std::vector<std::string> out;
    for (const store::AuditRow& row : store_.Snapshot().audit) {
      if (row.method.rfind("/ctg.v1.DataRequests/", 0) == 0) {
        out.push_back(absl::StrCat(row.method, " ", row.code));
      }
    }
    return out;
  }

  FakeBackend store_;
  CommuneBases bases_{&store_, 4};
  std::unique_ptr<AuditLog> log_;
  FixedCaller callers_;
  Config config_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<DataRequestsService> service_;
};

TEST_F(DataRequestsServiceTest,
       FiledStudiedAndApprovedWithTheTransitionsStored) {
  ctg::v1::DataRequest request;
  grpc::Status status = Submit(&request);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(request.state(), ctg::v1::SUBMITTED);
  EXPECT_EQ(request.convention_id(), "CTG-33069-1");

  ASSERT_TRUE(Start(request.id(), kReviewer, &request).ok());
  EXPECT_EQ(request.state(), ctg::v1::UNDER_STUDY);
  status = Decide(request.id(), ctg::v1::FAVOURABLE, &request);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(request.state(), ctg::v1::APPROVED);

  const ::ctg::testing::FakeData data = store_.Snapshot();
  const store::StoredRequest& stored = data.requests.at(request.id());
  ASSERT_TRUE(stored.approval.has_value());
  EXPECT_EQ(stored.approval->scope.territories,
            std::vector<std::string>{"330690101"});
  ASSERT_EQ(stored.transitions.size(), 3u);
  EXPECT_EQ(stored.transitions.back().to_state,
            static_cast<int>(ctg::v1::APPROVED));
  EXPECT_EQ(stored.transitions.back().actor, kReviewer);
  EXPECT_THAT(Audited(), ElementsAre(absl::StrCat(kSubmit, " 0"),
                                     absl::StrCat(kStart, " 0"),
                                     absl::StrCat(kDecide, " 0")));
}

TEST_F(DataRequestsServiceTest,
       AnApprovalOnAnUnfavourableOpinionWritesNothing) {  // R1
  ctg::v1::DataRequest request;
  ASSERT_TRUE(Submit(&request).ok());
  ASSERT_TRUE(Start(request.id(), kReviewer, &request).ok());
  const size_t transitions =
      store_.Snapshot().requests.at(request.id()).transitions.size();

  grpc::Status status = Decide(request.id(), ctg::v1::UNFAVOURABLE, &request);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.error_message(), HasSubstr("feasibility"));
  const ::ctg::testing::FakeData data = store_.Snapshot();
  const store::StoredRequest& stored = data.requests.at(request.id());
  EXPECT_FALSE(stored.approval.has_value());
  EXPECT_EQ(stored.transitions.size(), transitions);
  EXPECT_EQ(stored.request.state, static_cast<int>(ctg::v1::UNDER_STUDY));
  EXPECT_EQ(Audited().back(),
            absl::StrCat(kDecide, " ", static_cast<int>(status.error_code())));
}

TEST_F(DataRequestsServiceTest, OnlyAReviewerStartsTheStudy) {  // R8
  ctg::v1::DataRequest request;
  ASSERT_TRUE(Submit(&request).ok());
  ctg::v1::DataRequest out;
  EXPECT_EQ(Start(request.id(), kRequester, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Start(request.id(), kAdmin, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(store_.Snapshot().requests.at(request.id()).request.state,
            static_cast<int>(ctg::v1::SUBMITTED));
  EXPECT_THAT(Audited(), ElementsAre(absl::StrCat(kSubmit, " 0"),
                                     absl::StrCat(kStart, " 7"),
                                     absl::StrCat(kStart, " 7")));
}

}  // namespace
}  // namespace ctg::gateway
