// Issue #3 over real mTLS: every method of every service produces exactly
// one audit event, allowed or refused; the trail exported by `ctg audit
// events` verifies offline, and tampering with the SQLite file is pinpointed.
#include <sqlite3.h>

#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "ctg/v1/transfer_agreements.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/authorization.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;
using Channel = std::shared_ptr<grpc::Channel>;
using CallFn = std::function<grpc::Status(const Channel&)>;

template <typename Stub, typename Req, typename Resp>
grpc::Status Unary(const Channel& ch,
                   grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                const Req&, Resp*)) {
  auto stub = std::make_unique<Stub>(ch);
  Resp response;
  return ((*stub).*method)(Deadline().get(), Req(), &response);
}

// Every method of the contract, called with an empty request.
std::map<std::string, CallFn> AllMethods() {
  using DR = ctg::v1::DataRequests::Stub;
  using CV = ctg::v1::Conventions::Stub;
  using CA = ctg::v1::Catalogue::Stub;
  using AU = ctg::v1::Audit::Stub;
  std::map<std::string, CallFn> m;
  m["/ctg.v1.DataRequests/SubmitRequest"] = [](const Channel& c) {
    return Unary(c, &DR::SubmitRequest);
  };
  m["/ctg.v1.DataRequests/GetRequest"] = [](const Channel& c) {
    return Unary(c, &DR::GetRequest);
  };
  m["/ctg.v1.DataRequests/ListRequests"] = [](const Channel& c) {
    return Unary(c, &DR::ListRequests);
  };
  m["/ctg.v1.DataRequests/AmendRequest"] = [](const Channel& c) {
    return Unary(c, &DR::AmendRequest);
  };
  m["/ctg.v1.DataRequests/WithdrawRequest"] = [](const Channel& c) {
    return Unary(c, &DR::WithdrawRequest);
  };
  m["/ctg.v1.DataRequests/StartStudy"] = [](const Channel& c) {
    return Unary(c, &DR::StartStudy);
  };
  m["/ctg.v1.DataRequests/PreviewFeasibility"] = [](const Channel& c) {
    return Unary(c, &DR::PreviewFeasibility);
  };
  m["/ctg.v1.DataRequests/RequestInformation"] = [](const Channel& c) {
    return Unary(c, &DR::RequestInformation);
  };
  m["/ctg.v1.DataRequests/DecideRequest"] = [](const Channel& c) {
    return Unary(c, &DR::DecideRequest);
  };
  m["/ctg.v1.DataRequests/RevokeRequest"] = [](const Channel& c) {
    return Unary(c, &DR::RevokeRequest);
  };
  m["/ctg.v1.Extracts/GetExtract"] = [](const Channel& c) {
    auto stub = ctg::v1::Extracts::NewStub(c);
    auto context = Deadline();
    auto reader = stub->GetExtract(context.get(), {});
    ctg::v1::ExtractChunk chunk;
    while (reader->Read(&chunk)) {
    }
    return reader->Finish();
  };
  m["/ctg.v1.Catalogue/ListIndicators"] = [](const Channel& c) {
    return Unary(c, &CA::ListIndicators);
  };
  m["/ctg.v1.Catalogue/ListTerritories"] = [](const Channel& c) {
    return Unary(c, &CA::ListTerritories);
  };
  m["/ctg.v1.Catalogue/ListPeriods"] = [](const Channel& c) {
    return Unary(c, &CA::ListPeriods);
  };
  m["/ctg.v1.Conventions/CreateConvention"] = [](const Channel& c) {
    return Unary(c, &CV::CreateConvention);
  };
  m["/ctg.v1.Conventions/GetConvention"] = [](const Channel& c) {
    return Unary(c, &CV::GetConvention);
  };
  m["/ctg.v1.Conventions/ListConventions"] = [](const Channel& c) {
    return Unary(c, &CV::ListConventions);
  };
  m["/ctg.v1.Conventions/SuspendConvention"] = [](const Channel& c) {
    return Unary(c, &CV::SuspendConvention);
  };
  m["/ctg.v1.Conventions/ReinstateConvention"] = [](const Channel& c) {
    return Unary(c, &CV::ReinstateConvention);
  };
  m["/ctg.v1.Conventions/TerminateConvention"] = [](const Channel& c) {
    return Unary(c, &CV::TerminateConvention);
  };
  m["/ctg.v1.Statistics/ImportStatistics"] = [](const Channel& c) {
    auto stub = ctg::v1::Statistics::NewStub(c);
    auto context = Deadline();
    ctg::v1::ImportStatisticsResponse response;
    auto writer = stub->ImportStatistics(context.get(), &response);
    writer->WritesDone();
    return writer->Finish();
  };
  using CR = ctg::v1::CafRequests::Stub;
  m["/ctg.v1.CafRequests/SubmitCafRequest"] = [](const Channel& c) {
    return Unary(c, &CR::SubmitCafRequest);
  };
  m["/ctg.v1.CafRequests/GetCafRequest"] = [](const Channel& c) {
    return Unary(c, &CR::GetCafRequest);
  };
  m["/ctg.v1.CafRequests/ListCafRequests"] = [](const Channel& c) {
    return Unary(c, &CR::ListCafRequests);
  };
  m["/ctg.v1.CafRequests/AmendCafRequest"] = [](const Channel& c) {
    return Unary(c, &CR::AmendCafRequest);
  };
  m["/ctg.v1.CafRequests/WithdrawCafRequest"] = [](const Channel& c) {
    return Unary(c, &CR::WithdrawCafRequest);
  };
  m["/ctg.v1.CafRequests/StartCafRequestStudy"] = [](const Channel& c) {
    return Unary(c, &CR::StartCafRequestStudy);
  };
  m["/ctg.v1.CafRequests/RequestCafRequestInformation"] = [](const Channel& c) {
    return Unary(c, &CR::RequestCafRequestInformation);
  };
  m["/ctg.v1.CafRequests/DecideCafRequest"] = [](const Channel& c) {
    return Unary(c, &CR::DecideCafRequest);
  };
  m["/ctg.v1.CafRequests/RevokeCafRequest"] = [](const Channel& c) {
    return Unary(c, &CR::RevokeCafRequest);
  };
  m["/ctg.v1.CafRequests/UploadCafRequestData"] = [](const Channel& c) {
    auto stub = ctg::v1::CafRequests::NewStub(c);
    auto context = Deadline();
    ctg::v1::CafRequestUpload response;
    auto writer = stub->UploadCafRequestData(context.get(), &response);
    writer->WritesDone();
    return writer->Finish();
  };
  m["/ctg.v1.CafRequests/GetCafRequestData"] = [](const Channel& c) {
    auto stub = ctg::v1::CafRequests::NewStub(c);
    auto context = Deadline();
    auto reader = stub->GetCafRequestData(context.get(), {});
    ctg::v1::CafRequestDataChunk chunk;
    while (reader->Read(&chunk)) {
    }
    return reader->Finish();
  };
  using TA = ctg::v1::TransferAgreements::Stub;
  m["/ctg.v1.TransferAgreements/RequestTransferAgreement"] =
      [](const Channel& c) { return Unary(c, &TA::RequestTransferAgreement); };
  m["/ctg.v1.TransferAgreements/GetTransferAgreement"] = [](const Channel& c) {
    return Unary(c, &TA::GetTransferAgreement);
  };
  m["/ctg.v1.TransferAgreements/ListTransferAgreements"] =
      [](const Channel& c) { return Unary(c, &TA::ListTransferAgreements); };
  m["/ctg.v1.TransferAgreements/DecideTransferAgreement"] =
      [](const Channel& c) { return Unary(c, &TA::DecideTransferAgreement); };
  m["/ctg.v1.Audit/ListEvents"] = [](const Channel& c) {
    auto stub = ctg::v1::Audit::NewStub(c);
    auto context = Deadline();
    auto reader = stub->ListEvents(context.get(), {});
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) {
    }
    return reader->Finish();
  };
  m["/ctg.v1.Audit/GetCheckpoint"] = [](const Channel& c) {
    return Unary(c, &AU::GetCheckpoint);
  };
  m["/ctg.v1.Audit/GetInclusionProof"] = [](const Channel& c) {
    return Unary(c, &AU::GetInclusionProof);
  };
  m["/ctg.v1.Audit/GetConsistencyProof"] = [](const Channel& c) {
    return Unary(c, &AU::GetConsistencyProof);
  };
  return m;
}

