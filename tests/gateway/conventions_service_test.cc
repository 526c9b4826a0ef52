// The conventions service against an in-memory store (tests/testing/
// fake_store.h): no TLS, no SQLite. The caller is named by a resolver
// instead of a certificate; the dispatcher, the audit log, the policy and
// the service are the gateway's own.
#include "gateway/services/conventions_service.h"

#include <grpcpp/server_context.h>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/audit_log.h"
#include "gateway/caller.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/identity.h"
#include "tests/gateway/service_test_util.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/status_matchers.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::FakeBackend;
using ::ctg::testing::FakeData;
using ::ctg::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using ::ctg::gateway::testing::FakeSign;
using ::ctg::gateway::testing::FixedCaller;
using ::ctg::gateway::testing::kAdmin;
using ::ctg::gateway::testing::kRequester;
using ::ctg::gateway::testing::MakeDispatcher;
using ::ctg::gateway::testing::WritePessacBase;

class ConventionsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(WritePessacBase(store_), IsOk());
    auto log = AuditLog::Open(&store_, FakeSign);
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
    dispatcher_ = MakeDispatcher(store_, *log_, callers_);
    service_ = std::make_unique<ConventionsService>(dispatcher_.get(), &store_,
                                                    &config_);
  }

  void TearDown() override { dispatcher_->Shutdown(); }

  grpc::Status Create(std::vector<std::string> perimeter,
                      ctg::v1::Convention* out) {
    ctg::v1::CreateConventionRequest request;
    ctg::v1::Convention& c = *request.mutable_convention();
    c.set_commune("33069");
    c.set_commune_name("Pessac");
    for (const std::string& code : perimeter) c.add_perimeter(code);
    c.set_valid_from("2024-01-01");
    c.set_valid_until("2099-12-31");
    grpc::ServerContext context;
    return service_->CreateConvention(&context, &request, out);
  }

  grpc::Status Suspend(const std::string& id, const std::string& reason,
                       ctg::v1::Convention* out) {
    ctg::v1::SuspendConventionRequest request;
    request.set_id(id);
    request.set_reason(reason);
    grpc::ServerContext context;
    return service_->SuspendConvention(&context, &request, out);
  }

  grpc::Status Reinstate(const std::string& id, const std::string& reason,
                         ctg::v1::Convention* out) {
    ctg::v1::ReinstateConventionRequest request;
    request.set_id(id);
    request.set_reason(reason);
    grpc::ServerContext context;
    return service_->ReinstateConvention(&context, &request, out);
  }

  // The audited calls, as "method code".
  std::vector<std::string> Audited() {
    std::vector<std::string> out;
    for (const store::AuditRow& row : store_.Snapshot().audit) {
      out.push_back(absl::StrCat(row.method, " ", row.code));
    }
    return out;
  }

  FakeBackend store_;
  std::unique_ptr<AuditLog> log_;
  FixedCaller callers_;
  Config config_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<ConventionsService> service_;
};

TEST_F(ConventionsServiceTest,
       SuspendAndReinstateAreStoredWithTheirHistoryAndAudited) {
  ctg::v1::Convention created;
  grpc::Status status = Create({"33069", "330690101"}, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.id(), "CTG-33069-1");
  EXPECT_EQ(created.state(), ctg::v1::ACTIVE);

  ctg::v1::Convention suspended;
  status = Suspend(created.id(), "contrôle en cours", &suspended);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(suspended.state(), ctg::v1::SUSPENDED);
  FakeData data = store_.Snapshot();
  EXPECT_TRUE(data.conventions.at("CTG-33069-1").suspended);
  EXPECT_EQ(data.conventions.at("CTG-33069-1").suspension_reason,
            "contrôle en cours");

  ctg::v1::Convention reinstated;
  ASSERT_TRUE(Reinstate(created.id(), "contrôle terminé", &reinstated).ok());
  EXPECT_EQ(reinstated.state(), ctg::v1::ACTIVE);
  ASSERT_EQ(reinstated.history_size(), 3);
  EXPECT_EQ(reinstated.history(1).action(), "suspended");
  EXPECT_EQ(reinstated.history(1).actor(), kAdmin);
  EXPECT_EQ(reinstated.history(2).action(), "reinstated");
  EXPECT_FALSE(store_.Snapshot().conventions.at("CTG-33069-1").suspended);

  EXPECT_THAT(Audited(),
              ElementsAre("/ctg.v1.Conventions/CreateConvention 0",
                          "/ctg.v1.Conventions/SuspendConvention 0",
                          "/ctg.v1.Conventions/ReinstateConvention 0"));
  EXPECT_EQ(log_->size(), 3u);
}

TEST_F(ConventionsServiceTest, ARefusedChangeWritesNothingButItsAuditEvent) {
  ctg::v1::Convention created;
  grpc::Status status = Create({"33069"}, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ctg::v1::Convention out;
  ASSERT_TRUE(Suspend(created.id(), "contrôle", &out).ok());
  const FakeData before = store_.Snapshot();

  // Suspending twice is refused by the policy (R10): the row and its
  // history stay as they were.
  grpc::Status again = Suspend(created.id(), "encore", &out);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(again.error_message(),
              HasSubstr("only an active convention can be suspended"));
  const FakeData after = store_.Snapshot();
  EXPECT_EQ(after.conventions.at(created.id()).suspension_reason, "contrôle");
  EXPECT_EQ(after.convention_events.at(created.id()).size(),
            before.convention_events.at(created.id()).size());

  grpc::Status unknown = Suspend("CTG-33069-9", "contrôle", &out);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_THAT(Audited(),
              ElementsAre("/ctg.v1.Conventions/CreateConvention 0",
                          "/ctg.v1.Conventions/SuspendConvention 0",
                          "/ctg.v1.Conventions/SuspendConvention 9",
                          "/ctg.v1.Conventions/SuspendConvention 5"));
}

TEST_F(ConventionsServiceTest, APerimeterOutsideTheStoredBaseIsRefused) {
  ctg::v1::Convention out;
  grpc::Status status = Create({"33069", "330690102"}, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("perimeter[1]"));
  EXPECT_TRUE(store_.Snapshot().conventions.empty());
}

TEST_F(ConventionsServiceTest, OnlyAnAdminCreatesAConvention) {
  callers_.set_uri(kRequester);
  ctg::v1::Convention out;
  EXPECT_EQ(Create({"33069"}, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(store_.Snapshot().conventions.empty());
  EXPECT_THAT(Audited(), ElementsAre("/ctg.v1.Conventions/CreateConvention 7"));
}

}  // namespace
}  // namespace ctg::gateway
