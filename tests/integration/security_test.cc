// Security regression suite (R8, R9), over real mTLS with certificates made
// at test time: every identity the gateway must refuse is refused on every
// service, health and reflection included, gets nothing back, and leaves
// its trace in the audit trail within the documented bound (the first
// refusal of each certificate at once, the others in one summary).
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "gateway/x509_util.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"
#include "tests/testing/test_pki.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;
using Channel = std::shared_ptr<grpc::Channel>;
using grpc::StatusCode;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// What a call got: its status, and whether any response data came back.
struct Outcome {
  grpc::Status status;
  bool answered = false;
};
using CallFn = std::function<Outcome(const Channel&)>;

template <typename Stub, typename Req, typename Resp>
Outcome Unary(const Channel& ch,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&,
                                           Resp*)) {
  Stub stub(ch);
  Resp response;
  grpc::Status status = (stub.*method)(Deadline(10).get(), Req(), &response);
  return {status, response.ByteSizeLong() > 0};
}

template <typename Reader, typename Msg>
Outcome Drain(Reader& reader, Msg& message) {
  bool answered = false;
  while (reader->Read(&message)) answered = true;
  return {reader->Finish(), answered};
}

// Raw bytes to any method, as a client without the proto would send them.
grpc::Status RawUnary(const Channel& ch, const std::string& method,
                      const std::string& bytes, bool* answered) {
  grpc::GenericStub stub(ch);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  auto context = Deadline(10);
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), method, grpc::StubOptions(), &request,
                 &response,
                 [&](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (answered != nullptr) *answered = response.Length() > 0;
  return status;
}

constexpr char kUnknownMethod[] = "/ctg.v1.Audit/DeleteEvents";

