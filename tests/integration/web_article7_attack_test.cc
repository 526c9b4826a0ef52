// Attacks on the web console's Article 7 calls over real HTTPS (the Caf's
// requests, the commune's upload, onward-transfer agreements): CSRF on
// every state-changing call of these pages, an upload body that is not the
// method's messages, an upload off the template or too large, and page
// tokens forged or taken from another caller's listing. Each refusal: the
// code of the gRPC call, an event, nothing changed, no other tenant's text.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "ctg/v1/transfer_agreements.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kGoodCsv[] =
    "territory,period,places_creche\n330690101,2023,42\n330690102,2023,18\n";

struct WebAnswer {
  int status = 0;
  std::string body;
};

// A browser presenting `client`'s certificate, with its CSRF session.
class Browser {
 public:
  Browser(const TestGateway& gw, const std::string& client) {
    const std::string& address = gw.web_address();
    size_t colon = address.rfind(':');
    int port = 0;
    EXPECT_TRUE(absl::SimpleAtoi(address.substr(colon + 1), &port));
    http_ = std::make_unique<httplib::SSLClient>(
        address.substr(0, colon), port,
        absl::StrCat(gw.pki_dir(), "/clients/", client, ".pem"),
        absl::StrCat(gw.pki_dir(), "/clients/", client, ".key"));
    http_->set_ca_cert_path((gw.pki_dir() + "/ca.pem").c_str());
    http_->enable_server_certificate_verification(true);
    http_->set_read_timeout(30, 0);
    auto session = http_->Get("/session");
    EXPECT_TRUE(session && session->status == 200);
    if (!session) return;
    std::string set_cookie = session->get_header_value("Set-Cookie");
    cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    google::protobuf::Struct json;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(session->body, &json).ok());
    token_ = json.fields().at("csrfToken").string_value();
  }
  WebAnswer Api(const std::string& method, const std::string& body,
                const std::string& token, const std::string& cookie) {
    httplib::Headers h;
    if (!cookie.empty()) h.emplace("Cookie", cookie);
    if (!token.empty()) h.emplace("X-CSRF-Token", token);
    auto r = http_->Post(absl::StrCat("/api/", method).c_str(), h, body,
                         "application/json");
    if (!r) return {};
    return {r->status, r->body};
  }
  WebAnswer Api(const std::string& method, const std::string& body) {
    return Api(method, body, token_, cookie_);
  }
  const std::string& token() const { return token_; }
  const std::string& cookie() const { return cookie_; }

 private:
  std::unique_ptr<httplib::SSLClient> http_;
  std::string cookie_, token_;
};

google::protobuf::Struct JsonOf(const WebAnswer& answer) {
  google::protobuf::Struct json;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(answer.body, &json).ok())
      << answer.body;
  return json;
}

int CodeOf(const WebAnswer& answer) {
  return static_cast<int>(JsonOf(answer).fields().at("code").number_value());
}

std::string Base64(const std::string& bytes) {
  return absl::Base64Escape(bytes);
}

// The JSON body of UploadCafRequestData: the header, then the file.
std::string UploadBody(const std::string& id, const std::string& content) {
  return absl::StrCat(R"([{"header":{"requestId":")", id,
                      R"(","noPersonalData":true}},{"data":")", Base64(content),
                      R"("}])");
}

