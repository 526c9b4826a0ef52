// The web console (gateway/web/) over real HTTPS with the development PKI:
// the same certificate checks as the gRPC port, refused and audited the
// same way; its JSON API leaves exactly the audit event of the gRPC call it
// stands for (only the peer's port differs); the browser-side defences
// (CSRF, security headers, body limits) refuse without changing anything.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <httplib.h>

#include <fstream>
#include <future>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"
#include "tests/testing/subprocess.h"

namespace ctg::testing {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWebConfig[] = "[web]\nlisten = \"127.0.0.1:0\"\n";

// One HTTPS answer; `ok` is false when no answer came (handshake refused).
struct WebAnswer {
  bool ok = false;
  int status = 0;
  std::string body;
  httplib::Headers headers;
};

// A browser of the console, presenting `client`'s certificate ("" for none).
class WebClient {
 public:
  WebClient(const TestGateway& gw, const std::string& client) {
    const std::string& address = gw.web_address();
    size_t colon = address.rfind(':');
    int port = 0;
    EXPECT_TRUE(absl::SimpleAtoi(address.substr(colon + 1), &port)) << address;
    if (client.empty()) {
      http_ =
          std::make_unique<httplib::SSLClient>(address.substr(0, colon), port);
    } else {
      http_ = std::make_unique<httplib::SSLClient>(
          address.substr(0, colon), port,
          absl::StrCat(gw.pki_dir(), "/clients/", client, ".pem"),
          absl::StrCat(gw.pki_dir(), "/clients/", client, ".key"));
    }
    http_->set_ca_cert_path((gw.pki_dir() + "/ca.pem").c_str());
    http_->enable_server_certificate_verification(true);
    http_->set_read_timeout(30, 0);
  }

  WebAnswer Get(const std::string& path) {
    return Convert(http_->Get(path.c_str(), Headers()));
  }

  // Opens a session: the CSRF cookie and token.
  void OpenSession() {
    WebAnswer session = Get("/session");
    ASSERT_EQ(session.status, 200) << session.body;
    std::string set_cookie = session.headers.find("Set-Cookie")->second;
    cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    google::protobuf::Struct json;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(session.body, &json).ok());
    token_ = json.fields().at("csrfToken").string_value();
  }
  void set_token(const std::string& token) { token_ = token; }
  void set_cookie(const std::string& cookie) { cookie_ = cookie; }
  const std::string& token() const { return token_; }
  const std::string& cookie() const { return cookie_; }

  WebAnswer Post(const std::string& path) {
    return Convert(
        http_->Post(path.c_str(), Headers(), "", "application/json"));
  }

  WebAnswer Api(const std::string& method, const std::string& body) {
    return Convert(http_->Post(absl::StrCat("/api/", method).c_str(), Headers(),
                               body, "application/json"));
  }

 private:
  httplib::Headers Headers() const {
    httplib::Headers h;
    if (!cookie_.empty()) h.emplace("Cookie", cookie_);
    if (!token_.empty()) h.emplace("X-CSRF-Token", token_);
    return h;
  }
  static WebAnswer Convert(const httplib::Result& r) {
    if (!r) return {};
    return {true, r->status, r->body, r->headers};
  }

  std::unique_ptr<httplib::SSLClient> http_;
  std::string cookie_, token_;
};

std::vector<ctg::v1::AuditEvent> EventsFrom(const TestGateway& gw,
                                            uint64_t first) {
  auto audit = ctg::v1::Audit::NewStub(gw.Channel("auditor"));
  ctg::v1::ListEventsRequest request;
  request.set_from_sequence(first);
  auto context = Deadline();
  auto reader = audit->ListEvents(context.get(), request);
  std::vector<ctg::v1::AuditEvent> events;
  ctg::v1::AuditEvent event;
  while (reader->Read(&event)) {
    if (event.method() != "/ctg.v1.Audit/ListEvents") events.push_back(event);
  }
  EXPECT_TRUE(reader->Finish().ok());
  return events;
}

uint64_t NextSequence(const TestGateway& gw) {
  auto audit = ctg::v1::Audit::NewStub(gw.Channel("auditor"));
  ctg::v1::Checkpoint checkpoint;
  EXPECT_TRUE(audit->GetCheckpoint(Deadline().get(), {}, &checkpoint).ok());
  return checkpoint.tree_size() + 2;  // after the GetCheckpoint event itself
}

