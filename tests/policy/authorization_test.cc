#include "policy/authorization.h"

#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "ctg/v1/transfer_agreements.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.pb.h"
#include "grpc/reflection/v1alpha/reflection.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

constexpr Role kAllRoles[] = {
    Role::kRequester, Role::kOperator,     Role::kReviewer,       Role::kAdmin,
    Role::kAuditor,   Role::kCafRequester, Role::kCommuneReviewer};
static_assert(std::size(kAllRoles) == kRoleCount);

// api.md's table, written out independently of the implementation: each
// method and the set of roles allowed. Every other pair must be denied.
const std::map<std::string, std::set<Role>>& Expected() {
  using R = Role;
  static const auto* expected = new std::map<std::string, std::set<Role>>{
      {"/ctg.v1.DataRequests/SubmitRequest", {R::kRequester}},
      {"/ctg.v1.DataRequests/GetRequest",
       {R::kRequester, R::kOperator, R::kReviewer, R::kAuditor}},
      {"/ctg.v1.DataRequests/ListRequests",
       {R::kRequester, R::kOperator, R::kReviewer, R::kAuditor}},
      {"/ctg.v1.DataRequests/AmendRequest", {R::kRequester}},
      {"/ctg.v1.DataRequests/WithdrawRequest", {R::kRequester}},
      {"/ctg.v1.DataRequests/StartStudy", {R::kReviewer}},
      {"/ctg.v1.DataRequests/PreviewFeasibility", {R::kReviewer}},
      {"/ctg.v1.DataRequests/RequestInformation", {R::kReviewer}},
      {"/ctg.v1.DataRequests/DecideRequest", {R::kReviewer}},
      {"/ctg.v1.DataRequests/RevokeRequest", {R::kReviewer, R::kAdmin}},
      {"/ctg.v1.Extracts/GetExtract", {R::kRequester, R::kOperator}},
      {"/ctg.v1.Catalogue/ListIndicators",
       {R::kRequester, R::kOperator, R::kReviewer, R::kAdmin, R::kAuditor,
        R::kCafRequester, R::kCommuneReviewer}},
      {"/ctg.v1.Catalogue/ListTerritories",
       {R::kRequester, R::kOperator, R::kReviewer, R::kAdmin, R::kAuditor,
        R::kCafRequester, R::kCommuneReviewer}},
      {"/ctg.v1.Catalogue/ListPeriods",
       {R::kRequester, R::kOperator, R::kReviewer, R::kAdmin, R::kAuditor,
        R::kCafRequester, R::kCommuneReviewer}},
      {"/ctg.v1.Conventions/CreateConvention", {R::kAdmin}},
      {"/ctg.v1.Conventions/GetConvention",
       {R::kAdmin, R::kReviewer, R::kAuditor, R::kRequester, R::kCafRequester,
        R::kCommuneReviewer}},
      {"/ctg.v1.Conventions/ListConventions",
       {R::kAdmin, R::kReviewer, R::kAuditor, R::kRequester, R::kCafRequester,
        R::kCommuneReviewer}},
      {"/ctg.v1.Conventions/SuspendConvention", {R::kAdmin}},
      {"/ctg.v1.Conventions/ReinstateConvention", {R::kAdmin}},
      {"/ctg.v1.Conventions/TerminateConvention", {R::kAdmin}},
      {"/ctg.v1.Statistics/ImportStatistics", {R::kAdmin}},
      {"/ctg.v1.Audit/ListEvents", {R::kAuditor}},
      {"/ctg.v1.Audit/GetCheckpoint", {R::kAuditor}},
      {"/ctg.v1.Audit/GetInclusionProof", {R::kAuditor}},
      {"/ctg.v1.Audit/GetConsistencyProof", {R::kAuditor}},
      // R1, the Caf's requests to a commune.
      {"/ctg.v1.CafRequests/SubmitCafRequest", {R::kCafRequester}},
      {"/ctg.v1.CafRequests/GetCafRequest",
       {R::kCafRequester, R::kCommuneReviewer, R::kAuditor}},
      {"/ctg.v1.CafRequests/ListCafRequests",
       {R::kCafRequester, R::kCommuneReviewer, R::kAuditor}},
      {"/ctg.v1.CafRequests/AmendCafRequest", {R::kCafRequester}},
      {"/ctg.v1.CafRequests/WithdrawCafRequest", {R::kCafRequester}},
      {"/ctg.v1.CafRequests/StartCafRequestStudy", {R::kCommuneReviewer}},
      {"/ctg.v1.CafRequests/RequestCafRequestInformation",
       {R::kCommuneReviewer}},
      {"/ctg.v1.CafRequests/DecideCafRequest", {R::kCommuneReviewer}},
      {"/ctg.v1.CafRequests/RevokeCafRequest", {R::kCommuneReviewer}},
      {"/ctg.v1.CafRequests/UploadCafRequestData", {R::kCommuneReviewer}},
      {"/ctg.v1.CafRequests/GetCafRequestData", {R::kCafRequester}},
      // R3, onward-transfer agreements.
      {"/ctg.v1.TransferAgreements/RequestTransferAgreement", {R::kRequester}},
      {"/ctg.v1.TransferAgreements/GetTransferAgreement",
       {R::kRequester, R::kReviewer, R::kAuditor}},
      {"/ctg.v1.TransferAgreements/ListTransferAgreements",
       {R::kRequester, R::kReviewer, R::kAuditor}},
      {"/ctg.v1.TransferAgreements/DecideTransferAgreement", {R::kReviewer}},
  };
  return *expected;
}