class WebArticle7AttackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto gw = TestGateway::Start(
        "[limits]\nmax_upload_bytes = 4096\n[web]\nlisten = "
        "\"127.0.0.1:0\"\n");
    ASSERT_TRUE(gw.ok()) << gw.status();
    gw_ = gw->release();
    ASSERT_TRUE(LoadDemoData(*gw_, {"2023"}).ok());
  }
  static void TearDownTestSuite() {
    delete gw_;
    gw_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(gw_, nullptr); }

  static std::unique_ptr<ctg::v1::CafRequests::Stub> Caf(
      const std::string& who) {
    return ctg::v1::CafRequests::NewStub(gw_->Channel(who));
  }

  static uint64_t TreeSize() {
    auto stub = ctg::v1::Audit::NewStub(gw_->Channel("auditor"));
    ctg::v1::Checkpoint checkpoint;
    EXPECT_TRUE(stub->GetCheckpoint(Deadline().get(), {}, &checkpoint).ok());
    return checkpoint.tree_size();
  }
  // Events after `mark`, the auditor's own aside.
  static std::vector<ctg::v1::AuditEvent> CallsSince(uint64_t mark) {
    auto stub = ctg::v1::Audit::NewStub(gw_->Channel("auditor"));
    ctg::v1::ListEventsRequest request;
    request.set_from_sequence(mark + 1);
    auto context = Deadline();
    auto reader = stub->ListEvents(context.get(), request);
    std::vector<ctg::v1::AuditEvent> events;
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) {
      if (e.method().rfind("/ctg.v1.Audit/", 0) != 0) events.push_back(e);
    }
    EXPECT_TRUE(reader->Finish().ok());
    return events;
  }

  // A Caf request to Le Bouscat with a template, SUBMITTED.
  static std::string Submitted() {
    ctg::v1::SubmitCafRequestRequest r;
    r.set_commune("33069");
    r.set_purpose("Diagnostic partagé : offre d'accueil du jeune enfant");
    r.set_objective("Axe II.1 petite enfance");
    r.set_description("Places en crèche municipale par IRIS");
    ctg::v1::DataTemplate* t = r.mutable_data_template();
    for (const char* c : {"territory", "period", "places_creche"})
      t->add_columns(c);
    t->add_territories("330690101");
    t->add_territories("330690102");
    t->add_periods("2023");
    ctg::v1::Recipient* own = r.add_recipients();
    own->set_kind(ctg::v1::Recipient::OWN_SERVICE);
    own->set_name("Service action sociale de la Caf");
    r.set_retention_months(24);
    ctg::v1::CafRequest out;
    grpc::Status s =
        Caf("caf-requester")->SubmitCafRequest(Deadline().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.id();
  }
  // The same, approved by Le Bouscat's reviewer.
  static std::string Approved() {
    std::string id = Submitted();
    ctg::v1::CafRequest out;
    ctg::v1::StartCafRequestStudyRequest start;
    start.set_id(id);
    EXPECT_TRUE(Caf("commune-reviewer-33069")
                    ->StartCafRequestStudy(Deadline().get(), start, &out)
                    .ok());
    ctg::v1::DecideCafRequestRequest d;
    d.set_id(id);
    d.set_decision(ctg::v1::DecideRequestRequest::APPROVE);
    d.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
    d.mutable_opportunity()->set_reasoning("Utile au diagnostic");
    d.mutable_feasibility()->set_opinion(ctg::v1::FAVOURABLE);
    d.mutable_feasibility()->set_reasoning("Données tenues");
    d.set_download_quota(2);
    grpc::Status s = Caf("commune-reviewer-33069")
                         ->DecideCafRequest(Deadline().get(), d, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return id;
  }
  static ctg::v1::CafRequest Get(const std::string& id) {
    ctg::v1::GetCafRequestRequest r;
    r.set_id(id);
    ctg::v1::CafRequest out;
    EXPECT_TRUE(Caf("auditor")->GetCafRequest(Deadline().get(), r, &out).ok());
    return out;
  }
  // An extract id Le Bouscat holds (approved, downloaded once).
  static std::string HeldExtract() {
    ctg::v1::Scope scope;
    scope.add_indicators("allocataires");
    scope.add_territories("33069");
    scope.add_periods("2023");
    auto id = SubmitAndApprove(*gw_, scope, 1);
    EXPECT_TRUE(id.ok()) << id.status();
    auto stub = ctg::v1::Extracts::NewStub(gw_->Channel("requester-33069"));
    auto context = Deadline(60);
    ctg::v1::GetExtractRequest request;
    request.set_request_id(*id);
    auto reader = stub->GetExtract(context.get(), request);
    ctg::v1::ExtractChunk chunk;
    std::string extract_id;
    while (reader->Read(&chunk)) {
      if (chunk.has_header()) extract_id = chunk.header().extract_id();
    }
    EXPECT_TRUE(reader->Finish().ok());
    return extract_id;
  }

  static TestGateway* gw_;
};

TestGateway* WebArticle7AttackTest::gw_ = nullptr;

// Every state-changing call of the new pages, without a token, with a
// forged one and with another certificate's: 403, recorded under the
// method with the caller, not run.
TEST_F(WebArticle7AttackTest, CsrfGuardsEveryNewStateChangingCall) {
  const std::string submitted = Submitted();
  const std::string approved = Approved();
  const std::string extract_id = HeldExtract();
  ctg::v1::TransferAgreement pending;
  {
    ctg::v1::RequestTransferAgreementRequest r;
    r.set_extract_id(extract_id);
    r.set_recipient("Centre social du Bouscat");
    r.set_purpose("Atelier parentalité");
    ASSERT_TRUE(
        ctg::v1::TransferAgreements::NewStub(gw_->Channel("requester-33069"))
            ->RequestTransferAgreement(Deadline().get(), r, &pending)
            .ok());
  }
  struct Call {
    std::string who, method, body;
  };
  const std::vector<Call> calls = {
      {"caf-requester", "ctg.v1.CafRequests/SubmitCafRequest",
       R"({"commune":"33069","purpose":"P","objective":"O","description":"D","retentionMonths":12})"},
      {"caf-requester", "ctg.v1.CafRequests/WithdrawCafRequest",
       absl::StrCat(R"({"id":")", submitted, R"(","reason":"r"})")},
      {"commune-reviewer-33069", "ctg.v1.CafRequests/StartCafRequestStudy",
       absl::StrCat(R"({"id":")", submitted, R"("})")},
      {"commune-reviewer-33069", "ctg.v1.CafRequests/UploadCafRequestData",
       UploadBody(approved, kGoodCsv)},
      {"commune-reviewer-33069", "ctg.v1.CafRequests/RevokeCafRequest",
       absl::StrCat(R"({"id":")", approved, R"(","reason":"r"})")},
      {"requester-33069", "ctg.v1.TransferAgreements/RequestTransferAgreement",
       absl::StrCat(R"({"extractId":")", extract_id,
                    R"(","recipient":"Journal","purpose":"Publier"})")},
      {"reviewer", "ctg.v1.TransferAgreements/DecideTransferAgreement",
       absl::StrCat(R"({"id":")", pending.id(),
                    R"(","decision":"APPROVE","reasons":"ok"})")},
  };
  Browser other(*gw_, "requester2-33069");
  const std::string forged = "00112233445566778899aabbccddeeff.0123";
  for (const Call& call : calls) {
    Browser web(*gw_, call.who);
    struct Attempt {
      const char* what;
      std::string token, cookie;
    };
    for (const Attempt& a : std::vector<Attempt>{
             {"no token", "", web.cookie()},
             {"forged pair", forged, "__Host-ctg_csrf=" + forged},
             {"another certificate's", other.token(), other.cookie()}}) {
      SCOPED_TRACE(call.method + ", " + a.what);
      const uint64_t mark = TreeSize();
      WebAnswer answer = web.Api(call.method, call.body, a.token, a.cookie);
      EXPECT_EQ(answer.status, 403) << answer.body;
      EXPECT_EQ(CodeOf(answer),
                static_cast<int>(StatusCode::PERMISSION_DENIED));
      EXPECT_THAT(answer.body, HasSubstr("CSRF"));
      auto events = CallsSince(mark);
      ASSERT_EQ(events.size(), 1u);
      EXPECT_EQ(events[0].method(), "/" + call.method);
      EXPECT_EQ(events[0].code(),
                static_cast<int>(StatusCode::PERMISSION_DENIED));
      EXPECT_THAT(events[0].caller(), Not(HasSubstr("bruno.petit")));
    }
  }
  // Nothing changed.
  EXPECT_EQ(Get(submitted).state(), ctg::v1::SUBMITTED);
  EXPECT_EQ(Get(approved).state(), ctg::v1::APPROVED);
  EXPECT_FALSE(Get(approved).has_upload());
  ctg::v1::ListCafRequestsResponse all;
  ASSERT_TRUE(Caf("auditor")->ListCafRequests(Deadline().get(), {}, &all).ok());
  EXPECT_EQ(all.requests_size(), 2);
  ctg::v1::ListTransferAgreementsResponse agreements;
  ASSERT_TRUE(ctg::v1::TransferAgreements::NewStub(gw_->Channel("auditor"))
                  ->ListTransferAgreements(Deadline().get(), {}, &agreements)
                  .ok());
  ASSERT_EQ(agreements.agreements_size(), 1);
  EXPECT_EQ(agreements.agreements(0).state(), ctg::v1::AGREEMENT_REQUESTED);
}

