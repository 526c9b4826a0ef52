// Issue #2 over real mTLS: each role reaches what it may, every bad
// certificate is refused, roles are enforced, plaintext cannot connect, and
// every refusal is in the audit trail.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

class FoundationTest : public ::testing::Test {
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

  static grpc::Status ListIndicators(const std::string& client) {
    auto stub = ctg::v1::Catalogue::NewStub(gateway_->Channel(client));
    ctg::v1::ListIndicatorsResponse response;
    return stub->ListIndicators(Deadline().get(), {}, &response);
  }
  static grpc::Status GetCheckpoint(const std::string& client) {
    auto stub = ctg::v1::Audit::NewStub(gateway_->Channel(client));
    ctg::v1::Checkpoint response;
    return stub->GetCheckpoint(Deadline().get(), {}, &response);
  }
  static std::vector<ctg::v1::AuditEvent> Events() {
    auto stub = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
    auto context = Deadline();
    auto reader = stub->ListEvents(context.get(), {});
    std::vector<ctg::v1::AuditEvent> events;
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) events.push_back(e);
    EXPECT_TRUE(reader->Finish().ok());
    return events;
  }

  static TestGateway* gateway_;
};
TestGateway* FoundationTest::gateway_ = nullptr;

TEST_F(FoundationTest, EveryRoleSucceedsOnAMethodItMayCall) {
  for (const char* client :
       {"requester-33069", "requester-33162", "operator-33069", "reviewer",
        "admin", "auditor"}) {
    grpc::Status s = ListIndicators(client);
    EXPECT_TRUE(s.ok()) << client << ": " << s.error_message();
  }
  EXPECT_TRUE(GetCheckpoint("auditor").ok());
}

TEST_F(FoundationTest, CertificatesRejectedAtTheHandshake) {
  for (const char* client : {"expired", "foreign", "revoked"}) {
    grpc::Status s = ListIndicators(client);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
        << client << ": " << s.error_message();
  }
}

TEST_F(FoundationTest, CertificatesWithoutAUsableIdentityAreUnauthenticated) {
  struct Case {
    const char* client;
    const char* message;
  } cases[] = {
      {"no-uri", "exactly one URI SAN"},
      {"two-uris", "exactly one URI SAN"},
      {"other-domain", "trust domain \"evil.example\""},
      {"unknown-role", "unknown role \"superuser\""},
  };
  for (const Case& c : cases) {
    grpc::Status s = ListIndicators(c.client);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.client;
    EXPECT_THAT(s.error_message(), HasSubstr(c.message)) << c.client;
  }
}

TEST_F(FoundationTest, ClientWithoutCertificateCannotConnect) {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = gateway_->CliEnv("admin")["CTG_CA"];
  std::ifstream ca(DevPki::Get().dir() + "/ca.pem");
  std::stringstream pem;
  pem << ca.rdbuf();
  tls.pem_root_certs = pem.str();
  auto stub = ctg::v1::Catalogue::NewStub(
      grpc::CreateChannel(gateway_->address(), grpc::SslCredentials(tls)));
  ctg::v1::ListIndicatorsResponse response;
  grpc::Status s = stub->ListIndicators(Deadline(5).get(), {}, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(FoundationTest, PlaintextClientCannotConnect) {
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      gateway_->address(), grpc::InsecureChannelCredentials()));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status s = stub->Check(Deadline(5).get(), {}, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(FoundationTest, RoleOutsideTheTableIsPermissionDenied) {
  grpc::Status s = GetCheckpoint("requester-33069");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(
      s.error_message(),
      HasSubstr("role \"requester\" may not call /ctg.v1.Audit/GetCheckpoint"));

  auto conventions =
      ctg::v1::Conventions::NewStub(gateway_->Channel("reviewer"));
  ctg::v1::Convention convention;
  s = conventions->CreateConvention(Deadline().get(), {}, &convention);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  auto requests =
      ctg::v1::DataRequests::NewStub(gateway_->Channel("operator-33069"));
  ctg::v1::DataRequest request;
  s = requests->SubmitRequest(Deadline().get(), {}, &request);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("role \"operator\""));
}

TEST_F(FoundationTest, RefusalsAreAudited) {
  ASSERT_EQ(GetCheckpoint("admin").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_EQ(ListIndicators("revoked").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  ASSERT_EQ(ListIndicators("two-uris").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  bool denied_admin = false, handshake_revoked = false, bad_san = false;
  for (const ctg::v1::AuditEvent& e : Events()) {
    if (e.method() == "/ctg.v1.Audit/GetCheckpoint" && e.code() == 7 &&
        e.caller() == "spiffe://ctg.caf33.fr/caf/33/admin/fabrice.moreau") {
      denied_admin = true;
    }
    // A refused certificate's SPIFFE ID is a claim, not a caller.
    if (e.method() == "tls-handshake" && e.code() == 16 && e.caller().empty() &&
        e.claimed_caller() ==
            "spiffe://ctg.caf33.fr/commune/33069/requester/revoked.user") {
      EXPECT_THAT(e.message(), HasSubstr("revoked"));
      EXPECT_EQ(e.cert_sha256().size(), 64u);
      handshake_revoked = true;
    }
    if (e.method() == "/ctg.v1.Catalogue/ListIndicators" && e.code() == 16 &&
        absl::StrContains(e.message(), "exactly one URI SAN")) {
      EXPECT_FALSE(e.peer().empty());
      EXPECT_EQ(e.cert_sha256().size(), 64u);
      bad_san = true;
    }
  }
  EXPECT_TRUE(denied_admin);
  EXPECT_TRUE(handshake_revoked);
  EXPECT_TRUE(bad_san);
}

TEST_F(FoundationTest, CliPrintsStatusAndExitsNonZeroOnRefusal) {
  RunResult ok = gateway_->Ctg("admin", {"health"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("SERVING"));
  RunResult denied = gateway_->Ctg("requester-33069", {"audit", "checkpoint"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED: role \"requester\""));
  RunResult usage = gateway_->Ctg("admin", {"audit", "frobnicate"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, HasSubstr("unknown verb \"frobnicate\""));
}

}  // namespace
}  // namespace ctg::testing