// One method of every service the port serves, and a method it does not.
std::map<std::string, CallFn> OneMethodOfEveryService() {
  std::map<std::string, CallFn> m;
  m["/ctg.v1.DataRequests/ListRequests"] = [](const Channel& c) {
    return Unary(c, &ctg::v1::DataRequests::Stub::ListRequests);
  };
  m["/ctg.v1.Extracts/GetExtract"] = [](const Channel& c) {
    ctg::v1::Extracts::Stub stub(c);
    auto context = Deadline(10);
    auto reader = stub.GetExtract(context.get(), {});
    ctg::v1::ExtractChunk chunk;
    return Drain(reader, chunk);
  };
  m["/ctg.v1.Catalogue/ListIndicators"] = [](const Channel& c) {
    return Unary(c, &ctg::v1::Catalogue::Stub::ListIndicators);
  };
  m["/ctg.v1.Conventions/ListConventions"] = [](const Channel& c) {
    return Unary(c, &ctg::v1::Conventions::Stub::ListConventions);
  };
  m["/ctg.v1.Statistics/ImportStatistics"] = [](const Channel& c) {
    ctg::v1::Statistics::Stub stub(c);
    auto context = Deadline(10);
    ctg::v1::ImportStatisticsResponse response;
    auto writer = stub.ImportStatistics(context.get(), &response);
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    return Outcome{status, response.ByteSizeLong() > 0};
  };
  m["/ctg.v1.Audit/GetCheckpoint"] = [](const Channel& c) {
    return Unary(c, &ctg::v1::Audit::Stub::GetCheckpoint);
  };
  m["/grpc.health.v1.Health/Check"] = [](const Channel& c) {
    grpc::health::v1::Health::Stub stub(c);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub.Check(Deadline(10).get(), {}, &response);
    return Outcome{status, response.status() !=
                               grpc::health::v1::HealthCheckResponse::UNKNOWN};
  };
  m["/grpc.health.v1.Health/Watch"] = [](const Channel& c) {
    grpc::health::v1::Health::Stub stub(c);
    auto context = Deadline(10);
    auto reader = stub.Watch(context.get(), {});
    grpc::health::v1::HealthCheckResponse response;
    bool answered = reader->Read(&response);
    if (answered) context->TryCancel();  // an accepted Watch streams until then
    grpc::Status status = reader->Finish();
    return Outcome{status, answered};
  };
  m["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] =
      [](const Channel& c) {
        grpc::reflection::v1alpha::ServerReflection::Stub stub(c);
        auto context = Deadline(10);
        auto stream = stub.ServerReflectionInfo(context.get());
        grpc::reflection::v1alpha::ServerReflectionRequest request;
        request.set_list_services("");
        stream->Write(request);
        stream->WritesDone();
        grpc::reflection::v1alpha::ServerReflectionResponse response;
        return Drain(stream, response);
      };
  m[kUnknownMethod] = [](const Channel& c) {
    Outcome out;
    out.status = RawUnary(c, kUnknownMethod, "", &out.answered);
    return out;
  };
  return m;
}

// An identity the gateway must refuse, and how.
struct Bad {
  const char*
      client;       // clients/<client>.pem of the suite's PKI; "no-cert": none
  StatusCode code;  // UNAVAILABLE: refused at the handshake
  const char* reason;  // in the audit event's message (and the status, after
                       // the handshake)
};

const Bad kBad[] = {
    {"other-caf-admin", StatusCode::UNAUTHENTICATED,
     "Caf \"34\" is not this gateway's Caf"},
    {"other-caf-reviewer", StatusCode::UNAUTHENTICATED,
     "Caf \"34\" is not this gateway's Caf"},
    {"other-caf-auditor", StatusCode::UNAUTHENTICATED,
     "Caf \"34\" is not this gateway's Caf"},
    {"two-uris", StatusCode::UNAUTHENTICATED, "exactly one URI SAN"},
    {"no-uri", StatusCode::UNAUTHENTICATED, "exactly one URI SAN"},
    {"other-domain", StatusCode::UNAUTHENTICATED,
     "trust domain \"evil.example\""},
    {"ca-leaf", StatusCode::UNAVAILABLE, "basicConstraints CA:TRUE"},
    {"server-auth-only", StatusCode::UNAVAILABLE, "clientAuth"},
    {"self-signed", StatusCode::UNAVAILABLE, "client certificate refused"},
    {"no-cert", StatusCode::UNAVAILABLE, "no client certificate presented"},
};

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TempDir();
    std::filesystem::copy(
        DevPki::Get().dir(), pki_->path(),
        std::filesystem::copy_options::recursive |
            std::filesystem::copy_options::overwrite_existing);
    const std::string dir = pki_->path();
    PemPair ca{ReadAll(dir + "/ca.pem"), ReadAll(dir + "/ca.key")};
    const std::string td = absl::StrCat("spiffe://", kTrustDomain);
    const std::string own_admin = td + "/caf/33/admin/fabrice.moreau";
    for (const char* role : {"reviewer", "admin", "auditor"}) {
      Write(
          absl::StrCat("other-caf-", role),
          IssueCertificate(
              ClientSpec(absl::StrCat(td, "/caf/34/", role, "/mallory")), &ca));
    }
    // Issued by the Caf's own CA, with a valid SPIFFE ID, but not an
    // X.509-SVID client leaf.
    CertSpec ca_leaf = ClientSpec(own_admin);
    ca_leaf.basic_constraints = "critical,CA:TRUE";
    ca_leaf.key_usage = "critical,digitalSignature,keyCertSign";
    Write("ca-leaf", IssueCertificate(ca_leaf, &ca));
    CertSpec server_only = ClientSpec(own_admin);
    server_only.extended_key_usage = "serverAuth";
    Write("server-auth-only", IssueCertificate(server_only, &ca));
    Write("self-signed", IssueCertificate(ClientSpec(own_admin), nullptr));
    auto gw = TestGateway::StartWithPki(dir);
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = gw->release();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
    delete pki_;
    pki_ = nullptr;
  }

  static void Write(const std::string& name, const PemPair& pair) {
    WriteFile(absl::StrCat(pki_->path(), "/clients/", name, ".pem"), pair.cert);
    WriteFile(absl::StrCat(pki_->path(), "/clients/", name, ".key"), pair.key);
  }

  // A fresh connection presenting `client`'s certificate (none for "no-cert").
  static Channel ChannelOf(const std::string& client) {
    if (client != "no-cert") return gateway_->Channel(client);
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadAll(pki_->path() + "/ca.pem");
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(gateway_->address(),
                                     grpc::SslCredentials(tls), args);
  }

  // SHA-256 of `client`'s certificate, as events record it ("" for none).
  static std::string ShaOf(const std::string& client) {
    if (client == "no-cert") return "";
    auto cert = gateway::ParsePemCertificate(
        ReadAll(absl::StrCat(pki_->path(), "/clients/", client, ".pem")));
    EXPECT_TRUE(cert.ok());
    return gateway::CertificateSha256(cert->get());
  }

  static std::vector<ctg::v1::AuditEvent> EventsFrom(uint64_t from) {
    ctg::v1::Audit::Stub stub(gateway_->Channel("auditor"));
    auto context = Deadline();
    ctg::v1::ListEventsRequest request;
    request.set_from_sequence(from);
    auto reader = stub.ListEvents(context.get(), request);
    std::vector<ctg::v1::AuditEvent> events;
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) events.push_back(e);
    EXPECT_TRUE(reader->Finish().ok());
    return events;
  }
  // The sequence the next event will get.
  static uint64_t Next() {
    auto events = EventsFrom(0);
    return events.empty() ? 1 : events.back().sequence() + 1;
  }

  static std::string Fact(const ctg::v1::AuditEvent& e,
                          const std::string& key) {
    for (const auto& f : e.facts()) {
      if (f.key() == key) return f.value();
    }
    return "";
  }

  static TempDir* pki_;
  static TestGateway* gateway_;
};
TempDir* SecurityTest::pki_ = nullptr;
TestGateway* SecurityTest::gateway_ = nullptr;

