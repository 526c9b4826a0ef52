// R9 (every call, allowed or denied, is an event): a request message larger
// than limits.max_message_bytes is the gateway's own refusal, not gRPC's
// transport's: RESOURCE_EXHAUSTED naming the limit, nothing changed, and one
// audit event with the caller and the code, for unary, server-streaming and
// client-streaming methods. A message at the limit is served. Beyond
// limits.transport_max_message_bytes gRPC refuses it before the gateway sees
// it (documented: no event). (Also in integration_on_postgres.)
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "gtest/gtest.h"
#include "statbase/csv_export.h"
#include "tests/integration/gateway_fixture.h"
#include "tools/ctg-synth/synth.h"

namespace ctg::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr int kLimit = 16384;
constexpr int kTransportCap = 4 * kLimit;  // the default: 4 x the limit

std::string OverTheLimit(size_t bytes) {
  return absl::StrCat("request: the message is ", bytes,
                      " bytes, over limits.max_message_bytes = ", kLimit);
}

// Makes `message` exactly `bytes` long once serialized, with an unknown
// field (kept by the parser, so the server measures it too).
void PadTo(google::protobuf::Message& message, size_t bytes) {
  google::protobuf::UnknownFieldSet* unknown =
      message.GetReflection()->MutableUnknownFields(&message);
  unknown->Clear();
  const size_t base = message.ByteSizeLong();
  ASSERT_LT(base + 8, bytes);
  for (size_t pad = bytes - base;; --pad) {
    unknown->Clear();
    unknown->AddLengthDelimited(4242, std::string(pad, 'p'));
    if (message.ByteSizeLong() <= bytes) break;
  }
  ASSERT_EQ(message.ByteSizeLong(), bytes);
}

class OversizedMessageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto gw = TestGateway::Start(absl::StrCat("max_message_bytes = ", kLimit,
                                              "\n"));  // in [limits]
    ASSERT_TRUE(gw.ok()) << gw.status();
    gw_ = *std::move(gw);
  }

  // Every event of `method` with `code` (any code: nullopt).
  std::vector<ctg::v1::AuditEvent> Events(
      const std::string& method, std::optional<grpc::StatusCode> code) {
    auto stub = ctg::v1::Audit::NewStub(gw_->Channel("auditor"));
    auto context = Deadline();
    ctg::v1::ListEventsRequest request;
    request.set_method(method);
    auto reader = stub->ListEvents(context.get(), request);
    std::vector<ctg::v1::AuditEvent> events;
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) {
      if (!code || e.code() == static_cast<int>(*code)) events.push_back(e);
    }
    EXPECT_TRUE(reader->Finish().ok());
    return events;
  }

  grpc::Status ListConventions(const ctg::v1::ListConventionsRequest& request) {
    auto stub = ctg::v1::Conventions::NewStub(gw_->Channel("admin"));
    ctg::v1::ListConventionsResponse out;
    return stub->ListConventions(Deadline().get(), request, &out);
  }

  grpc::Status ListEvents(const ctg::v1::ListEventsRequest& request) {
    auto stub = ctg::v1::Audit::NewStub(gw_->Channel("auditor"));
    auto context = Deadline();
    auto reader = stub->ListEvents(context.get(), request);
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) {
    }
    return reader->Finish();
  }

  // Imports `csv` as period 2023, in messages of `piece` bytes of CSV.
  grpc::Status Import(const std::string& csv, size_t piece) {
    auto stub = ctg::v1::Statistics::NewStub(gw_->Channel("admin"));
    ctg::v1::ImportStatisticsResponse response;
    auto context = Deadline(120);
    auto writer = stub->ImportStatistics(context.get(), &response);
    ctg::v1::ImportStatisticsChunk chunk;
    chunk.mutable_header()->set_period("2023");
    chunk.mutable_header()->set_file_name("demo-2023.csv");
    bool open = writer->Write(chunk);
    for (size_t i = 0; open && i < csv.size(); i += piece) {
      chunk.set_csv_data(csv.substr(i, piece));
      open = writer->Write(chunk);
    }
    writer->WritesDone();
    return writer->Finish();
  }

  int Periods() {
    auto stub = ctg::v1::Catalogue::NewStub(gw_->Channel("admin"));
    ctg::v1::ListPeriodsResponse out;
    EXPECT_TRUE(stub->ListPeriods(Deadline().get(), {}, &out).ok());
    return out.periods_size();
  }

  std::unique_ptr<TestGateway> gw_;
};