const char* ClientOf(policy::Role role) {
  switch (role) {
    case policy::Role::kRequester:
      return "requester-33069";
    case policy::Role::kOperator:
      return "operator-33069";
    case policy::Role::kReviewer:
      return "reviewer";
    case policy::Role::kAdmin:
      return "admin";
    case policy::Role::kAuditor:
      return "auditor";
    case policy::Role::kCafRequester:
      return "caf-requester";
    case policy::Role::kCommuneReviewer:
      return "commune-reviewer-33069";
  }
  return "";
}

class AuditTrailTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto gw = TestGateway::Start();
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = gw->release();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }

  // Events with sequence > `after`, as the auditor sees them now.
  static std::vector<ctg::v1::AuditEvent> EventsAfter(uint64_t after) {
    auto stub = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
    auto context = Deadline();
    ctg::v1::ListEventsRequest request;
    request.set_from_sequence(after + 1);
    auto reader = stub->ListEvents(context.get(), request);
    std::vector<ctg::v1::AuditEvent> events;
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) events.push_back(e);
    EXPECT_TRUE(reader->Finish().ok());
    return events;
  }
  // The sequence number of the last event; the query's own event comes next.
  static uint64_t Mark() {
    auto events = EventsAfter(0);
    return events.empty() ? 1 : events.back().sequence() + 1;
  }
  // Runs `call` and returns the events it produced.
  static std::vector<ctg::v1::AuditEvent> EventsOf(
      const std::function<void()>& call) {
    uint64_t mark = Mark();
    call();
    return EventsAfter(mark);
  }

  static TestGateway* gateway_;
};
TestGateway* AuditTrailTest::gateway_ = nullptr;

