// Issue #8: documented limits (calls per identity per minute, message size,
// page sizes) and the TLS posture (TLS 1.2 minimum, no plaintext).
#include "absl/strings/str_cat.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "statbase/csv_format.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

grpc::Status ListIndicators(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = ctg::v1::Catalogue::NewStub(channel);
  ctg::v1::ListIndicatorsResponse response;
  return stub->ListIndicators(Deadline().get(), {}, &response);
}

TEST(LimitsTest, CallsPerIdentityPerMinute) {
  auto gw =
      TestGateway::Start("calls_per_minute = 5\n");  // appended to [limits]
  ASSERT_TRUE(gw.ok()) << gw.status();
  auto channel = (*gw)->Channel("requester-33069");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(ListIndicators(channel).ok()) << i;
  grpc::Status limited = ListIndicators(channel);
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(limited.error_message(), HasSubstr("retry in 12 s"));
  // Per identity: another caller is not affected.
  EXPECT_TRUE(ListIndicators((*gw)->Channel("requester-33162")).ok());
  // The refusal is audited like any other.
  RunResult events =
      (*gw)->Ctg("auditor", {"audit", "events", "--outcome", "denied"});
  EXPECT_THAT(events.out,
              HasSubstr("denied (8) rate limit of 5 calls per minute"));
}

TEST(LimitsTest, OversizedMessagesAndPageSizes) {
  auto gw = TestGateway::Start(
      "max_message_bytes = 4096\nmax_page_size = 20\ndefault_page_size = 10\n");
  ASSERT_TRUE(gw.ok()) << gw.status();
  auto requests =
      ctg::v1::DataRequests::NewStub((*gw)->Channel("requester-33069"));
  ctg::v1::SubmitRequestRequest big;
  big.set_purpose(std::string(10000, 'x'));
  ctg::v1::DataRequest out;
  grpc::Status s = requests->SubmitRequest(Deadline().get(), big, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto conventions = ctg::v1::Conventions::NewStub((*gw)->Channel("admin"));
  ctg::v1::ListConventionsRequest list;
  list.set_page_size(-1);
  ctg::v1::ListConventionsResponse page;
  s = conventions->ListConventions(Deadline().get(), list, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_size -1"));
  list.set_page_size(100000);  // clamped to max_page_size, not refused
  EXPECT_TRUE(conventions->ListConventions(Deadline().get(), list, &page).ok());
}

grpc::Status ImportNamed(const TestGateway& gw, const std::string& file_name,
                         const std::string& csv) {
  auto stub = ctg::v1::Statistics::NewStub(gw.Channel("admin"));
  ctg::v1::ImportStatisticsResponse response;
  auto context = Deadline(60);
  auto writer = stub->ImportStatistics(context.get(), &response);
  ctg::v1::ImportStatisticsChunk chunk;
  chunk.mutable_header()->set_period("2023");
  chunk.mutable_header()->set_file_name(file_name);
  writer->Write(chunk);
  chunk.set_csv_data(csv);
  writer->Write(chunk);
  writer->WritesDone();
  return writer->Finish();
}

// Client strings echoed in a status are bounded: a 1 MiB file name gives the
// real error (not RESOURCE_EXHAUSTED for an oversized status), with the name
// cut and its size given.
TEST(LimitsTest, HugeFileNameGetsTheRealErrorBounded) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  grpc::Status s =
      ImportNamed(**gw, std::string(1 << 20, 'f'), "not,the,header\n");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message().size();
  EXPECT_THAT(s.error_message(),
              HasSubstr("the first line must be the header"));
  EXPECT_THAT(s.error_message(), HasSubstr("(1048576 bytes) (period 2023)"));
  EXPECT_LT(s.error_message().size(), 1000u);
}

// A file with many long bad values: the report (its count and first errors,
// each value bounded, the message cut to what a client accepts) reaches the
// client as INVALID_ARGUMENT.
TEST(LimitsTest, LongImportReportReachesTheClient) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  std::string csv = absl::StrCat(statbase::csv::kHeader, "\n");
  for (int i = 0; i < 300; ++i) {
    // A different indicator on each line: identical errors on consecutive
    // lines would be reported as one run.
    absl::StrAppend(&csv, "2023,commune,33069,M\xc3\xa9rignac,,",
                    std::string(3000, static_cast<char>('a' + i % 26)),
                    ",,,1,\n");
  }
  grpc::Status s = ImportNamed(**gw, "base.csv", csv);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message().substr(0, 300) << " (" << s.error_message().size()
      << " bytes)";
  EXPECT_THAT(s.error_message(),
              HasSubstr("base.csv (period 2023): 300 errors"));
  EXPECT_THAT(s.error_message(), HasSubstr("is not a known indicator"));
  EXPECT_THAT(s.error_message(), HasSubstr("(message cut: "));
}

// Runs `openssl s_client` with the given protocol flag and a valid client
// certificate; returns its combined output.
RunResult Handshake(const TestGateway& gw, const std::string& protocol) {
  return RunProgram({"/usr/bin/openssl", "s_client", "-connect", gw.address(),
                     protocol, "-cert", DevPki::Get().Cert("auditor"), "-key",
                     DevPki::Get().Key("auditor"), "-CAfile",
                     DevPki::Get().dir() + "/ca.pem", "-brief"},
                    {}, "Q\n");
}

TEST(LimitsTest, TlsTwelveMinimumThirteenPreferred) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  RunResult best = Handshake(**gw, "-no_ssl3");
  EXPECT_THAT(best.out + best.err, HasSubstr("Protocol version: TLSv1.3"));
  RunResult twelve = Handshake(**gw, "-tls1_2");
  EXPECT_THAT(twelve.out + twelve.err, HasSubstr("Protocol version: TLSv1.2"));
  RunResult eleven = Handshake(**gw, "-tls1_1");
  EXPECT_THAT(eleven.out + eleven.err,
              ::testing::Not(HasSubstr("Protocol version: TLSv1.1")));
  EXPECT_NE(eleven.exit_code, 0);
}

}  // namespace
}  // namespace ctg::testing