TEST_F(OversizedMessageTest, AUnaryRequestOverTheLimitIsAnAuditedRefusal) {
  ctg::v1::SubmitRequestRequest submit;
  submit.set_purpose(std::string(kLimit, 'x'));
  const size_t size = submit.ByteSizeLong();
  ctg::v1::DataRequest out;
  grpc::Status s =
      ctg::v1::DataRequests::NewStub(gw_->Channel("requester-33069"))
          ->SubmitRequest(Deadline().get(), submit, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), OverTheLimit(size));
  // Nothing changed.
  ctg::v1::ListRequestsResponse list;
  ASSERT_TRUE(ctg::v1::DataRequests::NewStub(gw_->Channel("reviewer"))
                  ->ListRequests(Deadline().get(), {}, &list)
                  .ok());
  EXPECT_EQ(list.requests_size(), 0);
  // One event, with the caller's identity, the method and the code.
  std::vector<ctg::v1::AuditEvent> events =
      Events("/ctg.v1.DataRequests/SubmitRequest",
             grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_THAT(events[0].caller(), HasSubstr("/commune/33069/requester/"));
  EXPECT_EQ(events[0].message(), OverTheLimit(size));
}

TEST_F(OversizedMessageTest, AUnaryRequestAtTheLimitIsServed) {
  ctg::v1::ListConventionsRequest request;
  PadTo(request, kLimit + 1);
  grpc::Status over = ListConventions(request);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(over.error_message(), OverTheLimit(kLimit + 1));
  PadTo(request, kLimit);
  grpc::Status at = ListConventions(request);
  EXPECT_TRUE(at.ok()) << at.error_message();
  const std::string method = "/ctg.v1.Conventions/ListConventions";
  std::vector<ctg::v1::AuditEvent> refused =
      Events(method, grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_THAT(refused, SizeIs(1));
  EXPECT_THAT(refused[0].caller(), HasSubstr("/caf/33/admin/"));
  EXPECT_THAT(Events(method, grpc::StatusCode::OK), SizeIs(1));
}

TEST_F(OversizedMessageTest, AServerStreamingRequestOverTheLimitIsRefused) {
  ctg::v1::ListEventsRequest request;
  request.set_method("/ctg.v1.Audit/GetCheckpoint");
  PadTo(request, kLimit + 1);
  grpc::Status over = ListEvents(request);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(over.error_message(), OverTheLimit(kLimit + 1));
  PadTo(request, kLimit);
  grpc::Status at = ListEvents(request);
  EXPECT_TRUE(at.ok()) << at.error_message();
  std::vector<ctg::v1::AuditEvent> refused =
      Events("/ctg.v1.Audit/ListEvents", grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_THAT(refused, SizeIs(1));
  EXPECT_THAT(refused[0].caller(), HasSubstr("/caf/33/auditor/"));
  EXPECT_EQ(refused[0].message(), OverTheLimit(kLimit + 1));
}

// The length of CSV data that makes an ImportStatisticsChunk `bytes` long.
size_t CsvPieceFor(size_t bytes) {
  ctg::v1::ImportStatisticsChunk chunk;
  size_t piece = bytes;
  do {
    chunk.set_csv_data(std::string(--piece, 'x'));
  } while (chunk.ByteSizeLong() > bytes);
  EXPECT_EQ(chunk.ByteSizeLong(), bytes);
  return piece;
}

// Each message of a client stream is bounded, not only the first: pieces of
// CSV one byte over the limit once in their message (the second of the
// stream is the first such), then exactly at it.
TEST_F(OversizedMessageTest, AClientStreamMessageOverTheLimitIsRefused) {
  auto base = synth::GenerateDemo(synth::kDefaultSeed, "2023");
  ASSERT_TRUE(base.ok()) << base.status();
  const std::string csv = statbase::CanonicalCsv(*base);
  ASSERT_GT(csv.size(), 3u * kLimit);
  grpc::Status over = Import(csv, CsvPieceFor(kLimit + 1));
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const std::string expected =
      absl::StrCat("request: message 2 of the stream is ", kLimit + 1,
                   " bytes, over limits.max_message_bytes = ", kLimit);
  EXPECT_EQ(over.error_message(), expected);
  EXPECT_EQ(Periods(), 0);  // nothing imported
  const std::string method = "/ctg.v1.Statistics/ImportStatistics";
  std::vector<ctg::v1::AuditEvent> refused =
      Events(method, grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_THAT(refused, SizeIs(1));
  EXPECT_THAT(refused[0].caller(), HasSubstr("/caf/33/admin/"));
  EXPECT_EQ(refused[0].message(), expected);
  // At the limit, every message is taken.
  grpc::Status at = Import(csv, CsvPieceFor(kLimit));
  EXPECT_TRUE(at.ok()) << at.error_message();
  EXPECT_EQ(Periods(), 1);
  EXPECT_THAT(Events(method, grpc::StatusCode::OK), SizeIs(1));
}

// Pins the documented limit of the above: gRPC's transport refuses a
// message over limits.transport_max_message_bytes before any call reaches
// the gateway, so a unary call leaves no event.
TEST_F(OversizedMessageTest, BeyondTheTransportCapGrpcRefusesWithoutAnEvent) {
  ctg::v1::SubmitRequestRequest submit;
  submit.set_purpose(std::string(kTransportCap + 1, 'x'));
  ctg::v1::DataRequest out;
  grpc::Status s =
      ctg::v1::DataRequests::NewStub(gw_->Channel("requester-33069"))
          ->SubmitRequest(Deadline().get(), submit, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("Received message larger than max"));
  EXPECT_THAT(Events("/ctg.v1.DataRequests/SubmitRequest",
                     grpc::StatusCode::RESOURCE_EXHAUSTED),
              SizeIs(0));
}

// The same beyond the cap in a client stream: the call was admitted before
// the message came, so it has its event, but gRPC 1.51 does not tell the
// service why the stream ended (its read fails as at a normal end): the
// event records the stream as cut (CANCELLED) or, when gRPC has not yet
// reported the cancellation, the outcome of what came before (here an
// incomplete file), while the client is told RESOURCE_EXHAUSTED by gRPC.
TEST_F(OversizedMessageTest, BeyondTheTransportCapAClientStreamIsRecordedCut) {
  auto stub = ctg::v1::Statistics::NewStub(gw_->Channel("admin"));
  ctg::v1::ImportStatisticsResponse response;
  auto context = Deadline();
  auto writer = stub->ImportStatistics(context.get(), &response);
  ctg::v1::ImportStatisticsChunk chunk;
  chunk.mutable_header()->set_period("2023");
  chunk.mutable_header()->set_file_name("a.csv");
  writer->Write(chunk);
  chunk.set_csv_data(std::string(kTransportCap + 1, 'a'));
  writer->Write(chunk);
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("Received message larger than max"));
  // gRPC answered the client at once; the service records the call when
  // its read fails, which may be later: wait for that event.
  const std::string method = "/ctg.v1.Statistics/ImportStatistics";
  std::vector<ctg::v1::AuditEvent> events;
  for (int i = 0; i < 400 && events.empty(); ++i) {
    if (i > 0) absl::SleepFor(absl::Milliseconds(50));
    events = Events(method, std::nullopt);
  }
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_THAT(events[0].caller(), HasSubstr("/caf/33/admin/"));
  EXPECT_THAT(events[0].code(),
              AnyOf(static_cast<int>(grpc::StatusCode::CANCELLED),
                    static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT)))
      << events[0].message();
  EXPECT_EQ(Periods(), 0);
}

// Attack: a gzip-compressed request, small on the wire, over the transport
// cap once decompressed. gRPC must still refuse it at the cap (its
// message size check applies to the decompressed message), so the memory
// bound holds whatever the compression; one under the cap but over the
// limit is the gateway's own audited refusal, as uncompressed.
TEST_F(OversizedMessageTest, ACompressedRequestIsBoundAsItsDecompressedSize) {
  auto stub = ctg::v1::DataRequests::NewStub(gw_->Channel("requester-33069"));
  ctg::v1::SubmitRequestRequest submit;
  submit.set_purpose(std::string(kLimit + 1, 'x'));
  const size_t size = submit.ByteSizeLong();
  ctg::v1::DataRequest out;
  auto context = Deadline();
  context->set_compression_algorithm(GRPC_COMPRESS_GZIP);
  grpc::Status over = stub->SubmitRequest(context.get(), submit, &out);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(over.error_message(), OverTheLimit(size));
  EXPECT_THAT(Events("/ctg.v1.DataRequests/SubmitRequest",
                     grpc::StatusCode::RESOURCE_EXHAUSTED),
              SizeIs(1));
  submit.set_purpose(std::string(64 * kTransportCap, 'x'));
  auto big = Deadline();
  big->set_compression_algorithm(GRPC_COMPRESS_GZIP);
  grpc::Status beyond = stub->SubmitRequest(big.get(), submit, &out);
  EXPECT_EQ(beyond.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(beyond.error_message(),
              HasSubstr("Received message larger than max"));
}

// Attack: health (unary Check, server-streaming Watch) is a method of the
// gateway too; a request over the limit is refused and audited.
TEST_F(OversizedMessageTest, HealthRequestsOverTheLimitAreRefused) {
  grpc::health::v1::HealthCheckRequest check;
  check.set_service(std::string(kLimit + 1, 's'));
  const size_t size = check.ByteSizeLong();
  grpc::health::v1::HealthCheckResponse answer;
  grpc::Status s = grpc::health::v1::Health::NewStub(gw_->Channel("auditor"))
                       ->Check(Deadline().get(), check, &answer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), OverTheLimit(size));
  EXPECT_THAT(Events("/grpc.health.v1.Health/Check",
                     grpc::StatusCode::RESOURCE_EXHAUSTED),
              SizeIs(1));
  auto watch_context = Deadline();
  auto watch = grpc::health::v1::Health::NewStub(gw_->Channel("auditor"))
                   ->Watch(watch_context.get(), check);
  while (watch->Read(&answer)) {
  }
  grpc::Status w = watch->Finish();
  EXPECT_EQ(w.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(w.error_message(), OverTheLimit(size));
  EXPECT_THAT(Events("/grpc.health.v1.Health/Watch",
                     grpc::StatusCode::RESOURCE_EXHAUSTED),
              SizeIs(1));
}

// Attack: reflection is a bidirectional stream whose messages are bounded
// too; a message over the limit is refused, and its event records that
// refusal (not an OK written before the stream was read).
TEST_F(OversizedMessageTest, AReflectionMessageOverTheLimitIsAnAuditedRefusal) {
  grpc::reflection::v1alpha::ServerReflection::Stub stub(
      gw_->Channel("auditor"));
  auto context = Deadline();
  auto stream = stub.ServerReflectionInfo(context.get());
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_file_by_filename(std::string(kLimit + 1, 'f'));
  const size_t size = request.ByteSizeLong();
  stream->Write(request);
  stream->WritesDone();
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  while (stream->Read(&response)) {
  }
  grpc::Status s = stream->Finish();
  const std::string expected =
      absl::StrCat("request: message 1 of the stream is ", size,
                   " bytes, over limits.max_message_bytes = ", kLimit);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), expected);
  const std::string method =
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  std::vector<ctg::v1::AuditEvent> events = Events(method, std::nullopt);
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].code(),
            static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(events[0].message(), expected);
  EXPECT_THAT(events[0].caller(), HasSubstr("/caf/33/auditor/"));
}

}  // namespace
}  // namespace ctg::testing