// The event with its peer's port removed: what must be identical between a
// web call and the gRPC call it stands for.
std::string Comparable(ctg::v1::AuditEvent event) {
  event.clear_sequence();
  event.clear_time();
  event.clear_leaf_hash();
  event.clear_checkpoint();
  std::string peer = event.peer();
  event.set_peer(peer.substr(0, peer.rfind(':')));
  std::string text;
  google::protobuf::util::MessageToJsonString(event, &text);
  return text;
}

grpc::Status StatusOf(const WebAnswer& answer) {
  google::protobuf::Struct json;
  if (!google::protobuf::util::JsonStringToMessage(answer.body, &json).ok()) {
    return grpc::Status(StatusCode::UNKNOWN, "not JSON: " + answer.body);
  }
  return grpc::Status(
      static_cast<StatusCode>(json.fields().at("code").number_value()),
      json.fields().at("message").string_value());
}

std::shared_ptr<grpc::Channel> ChannelWithoutCertificate(
    const TestGateway& gw) {
  std::ifstream in(gw.pki_dir() + "/ca.pem");
  std::stringstream ca;
  ca << in.rdbuf();
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca.str();
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(gw.address(), grpc::SslCredentials(tls),
                                   args);
}

class WebConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override { gw_ = Start(""); }
  std::unique_ptr<TestGateway> Start(const std::string& extra) {
    auto gw = TestGateway::Start(absl::StrCat(extra, kWebConfig));
    EXPECT_TRUE(gw.ok()) << gw.status();
    return gw.ok() ? *std::move(gw) : nullptr;
  }
  std::unique_ptr<TestGateway> gw_;
};