// An upload body that is not the method's messages, a file off the
// template, one over limits.max_upload_bytes: the code of the gRPC call, a
// message naming the problem, one event, nothing stored; then the right
// file is taken.
TEST_F(WebArticle7AttackTest, BadUploadBodiesAndFilesStoreNothing) {
  const std::string id = Approved();
  Browser web(*gw_, "commune-reviewer-33069");
  struct Case {
    std::string what, body;
    int http;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"an object, not an array",
       absl::StrCat(R"({"header":{"requestId":")", id, R"("}})"), 400,
       "JSON array"},
      {"an unknown field",
       absl::StrCat(R"([{"header":{"requestId":")", id,
                    R"(","noPersonalData":true,"owner":"x"}}])"),
       400, "owner"},
      {"data before the header",
       absl::StrCat(R"([{"data":")", Base64(kGoodCsv), R"("}])"), 400,
       "header"},
      {"two headers",
       absl::StrCat(R"([{"header":{"requestId":")", id,
                    R"(","noPersonalData":true}},{"header":{"requestId":")", id,
                    R"("}}])"),
       400, "only data follows the header"},
      {"data that is not base64",
       absl::StrCat(R"([{"header":{"requestId":")", id,
                    R"(","noPersonalData":true}},{"data":"%%%"}])"),
       400, "data"},
      {"a column off the template",
       UploadBody(id, "territory,period,places_creche\n330690199,2023,4\n"),
       400, "line 2, column territory"},
      {"a cell a spreadsheet would run as a formula",
       UploadBody(id,
                  "territory,period,places_creche\n330690101,2023,"
                  "\"=HYPERLINK(\"\"http://x\"\")\"\n"),
       400, "line 2, column places_creche"},
      {"a file over limits.max_upload_bytes",
       UploadBody(id,
                  "territory,period,places_creche\n" + std::string(5000, '1')),
       429, "limits.max_upload_bytes (4096)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const uint64_t mark = TreeSize();
    WebAnswer answer =
        web.Api("ctg.v1.CafRequests/UploadCafRequestData", c.body);
    EXPECT_EQ(answer.status, c.http) << answer.body;
    EXPECT_THAT(answer.body, HasSubstr(c.message));
    auto events = CallsSince(mark);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].method(), "/ctg.v1.CafRequests/UploadCafRequestData");
    EXPECT_NE(events[0].code(), 0);
    EXPECT_FALSE(Get(id).has_upload());
  }
  WebAnswer good = web.Api("ctg.v1.CafRequests/UploadCafRequestData",
                           UploadBody(id, kGoodCsv));
  EXPECT_EQ(good.status, 200) << good.body;
  EXPECT_TRUE(Get(id).has_upload());
}