TEST_F(SecurityTest,
       EveryRefusedIdentityIsRefusedOnEveryServiceWithNothingAnswered) {
  for (const Bad& bad : kBad) {
    for (const auto& [method, call] : OneMethodOfEveryService()) {
      SCOPED_TRACE(absl::StrCat(bad.client, " on ", method));
      Outcome out = call(ChannelOf(bad.client));
      EXPECT_EQ(out.status.error_code(), bad.code)
          << out.status.error_message();
      EXPECT_FALSE(out.answered);
      if (bad.code == StatusCode::UNAUTHENTICATED) {
        EXPECT_THAT(out.status.error_message(), HasSubstr(bad.reason));
      }
    }
  }
}

// Each certificate's first refusal in a window is an event at once; the
// others are counted in one summary event when the window ends (here: at
// shutdown). Windows are one minute of wall-clock time, so a test may
// straddle two: the assertions hold either way.
TEST_F(SecurityTest, EveryRefusalIsInTheTrailFoldedWithinTheBound) {
  ASSERT_EQ(gateway_->Stop(), 0);  // a fresh throttle
  ASSERT_TRUE(gateway_->Restart().ok());
  const uint64_t first = Next() + 1;
  const auto methods = OneMethodOfEveryService();
  for (const Bad& bad : kBad) {
    for (const auto& [method, call] : methods) call(ChannelOf(bad.client));
  }
  const size_t calls = methods.size();
  std::vector<ctg::v1::AuditEvent> at_once = EventsFrom(first);
  ASSERT_EQ(gateway_->Stop(),
            0);  // folds the window's summaries into the trail
  ASSERT_TRUE(gateway_->Restart().ok());
  std::vector<ctg::v1::AuditEvent> all = EventsFrom(first);

  for (const Bad& bad : kBad) {
    SCOPED_TRACE(bad.client);
    const std::string sha = ShaOf(bad.client);
    const bool handshake = bad.code == StatusCode::UNAVAILABLE;
    size_t immediate = 0, summaries = 0;
    uint64_t folded = 0;
    for (const ctg::v1::AuditEvent& e : all) {
      if (e.cert_sha256() != sha || !absl::StrContains(e.message(), bad.reason))
        continue;
      EXPECT_EQ(e.code(), static_cast<int>(StatusCode::UNAUTHENTICATED))
          << e.method();
      EXPECT_EQ(e.caller(), "")
          << e.method();  // a refused identity is only a claim
      if (e.method() == "refusal-summary") {
        ++summaries;
        uint64_t n = 0;
        EXPECT_TRUE(absl::SimpleAtoi(Fact(e, "refusals"), &n));
        folded += n;
      } else {
        ++immediate;
        if (handshake)
          EXPECT_EQ(e.method(), "tls-handshake");
        else
          EXPECT_TRUE(methods.count(e.method())) << e.method();
      }
    }
    EXPECT_GE(immediate, 1u);
    EXPECT_LE(immediate, 2u);  // one per window
    EXPECT_LE(summaries, immediate);
    if (handshake) {
      // gRPC may retry a failed connection: at least one handshake per call.
      EXPECT_GE(immediate + folded, calls);
    } else {
      EXPECT_EQ(immediate + folded, calls);  // every refusal is accounted for
    }
  }
  // While the gateway ran, only first refusals were written: at most one
  // event per refused certificate and window.
  size_t refusals_at_once = 0;
  for (const ctg::v1::AuditEvent& e : at_once)
    refusals_at_once += e.code() != 0;
  EXPECT_GE(refusals_at_once, std::size(kBad));
  EXPECT_LE(refusals_at_once, 2 * std::size(kBad));
}