TEST_F(WebConsoleTest, PagesCarryTheSecurityHeadersAndTheCookieIsLockedDown) {
  ASSERT_THAT(gw_->web_address(), HasSubstr("127.0.0.1:"));
  WebClient web(*gw_, "requester-33069");
  for (const std::string path :
       {"/", "/app.js", "/session", "/lib/chart.umd.min.js", "/nope"}) {
    WebAnswer page = web.Get(path);
    ASSERT_TRUE(page.ok) << path;
    EXPECT_EQ(page.status, path == "/nope" ? 404 : 200) << path;
    auto header = [&](const char* name) {
      auto it = page.headers.find(name);
      return it == page.headers.end() ? std::string() : it->second;
    };
    std::string csp = header("Content-Security-Policy");
    EXPECT_THAT(csp, HasSubstr("default-src 'none'")) << path;
    EXPECT_THAT(csp, HasSubstr("script-src 'self';")) << path;
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'")) << path;
    EXPECT_THAT(csp, Not(HasSubstr("unsafe"))) << path;
    EXPECT_THAT(csp, Not(HasSubstr("http"))) << path;  // no third-party origin
    EXPECT_THAT(header("Strict-Transport-Security"), HasSubstr("max-age="))
        << path;
    EXPECT_EQ(header("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(header("Referrer-Policy"), "no-referrer") << path;
  }
  WebAnswer session = web.Get("/session");
  std::string cookie = session.headers.find("Set-Cookie")->second;
  EXPECT_THAT(cookie, HasSubstr("__Host-ctg_csrf="));
  for (const char* attribute :
       {"; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=/"}) {
    EXPECT_THAT(cookie, HasSubstr(attribute));
  }
  EXPECT_THAT(session.body, HasSubstr("\"role\":\"requester\""));
  // The page has no inline script: every <script> names a file of this origin.
  WebAnswer index = web.Get("/");
  EXPECT_THAT(index.body, Not(HasSubstr("<script>")));
  EXPECT_THAT(index.body, Not(HasSubstr("http://")));
  EXPECT_THAT(index.body, Not(HasSubstr("https://")));
}

// Each refused certificate leaves the same tls-handshake event on the web
// listener as on the gRPC port (two gateways: the refusal throttle folds a
// second refusal of the same certificate and reason).
TEST_F(WebConsoleTest,
       RefusedCertificatesAreRefusedAndAuditedLikeOnTheGrpcPort) {
  const std::vector<std::string> refused = {"", "expired", "revoked",
                                            "foreign"};
  uint64_t first = NextSequence(*gw_);
  for (const std::string& client : refused) {
    WebClient web(*gw_, client);
    WebAnswer answer = web.Get("/session");
    EXPECT_FALSE(answer.ok) << client << " got " << answer.status;
  }
  std::vector<ctg::v1::AuditEvent> web_events = EventsFrom(*gw_, first);

  std::unique_ptr<TestGateway> grpc_gw = Start("");
  ASSERT_NE(grpc_gw, nullptr);
  first = NextSequence(*grpc_gw);
  for (const std::string& client : refused) {
    auto channel = client.empty() ? ChannelWithoutCertificate(*grpc_gw)
                                  : grpc_gw->Channel(client);
    ctg::v1::ListIndicatorsResponse response;
    grpc::Status s = ctg::v1::Catalogue::NewStub(channel)->ListIndicators(
        Deadline(5).get(), {}, &response);
    EXPECT_FALSE(s.ok()) << client;
  }
  std::vector<ctg::v1::AuditEvent> grpc_events = EventsFrom(*grpc_gw, first);
  ASSERT_EQ(web_events.size(), refused.size());
  ASSERT_EQ(grpc_events.size(), refused.size());
  for (size_t i = 0; i < refused.size(); ++i) {
    EXPECT_EQ(web_events[i].method(), "tls-handshake");
    EXPECT_EQ(web_events[i].code(),
              static_cast<int>(StatusCode::UNAUTHENTICATED));
    EXPECT_EQ(Comparable(web_events[i]), Comparable(grpc_events[i]))
        << refused[i];
  }
}

TEST_F(WebConsoleTest, AReadLeavesTheEventOfTheGrpcCall) {
  ASSERT_TRUE(LoadDemoData(*gw_).ok());
  WebClient web(*gw_, "requester-33069");
  web.OpenSession();
  uint64_t first = NextSequence(*gw_);
  WebAnswer answer = web.Api("ctg.v1.Catalogue/ListTerritories", "{}");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_THAT(answer.body, HasSubstr("330690101"));
  ctg::v1::ListTerritoriesResponse response;
  ASSERT_TRUE(ctg::v1::Catalogue::NewStub(gw_->Channel("requester-33069"))
                  ->ListTerritories(Deadline().get(), {}, &response)
                  .ok());
  std::vector<ctg::v1::AuditEvent> events = EventsFrom(*gw_, first);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(Comparable(events[0]), Comparable(events[1]));
  EXPECT_EQ(events[0].caller(),
            "spiffe://ctg.caf33.fr/commune/33069/requester/alice.martin");
}

TEST_F(WebConsoleTest, AnotherCommunesRequestIsNotFoundWithTheSameEvent) {
  ASSERT_TRUE(LoadDemoData(*gw_).ok());
  ctg::v1::Scope scope;
  scope.add_indicators("allocataires");
  scope.add_territories("33069");
  scope.add_periods("2023");
  auto id = SubmitAndApprove(*gw_, scope, 2);
  ASSERT_TRUE(id.ok()) << id.status();
  WebClient web(*gw_, "requester-33162");
  web.OpenSession();
  uint64_t first = NextSequence(*gw_);
  WebAnswer answer = web.Api("ctg.v1.DataRequests/GetRequest",
                             absl::StrCat("{\"id\":\"", *id, "\"}"));
  EXPECT_EQ(answer.status, 404);
  ctg::v1::GetRequestRequest get;
  get.set_id(*id);
  ctg::v1::DataRequest request;
  grpc::Status over_grpc =
      ctg::v1::DataRequests::NewStub(gw_->Channel("requester-33162"))
          ->GetRequest(Deadline().get(), get, &request);
  EXPECT_EQ(over_grpc.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(StatusOf(answer).error_code(), over_grpc.error_code());
  EXPECT_EQ(StatusOf(answer).error_message(), over_grpc.error_message());
  std::vector<ctg::v1::AuditEvent> events = EventsFrom(*gw_, first);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(Comparable(events[0]), Comparable(events[1]));
}

TEST_F(WebConsoleTest,
       AMethodTheRoleMayNotCallIsRefusedLikeOverGrpcAndChangesNothing) {
  WebClient web(*gw_, "requester-33069");
  web.OpenSession();
  uint64_t first = NextSequence(*gw_);
  const std::string body = R"({"convention":{}})";
  WebAnswer answer = web.Api("ctg.v1.Conventions/CreateConvention", body);
  EXPECT_EQ(answer.status, 403);
  ctg::v1::CreateConventionRequest create;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(body, &create).ok());
  ctg::v1::Convention convention;
  grpc::Status over_grpc =
      ctg::v1::Conventions::NewStub(gw_->Channel("requester-33069"))
          ->CreateConvention(Deadline().get(), create, &convention);
  EXPECT_EQ(over_grpc.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(StatusOf(answer).error_message(), over_grpc.error_message());
  std::vector<ctg::v1::AuditEvent> events = EventsFrom(*gw_, first);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(Comparable(events[0]), Comparable(events[1]));
  ctg::v1::ListConventionsResponse list;
  ASSERT_TRUE(ctg::v1::Conventions::NewStub(gw_->Channel("admin"))
                  ->ListConventions(Deadline().get(), {}, &list)
                  .ok());
  EXPECT_EQ(list.conventions_size(), 0);
}

TEST_F(WebConsoleTest,
       ABodyThatIsNotTheMethodsMessageIsRefusedLikeAnUnparseableGrpcMessage) {
  WebClient web(*gw_, "admin");
  web.OpenSession();
  uint64_t first = NextSequence(*gw_);
  WebAnswer answer =
      web.Api("ctg.v1.Catalogue/ListIndicators", R"({"notAField": 1})");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.body,
              HasSubstr("notAField"));  // the reason, readable in the page
  grpc::GenericStub stub(gw_->Channel("admin"));
  grpc::Slice slice(std::string("\x0a\x64zz"));
  grpc::ByteBuffer request(&slice, 1), response;
  auto context = Deadline(10);
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), "/ctg.v1.Catalogue/ListIndicators",
                 grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status over_grpc = done.get_future().get();
  EXPECT_EQ(over_grpc.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(StatusOf(answer).error_code(), over_grpc.error_code());
  EXPECT_EQ(StatusOf(answer).error_message(), over_grpc.error_message());
  std::vector<ctg::v1::AuditEvent> events = EventsFrom(*gw_, first);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(Comparable(events[0]), Comparable(events[1]));
}

TEST_F(WebConsoleTest,
       AMissingOrForgedCsrfTokenIsRefusedRecordedAndChangesNothing) {
  ASSERT_TRUE(LoadDemoData(*gw_).ok());
  const std::string submit =
      R"({"purpose":"Diagnostic social territorial par IRIS",
      "objective":"Axe I.2 veille sociale territoriale","retentionMonths":12,
      "scope":{"indicators":["allocataires"],"territories":["33069"],"periods":["2023"]}})";
  WebClient other(*gw_, "requester2-33069");
  other.OpenSession();
  WebClient web(*gw_, "requester-33069");
  web.OpenSession();
  const std::string token = web.token(), cookie = web.cookie();
  uint64_t first = NextSequence(*gw_);
  struct Case {
    const char* what;
    std::string token, cookie;
  };
  const std::string forged = "00112233445566778899aabbccddeeff.0123";
  for (const Case& c : std::vector<Case>{
           {"no header", "", cookie},
           {"no cookie", token, ""},
           {"header differs from cookie", forged, cookie},
           {"forged pair", forged, std::string("__Host-ctg_csrf=") + forged},
           {"another certificate's token", other.token(), other.cookie()}}) {
    web.set_token(c.token);
    web.set_cookie(c.cookie);
    WebAnswer answer = web.Api("ctg.v1.DataRequests/SubmitRequest", submit);
    EXPECT_EQ(answer.status, 403) << c.what << ": " << answer.body;
    EXPECT_EQ(StatusOf(answer).error_code(), StatusCode::PERMISSION_DENIED)
        << c.what;
    EXPECT_THAT(StatusOf(answer).error_message(), HasSubstr("CSRF")) << c.what;
  }
  std::vector<ctg::v1::AuditEvent> events = EventsFrom(*gw_, first);
  ASSERT_EQ(events.size(), 5u);
  for (const auto& e : events) {
    EXPECT_EQ(e.method(), "/ctg.v1.DataRequests/SubmitRequest");
    EXPECT_EQ(e.caller(),
              "spiffe://ctg.caf33.fr/commune/33069/requester/alice.martin");
    EXPECT_EQ(e.code(), static_cast<int>(StatusCode::PERMISSION_DENIED));
  }
  ctg::v1::ListRequestsResponse list;
  ASSERT_TRUE(ctg::v1::DataRequests::NewStub(gw_->Channel("reviewer"))
                  ->ListRequests(Deadline().get(), {}, &list)
                  .ok());
  EXPECT_EQ(list.requests_size(), 0);
  // With its token the same call goes through.
  web.set_token(token);
  web.set_cookie(cookie);
  WebAnswer accepted = web.Api("ctg.v1.DataRequests/SubmitRequest", submit);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_THAT(accepted.body, HasSubstr("\"state\":\"SUBMITTED\""));
}