// A page token is a position, not a permission: taken from another
// caller's listing or forged, it gives only the caller's own rows; a
// malformed one is refused without any other tenant's text.
TEST_F(WebArticle7AttackTest, PageTokensOfOthersOrForgedLeakNothing) {
  Submitted();
  Submitted();
  Browser caf(*gw_, "caf-requester");
  WebAnswer first =
      caf.Api("ctg.v1.CafRequests/ListCafRequests", R"({"pageSize":1})");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string token =
      JsonOf(first).fields().at("nextPageToken").string_value();
  ASSERT_FALSE(token.empty());

  Browser eysines(*gw_, "commune-reviewer-33162");
  for (const std::string& t : {token, std::string("CREQ-999999")}) {
    SCOPED_TRACE(t);
    WebAnswer page =
        eysines.Api("ctg.v1.CafRequests/ListCafRequests",
                    absl::StrCat(R"({"pageSize":1,"pageToken":")", t, R"("})"));
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_THAT(page.body, Not(HasSubstr("33069")));
    EXPECT_THAT(page.body, Not(HasSubstr("CREQ-")));
  }
  for (const std::string& t :
       {std::string("REQ-000001"), std::string("CREQ-1' OR 1=1")}) {
    SCOPED_TRACE(t);
    WebAnswer page = eysines.Api("ctg.v1.CafRequests/ListCafRequests",
                                 absl::StrCat(R"({"pageToken":")", t, R"("})"));
    EXPECT_EQ(page.status, 400) << page.body;
    EXPECT_EQ(JsonOf(page).fields().at("message").string_value(),
              "page_token: not a token returned by ListCafRequests");
  }
  // The Caf's reviewer queue token in a commune's hands.
  const std::string extract_id = HeldExtract();
  (void)extract_id;
  Browser reviewer(*gw_, "reviewer");
  WebAnswer queue =
      reviewer.Api("ctg.v1.DataRequests/ListRequests", R"({"pageSize":1})");
  ASSERT_EQ(queue.status, 200) << queue.body;
  Browser other_commune(*gw_, "requester-33162");
  WebAnswer theirs = other_commune.Api(
      "ctg.v1.DataRequests/ListRequests",
      absl::StrCat(R"({"pageToken":")",
                   JsonOf(queue).fields().at("nextPageToken").string_value(),
                   R"("})"));
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_THAT(theirs.body, Not(HasSubstr("\"33069\"")));
}

