// The dispatcher's failure paths without a network: refused handshakes go
// through the refusal throttle, and a failure to append an event is an
// integrity failure of the health state that refuses calls.
#include "gateway/dispatcher.h"

#include <grpcpp/server_context.h>

#include "audit/canonical.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/audit_trail_store.h"
#include "store/sqlite/sqlite_backend.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::IsOk;
using ::testing::HasSubstr;

absl::StatusOr<std::string> FakeSign(uint64_t size, const audit::Hash&) {
  return absl::StrCat("checkpoint of ", size, "\n");
}

constexpr char kSha[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::sqlite::OpenBackend({.path = dir_.path() + "/d.db"});
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    auto log = AuditLog::Open(db_.get(), FakeSign);
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
    dispatcher_ = std::make_unique<Dispatcher>(
        db_.get(), log_.get(), &callers_, nullptr, &health_,
        Dispatcher::Options{.flush_every = absl::ZeroDuration()});
  }

  audit::Event EventAt(uint64_t seq) {
    audit::Event event;
    EXPECT_THAT(db_->Read([&](store::ReadSession& session) -> absl::Status {
      auto row = session.audit().Get(seq);
      if (!row.ok()) return row.status();
      auto decoded = audit::DecodeCanonical(row->canonical);
      if (!decoded.ok()) return decoded.status();
      event = *decoded;
      return absl::OkStatus();
    }),
                IsOk());
    return event;
  }

  ctg::testing::TempDir dir_;
  std::unique_ptr<store::Backend> db_;
  std::unique_ptr<AuditLog> log_;
  CallerResolver callers_{"ctg.caf33.fr", "33", nullptr};
  HealthState health_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, RepeatedHandshakeRefusalsAreFoldedIntoOneSummary) {
  absl::Status why = absl::UnauthenticatedError(
      "client certificate refused: certificate revoked");
  for (int i = 0; i < 5; ++i) {
    dispatcher_->RecordHandshakeRefusal(
        kSha, "spiffe://ctg.caf33.fr/commune/33069/requester/x", why);
  }
  ASSERT_EQ(log_->size(), 1u);  // the first one, at once
  EXPECT_EQ(EventAt(1).method, kHandshakeMethod);
  dispatcher_->Shutdown();  // the window's summary
  ASSERT_EQ(log_->size(), 2u);
  audit::Event summary = EventAt(2);
  EXPECT_EQ(summary.method, kRefusalSummaryMethod);
  EXPECT_EQ(summary.code, static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(summary.cert_sha256, kSha);
  EXPECT_EQ(summary.message, why.message());
  EXPECT_THAT(summary.facts, ::testing::Contains(audit::Fact{"refusals", "4"}));
  EXPECT_THAT(summary.facts,
              ::testing::Contains(audit::Fact{"methods", "tls-handshake"}));
  EXPECT_TRUE(health_.healthy());
}

TEST_F(DispatcherTest, AFailureToRecordAHandshakeRefusalRefusesCalls) {
  db_->Close();  // every append now fails
  dispatcher_->RecordHandshakeRefusal(
      kSha, "", absl::UnauthenticatedError("no client certificate presented"));
  EXPECT_EQ(health_.TotalFailures("audit-append"), 1u);
  EXPECT_THAT(health_.IntegrityStatus(),
              ctg::testing::StatusIs(absl::StatusCode::kUnavailable,
                                     HasSubstr("audit-append")));
  grpc::ServerContext context;
  bool ran = false;
  grpc::Status status = dispatcher_->Read(
      &context, "/ctg.v1.Catalogue/ListIndicators", [&](Call&) {
        ran = true;
        return absl::OkStatus();
      });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("could not record"));
  EXPECT_FALSE(ran);
}

// A backend whose database server is down until `up` is set: writes fail
// with kUnavailable, which it says is an outage (as PostgreSQL's does).
class OutageBackend final : public store::Backend {
 public:
  explicit OutageBackend(store::Backend* real) : real_(real) {}
  absl::Status Write(
      absl::FunctionRef<absl::Status(store::WriteSession&)> work) override {
    if (!up) return absl::UnavailableError("server closed the connection");
    return real_->Write(work);
  }
  absl::Status Read(
      absl::FunctionRef<absl::Status(store::ReadSession&)> work) override {
    return real_->Read(work);
  }
  void Close() override {}
  absl::StatusOr<int> SchemaVersion() override {
    return real_->SchemaVersion();
  }
  absl::Status CopyTo(const std::string& dest) override {
    return real_->CopyTo(dest);
  }
  const std::string& name() const override { return real_->name(); }
  bool IsUnreachable(const absl::Status& status) const override {
    return absl::IsUnavailable(status);
  }
  bool up = false;

 private:
  store::Backend* real_;
};

TEST_F(DispatcherTest, AnUnreachableDatabaseIsItsOwnProblemNotTheTrails) {
  OutageBackend outage(db_.get());
  Dispatcher dispatcher(
      &outage, log_.get(), &callers_, nullptr, &health_,
      Dispatcher::Options{.flush_every = absl::ZeroDuration()});
  dispatcher.RecordHandshakeRefusal(
      kSha, "", absl::UnauthenticatedError("no client certificate presented"));
  EXPECT_EQ(health_.TotalFailures(kDatabaseComponent), 1u);
  EXPECT_EQ(health_.TotalFailures("audit-append"), 0u);
  EXPECT_THAT(health_.IntegrityStatus(),
              ctg::testing::StatusIs(absl::StatusCode::kUnavailable,
                                     HasSubstr("database")));
  // Once the server's probe finds it back, calls are served again.
  outage.up = true;
  health_.ReportRecovered(kDatabaseComponent);
  EXPECT_THAT(health_.IntegrityStatus(), IsOk());
  dispatcher.Shutdown();
}

TEST_F(DispatcherTest, CallsAreRefusedWhileAnyIntegrityProblemLasts) {
  health_.ReportFailure("audit-checkpoint", HealthState::Severity::kIntegrity,
                        absl::InternalError("disk"));
  grpc::ServerContext context;
  grpc::Status status = dispatcher_->Write(
      &context, "/ctg.v1.Conventions/CreateConvention",
      [](Call&, store::WriteSession&) { return absl::OkStatus(); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(log_->size(), 0u);  // nothing served, nothing written
  health_.ReportRecovered("audit-checkpoint");
  EXPECT_THAT(health_.IntegrityStatus(), IsOk());
}

}  // namespace
}  // namespace ctg::gateway