TEST_F(SecurityTest,
       AFloodOfRefusalsFromOneCertificateLeavesOneEventAndOneSummary) {
  ASSERT_EQ(gateway_->Stop(), 0);
  ASSERT_TRUE(gateway_->Restart().ok());
  const uint64_t first = Next() + 1;
  Channel channel = ChannelOf("other-caf-admin");
  constexpr uint64_t kFlood = 300;
  for (uint64_t i = 0; i < kFlood; ++i) {
    ASSERT_EQ(Unary(channel, &ctg::v1::Catalogue::Stub::ListIndicators)
                  .status.error_code(),
              StatusCode::UNAUTHENTICATED);
  }
  ASSERT_EQ(gateway_->Stop(), 0);
  ASSERT_TRUE(gateway_->Restart().ok());
  uint64_t immediate = 0, folded = 0, summaries = 0;
  for (const ctg::v1::AuditEvent& e : EventsFrom(first)) {
    if (e.code() == 0) continue;  // the auditor's own queries
    if (e.method() == "refusal-summary") {
      ++summaries;
      EXPECT_EQ(Fact(e, "methods"), "/ctg.v1.Catalogue/ListIndicators");
      uint64_t n = 0;
      EXPECT_TRUE(absl::SimpleAtoi(Fact(e, "refusals"), &n));
      folded += n;
    } else {
      ++immediate;
      EXPECT_EQ(e.method(), "/ctg.v1.Catalogue/ListIndicators");
    }
  }
  EXPECT_EQ(immediate + folded, kFlood);
  EXPECT_LE(immediate, 2u);  // one, or two if the flood straddled two windows
  EXPECT_LE(summaries, 2u);
}

