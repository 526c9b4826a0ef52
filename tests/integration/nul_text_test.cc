// Client text with a NUL byte (U+0000), on both backends (PostgreSQL's text
// type cannot hold one): the call is refused with INVALID_ARGUMENT naming
// the field, the refusal is in the audit trail like any other, and the
// gateway goes on serving. (Also in integration_on_postgres.)
#include <string>
#include <vector>

#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

const std::string kNulId(
    "REQ-0000\0"
    "01",
    11);

class NulTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gw = TestGateway::Start();
    ASSERT_TRUE(gw.ok()) << gw.status();
    gw_ = *std::move(gw);
  }

  // The last event of the trail.
  ctg::v1::AuditEvent LastEvent(const std::string& method) {
    auto stub = ctg::v1::Audit::NewStub(gw_->Channel("auditor"));
    auto context = Deadline();
    ctg::v1::ListEventsRequest request;
    request.set_method(method);
    auto reader = stub->ListEvents(context.get(), request);
    ctg::v1::AuditEvent e, last;
    while (reader->Read(&e)) last = e;
    EXPECT_TRUE(reader->Finish().ok());
    return last;
  }

  // The gateway still serves and records calls.
  void ExpectStillServing() {
    auto stub = ctg::v1::Conventions::NewStub(gw_->Channel("admin"));
    ctg::v1::ListConventionsResponse out;
    grpc::Status s = stub->ListConventions(Deadline().get(), {}, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }

  std::unique_ptr<TestGateway> gw_;
};

TEST_F(NulTextTest, AnIdWithANulIsRefusedNamingTheFieldAndRecorded) {
  auto stub = ctg::v1::DataRequests::NewStub(gw_->Channel("reviewer"));
  ctg::v1::GetRequestRequest get;
  get.set_id(kNulId);
  ctg::v1::DataRequest out;
  grpc::Status s = stub->GetRequest(Deadline().get(), get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("id: "));
  EXPECT_THAT(s.error_message(), HasSubstr("NUL"));
  ctg::v1::AuditEvent e = LastEvent("/ctg.v1.DataRequests/GetRequest");
  EXPECT_EQ(e.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(e.message(), HasSubstr("id: "));
  ExpectStillServing();
}

TEST_F(NulTextTest, EveryStringFieldIsCheckedNestedOnesIncluded) {
  {
    auto stub = ctg::v1::Conventions::NewStub(gw_->Channel("admin"));
    ctg::v1::GetConventionRequest get;
    get.set_id(std::string("CTG-33069\0-1", 12));
    ctg::v1::Convention out;
    grpc::Status s = stub->GetConvention(Deadline().get(), get, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("id: NUL byte"));
  }
  {
    auto stub = ctg::v1::Audit::NewStub(gw_->Channel("auditor"));
    auto context = Deadline();
    ctg::v1::ListEventsRequest request;
    request.set_caller(std::string("spiffe://x\0", 11));
    auto reader = stub->ListEvents(context.get(), request);
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) {
    }
    grpc::Status s = reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("caller: NUL byte"));
  }
  {
    auto stub = ctg::v1::DataRequests::NewStub(gw_->Channel("requester-33069"));
    ctg::v1::SubmitRequestRequest submit;
    submit.set_purpose("Diagnostic social");
    submit.mutable_scope()->add_territories("33069");
    submit.mutable_scope()->add_territories(std::string("3306\0", 5));
    ctg::v1::DataRequest out;
    grpc::Status s = stub->SubmitRequest(Deadline().get(), submit, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("scope.territories[1]: NUL byte"));
  }
  {
    auto stub = grpc::health::v1::Health::NewStub(gw_->Channel("auditor"));
    grpc::health::v1::HealthCheckRequest check;
    check.set_service(std::string("\0", 1));
    grpc::health::v1::HealthCheckResponse out;
    grpc::Status s = stub->Check(Deadline().get(), check, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("service: NUL byte"));
  }
  ctg::v1::AuditEvent e = LastEvent("/grpc.health.v1.Health/Check");
  EXPECT_EQ(e.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  ExpectStillServing();
}

// A client stream's messages are read by the service itself: the header's
// id with a NUL is refused by the id's own check, and the event records the
// id with U+FFFD in place of the NUL (PostgreSQL could not store it, and the
// call would leave no event).
TEST_F(NulTextTest, AStreamedHeaderWithANulIsRefusedAndRecorded) {
  auto stub =
      ctg::v1::CafRequests::NewStub(gw_->Channel("commune-reviewer-33069"));
  ctg::v1::CafRequestUpload response;
  auto context = Deadline();
  auto writer = stub->UploadCafRequestData(context.get(), &response);
  ctg::v1::UploadCafRequestDataChunk chunk;
  chunk.mutable_header()->set_request_id(
      std::string("CREQ-0\0"
                  "1",
                  8));
  chunk.mutable_header()->set_no_personal_data(true);
  writer->Write(chunk);
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("header.request_id: "));
  ctg::v1::AuditEvent e = LastEvent("/ctg.v1.CafRequests/UploadCafRequestData");
  EXPECT_EQ(e.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(e.target_id(),
            "CREQ-0\xEF\xBF\xBD"
            "1");
  ExpectStillServing();
}

}  // namespace
}  // namespace ctg::testing