TEST_F(AuditTrailTest, EveryMethodRefusedForAWrongRoleLeavesExactlyOneEvent) {
  auto methods = AllMethods();
  ASSERT_EQ(methods.size(), policy::AuthorizationTable().size());
  for (const policy::MethodRule& rule : policy::AuthorizationTable()) {
    std::string method(rule.full_method);
    std::optional<policy::Role> denied;
    for (policy::Role r :
         {policy::Role::kOperator, policy::Role::kAuditor, policy::Role::kAdmin,
          policy::Role::kRequester, policy::Role::kReviewer}) {
      if (std::find(rule.roles.begin(), rule.roles.end(), r) ==
          rule.roles.end())
        denied = r;
    }
    if (!denied) continue;  // everyone may call it (the catalogue)
    grpc::Status status;
    auto events = EventsOf([&] {
      status = methods[method](gateway_->Channel(ClientOf(*denied)));
    });
    SCOPED_TRACE(method);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].method(), method);
    EXPECT_EQ(events[0].code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(events[0].caller(),
                HasSubstr(absl::StrCat("/", policy::RoleName(*denied), "/")));
  }
}

TEST_F(AuditTrailTest,
       EveryMethodCalledByAnAllowedRoleLeavesExactlyOneEventWithItsOutcome) {
  auto methods = AllMethods();
  std::set<int> codes_seen;
  for (const policy::MethodRule& rule : policy::AuthorizationTable()) {
    std::string method(rule.full_method);
    grpc::Status status;
    auto events = EventsOf([&] {
      status = methods[method](gateway_->Channel(ClientOf(rule.roles[0])));
    });
    SCOPED_TRACE(method + ": " + status.error_message());
    EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].method(), method);
    EXPECT_EQ(events[0].code(), status.error_code());
    EXPECT_EQ(events[0].message(), status.error_message());
    codes_seen.insert(status.error_code());
  }
  // Empty requests: some succeed, others are refused for bad input.
  EXPECT_TRUE(codes_seen.count(grpc::StatusCode::OK));
  EXPECT_TRUE(codes_seen.count(grpc::StatusCode::INVALID_ARGUMENT));
}

TEST_F(AuditTrailTest, UnauthenticatedCallsAreRecordedWithWhatIsKnown) {
  grpc::Status status;
  auto events = EventsOf([&] {
    status = AllMethods()["/ctg.v1.Catalogue/ListIndicators"](
        gateway_->Channel("unknown-role"));
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_EQ(events.size(), 1u);
  // The certificate's SPIFFE ID is a claim, not a verified caller.
  EXPECT_EQ(events[0].caller(), "");
  EXPECT_EQ(events[0].claimed_caller(),
            "spiffe://ctg.caf33.fr/caf/33/superuser/mallory");
  EXPECT_EQ(events[0].cert_sha256().size(), 64u);
  EXPECT_THAT(events[0].peer(), HasSubstr("127.0.0.1"));
  EXPECT_EQ(events[0].code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuditTrailTest, ActorListsVerifiedCallsOnlyAndClaimedListsTheClaims) {
  const std::string mallory = "spiffe://ctg.caf33.fr/caf/33/superuser/mallory";
  AllMethods()["/ctg.v1.Catalogue/ListIndicators"](
      gateway_->Channel("unknown-role"));
  RunResult actor =
      gateway_->Ctg("auditor", {"audit", "events", "--actor", mallory});
  ASSERT_EQ(actor.exit_code, 0) << actor.err;
  EXPECT_THAT(actor.out, ::testing::Not(HasSubstr("superuser/mallory")));
  RunResult claimed =
      gateway_->Ctg("auditor", {"audit", "events", "--claimed", mallory});
  ASSERT_EQ(claimed.exit_code, 0) << claimed.err;
  EXPECT_THAT(claimed.out, HasSubstr("(unverified, claimed " + mallory + ")"));
  RunResult jsonl = gateway_->Ctg("auditor", {"audit", "events", "--claimed",
                                              mallory, "--format", "jsonl"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_THAT(jsonl.out, HasSubstr(R"("caller":"",)"));
  EXPECT_THAT(jsonl.out, HasSubstr(absl::StrCat(R"("claimed_caller":")",
                                                mallory, R"(")")));
  // The auditor's own calls are verified: --actor lists them.
  RunResult own = gateway_->Ctg(
      "auditor", {"audit", "events", "--actor",
                  "spiffe://ctg.caf33.fr/caf/33/auditor/gaelle.simon"});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_THAT(own.out, HasSubstr("/ctg.v1.Audit/ListEvents"));
}

TEST_F(AuditTrailTest, NotFoundIsRecorded) {
  grpc::Status status;
  auto events = EventsOf([&] {
    auto stub = ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
    ctg::v1::GetConventionRequest request;
    request.set_id("CTG-99999-1");
    ctg::v1::Convention out;
    status = stub->GetConvention(Deadline().get(), request, &out);
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].target_id(), "CTG-99999-1");
  EXPECT_EQ(events[0].code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace ctg::testing