TEST_F(SecurityTest,
       AnAcceptedIdentityGetsHealthAndReflectionAndEachCallIsAnEvent) {
  const uint64_t first = Next() + 1;  // after the query Next() itself made
  Channel admin = ChannelOf("admin");
  grpc::health::v1::Health::Stub health(admin);
  grpc::health::v1::HealthCheckResponse status;
  ASSERT_TRUE(health.Check(Deadline().get(), {}, &status).ok());
  EXPECT_EQ(status.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  grpc::health::v1::HealthCheckRequest unknown;
  unknown.set_service("no.such.Service");
  EXPECT_EQ(health.Check(Deadline().get(), unknown, &status).error_code(),
            StatusCode::NOT_FOUND);

  grpc::reflection::v1alpha::ServerReflection::Stub reflection(admin);
  auto context = Deadline();
  auto stream = reflection.ServerReflectionInfo(context.get());
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::set<std::string> services;
  for (const auto& s : response.list_services_response().service())
    services.insert(s.name());
  EXPECT_TRUE(services.count("ctg.v1.Audit"));
  EXPECT_TRUE(services.count("grpc.health.v1.Health"));
  EXPECT_TRUE(services.count("grpc.reflection.v1alpha.ServerReflection"));
  request.set_file_containing_symbol("ctg.v1.DataRequests.SubmitRequest");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_GT(response.file_descriptor_response().file_descriptor_proto_size(),
            0);
  request.set_file_containing_symbol(
      "google.protobuf.Any");  // not a served service's file
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.error_response().error_code(), StatusCode::NOT_FOUND);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());

  bool answered = true;
  grpc::Status unimplemented = RawUnary(admin, kUnknownMethod, "", &answered);
  EXPECT_EQ(unimplemented.error_code(), StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(unimplemented.error_message(), HasSubstr(kUnknownMethod));
  EXPECT_FALSE(answered);

  std::vector<ctg::v1::AuditEvent> events = EventsFrom(first);
  ASSERT_EQ(events.size(), 4u);  // two checks, one stream, one unknown method
  EXPECT_EQ(events[0].method(), "/grpc.health.v1.Health/Check");
  EXPECT_EQ(events[0].code(), 0);
  EXPECT_EQ(events[1].code(), static_cast<int>(StatusCode::NOT_FOUND));
  EXPECT_EQ(events[2].method(),
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
  EXPECT_EQ(events[3].method(), kUnknownMethod);
  EXPECT_EQ(events[3].code(), static_cast<int>(StatusCode::UNIMPLEMENTED));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(events[i].caller(), absl::StrCat("spiffe://", kTrustDomain,
                                               "/caf/33/admin/fabrice.moreau"));
  }
}

TEST_F(SecurityTest, ARequestGrpcCannotParseLeavesAnEvent) {
  const uint64_t first = Next() + 1;
  // Field 1 of ListIndicatorsRequest, declared length 100, 2 bytes given.
  grpc::Status status =
      RawUnary(ChannelOf("admin"), "/ctg.v1.Catalogue/ListIndicators",
               "\x0a\x64zz", nullptr);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("could not be parsed"));
  std::vector<ctg::v1::AuditEvent> events = EventsFrom(first);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].method(), "/ctg.v1.Catalogue/ListIndicators");
  EXPECT_EQ(events[0].code(), status.error_code());
  EXPECT_EQ(events[0].message(), status.error_message());
  EXPECT_EQ(Fact(events[0], "answered_by"), "grpc");
}

TEST(SecurityLimitsTest, HealthAndReflectionAreRateLimitedLikeEveryMethod) {
  auto gw = TestGateway::Start("calls_per_minute = 2\n");
  ASSERT_TRUE(gw.ok()) << gw.status();
  grpc::health::v1::Health::Stub health((*gw)->Channel("reviewer"));
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_TRUE(health.Check(Deadline().get(), {}, &response).ok());
  EXPECT_TRUE(health.Check(Deadline().get(), {}, &response).ok());
  grpc::Status limited = health.Check(Deadline().get(), {}, &response);
  EXPECT_EQ(limited.error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(limited.error_message(), HasSubstr("retry in"));
}

}  // namespace
}  // namespace ctg::testing