// R9: a message over limits.max_message_bytes is the gateway's own refusal
// through the web API as over gRPC: the same code, message and event, for a
// unary call and for any message of a client stream; a message at the limit
// is served. Beyond limits.transport_max_message_bytes gRPC's transport
// refuses it, unaudited, on both; beyond web.max_body_bytes the body is not
// even read.
TEST_F(WebConsoleTest, AnOversizedMessageIsAnAuditedRefusalLikeOverGrpc) {
  std::unique_ptr<TestGateway> gw =
      TestGateway::Start(
          "max_message_bytes = 65536\n[web]\nlisten = \"127.0.0.1:0\"\n"
          "max_body_bytes = 1048576\n")
          .value();
  const std::string limit = "over limits.max_message_bytes = 65536";
  WebClient web(*gw, "requester-33069");
  web.OpenSession();
  uint64_t first = NextSequence(*gw);
  const std::string purpose(100000, 'a');
  WebAnswer answer = web.Api("ctg.v1.DataRequests/SubmitRequest",
                             absl::StrCat(R"({"purpose":")", purpose, "\"}"));
  ctg::v1::SubmitRequestRequest submit;
  submit.set_purpose(purpose);
  ctg::v1::DataRequest request;
  grpc::Status over_grpc =
      ctg::v1::DataRequests::NewStub(gw->Channel("requester-33069"))
          ->SubmitRequest(Deadline().get(), submit, &request);
  EXPECT_EQ(over_grpc.error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(over_grpc.error_message(),
            absl::StrCat("request: the message is ", submit.ByteSizeLong(),
                         " bytes, ", limit));
  EXPECT_EQ(answer.status, 429) << answer.body;
  EXPECT_EQ(StatusOf(answer).error_code(), over_grpc.error_code());
  EXPECT_EQ(StatusOf(answer).error_message(), over_grpc.error_message());
  // One event each, the same.
  std::vector<ctg::v1::AuditEvent> events = EventsFrom(*gw, first);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].method(), "/ctg.v1.DataRequests/SubmitRequest");
  EXPECT_EQ(events[0].code(), static_cast<int>(StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_THAT(events[0].caller(), HasSubstr("/commune/33069/requester/"));
  EXPECT_EQ(Comparable(events[0]), Comparable(events[1]));
  ctg::v1::ListRequestsResponse list;
  ASSERT_TRUE(ctg::v1::DataRequests::NewStub(gw->Channel("reviewer"))
                  ->ListRequests(Deadline().get(), {}, &list)
                  .ok());
  EXPECT_EQ(list.requests_size(), 0);

  // At the limit (1 + 3 + 65532 bytes), then one byte over.
  WebClient auditor(*gw, "auditor");
  auditor.OpenSession();
  WebAnswer at = auditor.Api(
      "ctg.v1.Audit/ListEvents",
      absl::StrCat(R"({"caller":")", std::string(65532, 'c'), "\"}"));
  EXPECT_EQ(at.status, 200) << at.body.substr(0, 300);
  WebAnswer above = auditor.Api(
      "ctg.v1.Audit/ListEvents",
      absl::StrCat(R"({"caller":")", std::string(65533, 'c'), "\"}"));
  EXPECT_EQ(above.status, 429) << above.body.substr(0, 300);
  EXPECT_EQ(StatusOf(above).error_message(),
            absl::StrCat("request: the message is 65537 bytes, ", limit));

  // The second message of a client stream (1 + 3 + 70000 bytes).
  WebClient admin(*gw, "admin");
  admin.OpenSession();
  first = NextSequence(*gw);
  WebAnswer import = admin.Api(
      "ctg.v1.Statistics/ImportStatistics",
      absl::StrCat(R"([{"header":{"period":"2023","fileName":"a.csv"}},)",
                   R"({"csvData":")",
                   absl::Base64Escape(std::string(70000, 'x')), "\"}]"));
  EXPECT_EQ(import.status, 429) << import.body.substr(0, 300);
  EXPECT_EQ(
      StatusOf(import).error_message(),
      absl::StrCat("request: message 2 of the stream is 70004 bytes, ", limit));
  events = EventsFrom(*gw, first);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].method(), "/ctg.v1.Statistics/ImportStatistics");
  EXPECT_EQ(events[0].code(), static_cast<int>(StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_THAT(events[0].caller(), HasSubstr("/caf/33/admin/"));

  // Beyond the transport's cap (4 x 65536): gRPC's refusal, no event, on
  // both.
  first = NextSequence(*gw);
  const std::string huge(300000, 'a');
  WebAnswer beyond = web.Api("ctg.v1.DataRequests/SubmitRequest",
                             absl::StrCat(R"({"purpose":")", huge, "\"}"));
  submit.set_purpose(huge);
  grpc::Status beyond_grpc =
      ctg::v1::DataRequests::NewStub(gw->Channel("requester-33069"))
          ->SubmitRequest(Deadline().get(), submit, &request);
  EXPECT_EQ(beyond_grpc.error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(StatusOf(beyond).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(StatusOf(beyond).error_message(),
              HasSubstr("Received message larger than max"));
  EXPECT_THAT(EventsFrom(*gw, first), ::testing::IsEmpty());

  // Beyond web.max_body_bytes the body is not even read, and the refusal
  // is recorded with the certificate's identity.
  first = NextSequence(*gw);
  WebAnswer too_big =
      web.Api("ctg.v1.DataRequests/SubmitRequest", std::string(2 << 20, ' '));
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(StatusOf(too_big).error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(StatusOf(too_big).error_message(),
            "the request body exceeds web.max_body_bytes = 1048576 bytes");
  events = EventsFrom(*gw, first);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].method(), "/ctg.v1.DataRequests/SubmitRequest");
  EXPECT_EQ(events[0].code(), static_cast<int>(StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_THAT(events[0].caller(), HasSubstr("/commune/33069/requester/"));
}

// R9: a report asked with days that are not days is refused naming them,
// and the refusal is an event like any refused listing.
TEST_F(WebConsoleTest, AReportWithBadDaysIsAnAuditedRefusal) {
  WebClient web(*gw_, "reviewer");
  web.OpenSession();
  uint64_t first = NextSequence(*gw_);
  WebAnswer answer = web.Post("/report/evaluation?from=2026-13-01&to=x");
  EXPECT_EQ(answer.status, 400) << answer.body;
  EXPECT_EQ(StatusOf(answer).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(StatusOf(answer).error_message(), "from, to: days as YYYY-MM-DD");
  std::vector<ctg::v1::AuditEvent> events = EventsFrom(*gw_, first);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].method(), "/ctg.v1.DataRequests/ListRequests");
  EXPECT_EQ(events[0].code(), static_cast<int>(StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(events[0].caller(), HasSubstr("/caf/33/reviewer/"));
}

// TLS 1.2 and 1.3 only; a client that is not TLS, or too old, is turned
// away without being recorded as a refused identity (it never got as far
// as presenting a certificate).
TEST_F(WebConsoleTest,
       OnlyTls12AndLaterAreServedAndOtherFailuresAreNotIdentityRefusals) {
  uint64_t first = NextSequence(*gw_);
  auto s_client = [&](const std::string& version,
                      const std::string& cipher = "DEFAULT@SECLEVEL=0") {
    return RunProgram(
        {"/usr/bin/openssl", "s_client", "-connect", gw_->web_address(),
         version, "-cipher", cipher, "-CAfile", gw_->pki_dir() + "/ca.pem",
         "-cert", gw_->pki_dir() + "/clients/requester-33069.pem", "-key",
         gw_->pki_dir() + "/clients/requester-33069.key"},
        {}, "");
  };
  RunResult tls11 = s_client("-tls1_1");
  EXPECT_EQ(tls11.exit_code, 1)
      << tls11.out;  // the handshake failed (not: no program)
  EXPECT_THAT(tls11.out + tls11.err, HasSubstr("alert protocol version"));
  // A TLS 1.2 suite without forward secrecy: no shared cipher.
  RunResult weak = s_client("-tls1_2", "AES128-SHA@SECLEVEL=0");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_THAT(weak.out + weak.err, HasSubstr("handshake failure"));
  RunResult tls12 = s_client("-tls1_2");
  EXPECT_EQ(tls12.exit_code, 0) << tls12.err;
  EXPECT_THAT(tls12.out, HasSubstr("TLSv1.2"));
  size_t colon = gw_->web_address().rfind(':');
  httplib::Client plain(gw_->web_address().substr(0, colon),
                        std::stoi(gw_->web_address().substr(colon + 1)));
  plain.set_read_timeout(5, 0);
  httplib::Result answer = plain.Get("/");
  EXPECT_FALSE(answer && answer->status == 200);
  for (const auto& e : EventsFrom(*gw_, first)) {
    EXPECT_NE(e.method(), "tls-handshake") << e.message();
  }
}

}  // namespace
}  // namespace ctg::testing