// Every method the proto contract declares, read from the descriptors.
void CollectProtoMethods(std::set<std::string>& methods) {
  // One message of each file, so the linker keeps every file's descriptors.
  for (const google::protobuf::FileDescriptor* file :
       {ctg::v1::DataRequest::descriptor()->file(),
        ctg::v1::GetExtractRequest::descriptor()->file(),
        ctg::v1::ListIndicatorsRequest::descriptor()->file(),
        ctg::v1::Convention::descriptor()->file(),
        ctg::v1::ImportHeader::descriptor()->file(),
        ctg::v1::AuditEvent::descriptor()->file(),
        ctg::v1::CafRequest::descriptor()->file(),
        ctg::v1::TransferAgreement::descriptor()->file()}) {
    ASSERT_EQ(file->service_count(), 1) << file->name();
    const google::protobuf::ServiceDescriptor* service = file->service(0);
    for (int i = 0; i < service->method_count(); ++i) {
      methods.insert("/" + service->full_name() + "/" +
                     service->method(i)->name());
    }
  }
}

std::set<std::string> ProtoMethods() {
  std::set<std::string> methods;
  CollectProtoMethods(methods);
  return methods;
}

TEST(AuthorizationTest, EveryRoleTimesEveryMethod) {
  for (const auto& [method, allowed] : Expected()) {
    for (Role role : kAllRoles) {
      SCOPED_TRACE(method + " as " + std::string(RoleName(role)));
      if (allowed.count(role)) {
        EXPECT_THAT(Authorize(role, method), IsOk());
      } else {
        EXPECT_THAT(Authorize(role, method),
                    StatusIs(absl::StatusCode::kPermissionDenied,
                             HasSubstr(std::string(RoleName(role)))));
      }
    }
  }
}

TEST(AuthorizationTest, TableCoversExactlyTheProtoMethods) {
  std::set<std::string> table;
  for (const MethodRule& rule : AuthorizationTable()) {
    EXPECT_TRUE(table.insert(std::string(rule.full_method)).second)
        << "duplicate entry " << rule.full_method;
  }
  EXPECT_EQ(table, ProtoMethods());
  std::set<std::string> expected;
  for (const auto& entry : Expected()) expected.insert(entry.first);
  EXPECT_EQ(expected, ProtoMethods());
}