// R9: what a caller puts in an API URL does not reach the audit trail
// unchecked: a method name with a line break or other control characters,
// refused for its missing CSRF token, is recorded without them (a trail
// read as text must not show forged lines).
TEST_F(WebArticle7AttackTest, AnApiUrlCannotWriteControlCharactersInTheTrail) {
  Browser web(*gw_, "requester-33069");
  const uint64_t mark = TreeSize();
  for (const std::string path :
       {"ctg.v1.X%0A2026-12-07T00:00:00Z%20caller=admin/Y",
        "ctg.v1.DataRequests/SubmitRequest%0D%1B[2J"}) {
    WebAnswer answer = web.Api(path, "{}", "", web.cookie());
    EXPECT_NE(answer.status, 200) << answer.body;
  }
  // The same through gRPC: an id is the event's target.
  ctg::v1::GetTransferAgreementRequest get;
  get.set_id("AGR-000001\n2026-12-07 caller=admin");
  ctg::v1::TransferAgreement out;
  EXPECT_EQ(
      ctg::v1::TransferAgreements::NewStub(gw_->Channel("requester-33069"))
          ->GetTransferAgreement(Deadline().get(), get, &out)
          .error_code(),
      StatusCode::INVALID_ARGUMENT);
  auto events = CallsSince(mark);
  ASSERT_EQ(events.size(), 3u);
  for (const auto& e : events) {
    for (const std::string& text : {e.method(), e.target_id()}) {
      for (char c : text) {
        EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            << "control character in event " << e.sequence() << ": "
            << absl::CEscape(text);
      }
    }
  }
  EXPECT_EQ(events[0].method(),
            "/ctg.v1.X\\x0a2026-12-07T00:00:00Z caller=admin/Y");
}

// Bad input: an API URL that names no method, sent with a valid CSRF
// token, is refused and recorded like any other refused call.
TEST_F(WebArticle7AttackTest, AnApiUrlNamingNoMethodIsRefusedAndRecorded) {
  Browser web(*gw_, "requester-33069");
  for (const std::string path :
       {"ctg.v1.X%0AFAKE/Y", "ctg.v1.CafRequests/List/More", "nothing"}) {
    SCOPED_TRACE(path);
    const uint64_t mark = TreeSize();
    WebAnswer answer = web.Api(path, "{}");
    EXPECT_NE(answer.status, 200) << answer.body;
    auto events = CallsSince(mark);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_NE(events[0].code(), 0);
    EXPECT_EQ(events[0].caller(),
              "spiffe://ctg.caf33.fr/commune/33069/requester/alice.martin");
  }
}

}  // namespace
}  // namespace ctg::testing