// The methods that move a request, and what they do to it, written out
// independently of the implementation (request_state.h's lifecycle, both
// directions of R1). Every other method moves nothing.
TEST(AuthorizationTest, LifecycleMethodsNameTheirActions) {
  using A = RequestAction;
  constexpr Direction kToCaf = Direction::kCommuneToCaf;
  constexpr Direction kToCommune = Direction::kCafToCommune;
  const std::map<std::string, std::pair<Direction, std::vector<A>>> expected = {
      {"/ctg.v1.DataRequests/AmendRequest", {kToCaf, {A::kAmend}}},
      {"/ctg.v1.DataRequests/WithdrawRequest", {kToCaf, {A::kWithdraw}}},
      {"/ctg.v1.DataRequests/StartStudy", {kToCaf, {A::kStartStudy}}},
      {"/ctg.v1.DataRequests/RequestInformation",
       {kToCaf, {A::kRequestInformation}}},
      {"/ctg.v1.DataRequests/DecideRequest",
       {kToCaf, {A::kApprove, A::kReject}}},
      {"/ctg.v1.DataRequests/RevokeRequest", {kToCaf, {A::kRevoke}}},
      {"/ctg.v1.CafRequests/AmendCafRequest", {kToCommune, {A::kAmend}}},
      {"/ctg.v1.CafRequests/WithdrawCafRequest", {kToCommune, {A::kWithdraw}}},
      {"/ctg.v1.CafRequests/StartCafRequestStudy",
       {kToCommune, {A::kStartStudy}}},
      {"/ctg.v1.CafRequests/RequestCafRequestInformation",
       {kToCommune, {A::kRequestInformation}}},
      {"/ctg.v1.CafRequests/DecideCafRequest",
       {kToCommune, {A::kApprove, A::kReject}}},
      {"/ctg.v1.CafRequests/RevokeCafRequest", {kToCommune, {A::kRevoke}}},
  };
  std::map<std::string, std::pair<Direction, std::vector<A>>> got;
  for (const MethodRule& rule : AuthorizationTable()) {
    if (rule.step.has_value()) {
      got[std::string(rule.full_method)] = {rule.step->direction,
                                            rule.step->actions};
    }
  }
  EXPECT_EQ(got, expected);
}

// The one role matrix: who may perform a lifecycle action is who may call
// the method performing it, in both directions; nobody expires a request.
TEST(AuthorizationTest, MayPerformIsTheMethodsRoles) {
  for (const MethodRule& rule : AuthorizationTable()) {
    if (!rule.step.has_value()) continue;
    for (RequestAction action : rule.step->actions) {
      for (Role role : kAllRoles) {
        SCOPED_TRACE(std::string(rule.full_method) + " as " +
                     std::string(RoleName(role)));
        EXPECT_EQ(MayPerform(role, action, rule.step->direction),
                  Authorize(role, rule.full_method).ok());
      }
    }
  }
  for (Role role : kAllRoles) {
    EXPECT_FALSE(
        MayPerform(role, RequestAction::kExpire, Direction::kCommuneToCaf));
    EXPECT_FALSE(
        MayPerform(role, RequestAction::kExpire, Direction::kCafToCommune));
  }
}

// R8: health and reflection answer every accepted identity.
TEST(AuthorizationTest, StandardServicesAreOpenToEveryRole) {
  std::set<std::string> expected;
  for (const google::protobuf::FileDescriptor* file :
       {grpc::health::v1::HealthCheckRequest::descriptor()->file(),
        grpc::reflection::v1alpha::ServerReflectionRequest::descriptor()
            ->file()}) {
    ASSERT_EQ(file->service_count(), 1) << file->name();
    const google::protobuf::ServiceDescriptor* service = file->service(0);
    for (int i = 0; i < service->method_count(); ++i) {
      expected.insert("/" + service->full_name() + "/" +
                      service->method(i)->name());
    }
  }
  std::set<std::string> table;
  for (const MethodRule& rule : StandardServicesTable()) {
    table.insert(std::string(rule.full_method));
    for (Role role : kAllRoles) {
      EXPECT_THAT(Authorize(role, rule.full_method), IsOk())
          << rule.full_method;
    }
  }
  EXPECT_EQ(table, expected);
  for (const std::string& method : expected) {
    EXPECT_TRUE(IsKnownMethod(method)) << method;
    EXPECT_FALSE(ProtoMethods().count(method)) << method;
  }
}

TEST(AuthorizationTest, KnownMethodsAreTheTwoTables) {
  for (const std::string& method : ProtoMethods())
    EXPECT_TRUE(IsKnownMethod(method)) << method;
  EXPECT_FALSE(IsKnownMethod("/ctg.v1.Audit/DeleteEvents"));
  EXPECT_FALSE(IsKnownMethod("/grpc.health.v1.Health/Check/"));
  EXPECT_FALSE(IsKnownMethod(""));
}

TEST(AuthorizationTest, UnknownMethodIsDeniedForEveryRole) {
  for (Role role : kAllRoles) {
    EXPECT_THAT(Authorize(role, "/ctg.v1.Audit/DeleteEvents"),
                StatusIs(absl::StatusCode::kPermissionDenied,
                         HasSubstr("not in the authorization table")));
  }
  EXPECT_THAT(Authorize(Role::kAdmin, ""),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace ctg::policy
