// Article 7 both ways over real mTLS (R1, R3, R8, R9): the Caf's requests to
// a commune from filing to the commune's upload and the Caf's download with
// a signed receipt; a rejection; tenant isolation (another commune's
// reviewer: NOT_FOUND); bad uploads refused with the right code, nothing
// stored and one event each; onward-transfer agreements approved and
// rejected, with the decision's receipt, listed in the release's receipt
// and by `ctg request show`; revocation, the convention's termination and
// suspension and what they do to agreements.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "audit/hash.h"
#include "audit/note_key.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "ctg/v1/transfer_agreements.grpc.pb.h"
#include "extract/receipt.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"
#include "tests/testing/temp_dir.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Code = grpc::StatusCode;
using Decision = ctg::v1::DecideRequestRequest;
using AgreementDecision = ctg::v1::DecideTransferAgreementRequest;

constexpr char kCaf[] = "caf-requester";
constexpr char kIneS[] = "commune-reviewer-33069";
constexpr char kJules[] = "commune-reviewer2-33069";
constexpr char kEysines[] = "commune-reviewer-33162";
constexpr char kGoodCsv[] =
    "territory,period,places_creche\n330690101,2023,42\n330690102,2023,18\n";
constexpr int kMaxUpload = 4096;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class Article7Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto gw = TestGateway::Start(
        absl::StrCat("[limits]\nmax_upload_bytes = ", kMaxUpload, "\n"));
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = gw->release();
    auto loaded = LoadDemoData(*gateway_, {"2023"});
    ASSERT_TRUE(loaded.ok()) << loaded.status();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static std::unique_ptr<ctg::v1::CafRequests::Stub> Caf(
      const std::string& who) {
    return ctg::v1::CafRequests::NewStub(gateway_->Channel(who));
  }
  static std::unique_ptr<ctg::v1::TransferAgreements::Stub> Agreements(
      const std::string& who) {
    return ctg::v1::TransferAgreements::NewStub(gateway_->Channel(who));
  }

  static uint64_t TreeSize() {
    auto stub = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
    ctg::v1::Checkpoint checkpoint;
    EXPECT_TRUE(stub->GetCheckpoint(Deadline().get(), {}, &checkpoint).ok());
    return checkpoint.tree_size();
  }

  // Events after `mark` of `method` (all methods when empty).
  static std::vector<ctg::v1::AuditEvent> EventsSince(
      uint64_t mark, const std::string& method) {
    auto stub = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
    ctg::v1::ListEventsRequest request;
    request.set_from_sequence(mark + 1);
    request.set_method(method);
    auto context = Deadline();
    auto reader = stub->ListEvents(context.get(), request);
    std::vector<ctg::v1::AuditEvent> events;
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) events.push_back(e);
    EXPECT_TRUE(reader->Finish().ok());
    return events;
  }

  static ctg::v1::SubmitCafRequestRequest Submission(
      bool with_template = true) {
    ctg::v1::SubmitCafRequestRequest r;
    r.set_commune("33069");
    r.set_purpose(
        "Diagnostic partagé de la CTG : offre d'accueil du jeune enfant par "
        "IRIS");
    r.set_objective("Axe II.1 petite enfance");
    r.set_description(
        "Places en crèche municipale par IRIS, au 31 décembre 2023");
    if (with_template) {
      ctg::v1::DataTemplate* t = r.mutable_data_template();
      for (const char* c : {"territory", "period", "places_creche"})
        t->add_columns(c);
      t->add_territories("330690101");
      t->add_territories("330690102");
      t->add_periods("2023");
    }
    ctg::v1::Recipient* own = r.add_recipients();
    own->set_kind(ctg::v1::Recipient::OWN_SERVICE);
    own->set_name("Service action sociale de la Caf");
    r.set_retention_months(24);
    return r;
  }

  static ctg::v1::CafRequest Submit(bool with_template = true) {
    ctg::v1::CafRequest out;
    grpc::Status s = Caf(kCaf)->SubmitCafRequest(
        Deadline().get(), Submission(with_template), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  static grpc::Status Start(const std::string& who, const std::string& id) {
    ctg::v1::StartCafRequestStudyRequest r;
    r.set_id(id);
    ctg::v1::CafRequest out;
    return Caf(who)->StartCafRequestStudy(Deadline().get(), r, &out);
  }

  static grpc::Status Decide(const std::string& who, const std::string& id,
                             Decision::Decision d, ctg::v1::CafRequest* out) {
    ctg::v1::DecideCafRequestRequest r;
    r.set_id(id);
    r.set_decision(d);
    if (d == Decision::APPROVE) {
      r.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
      r.mutable_opportunity()->set_reasoning("Utile au diagnostic partagé");
      r.mutable_feasibility()->set_opinion(ctg::v1::FAVOURABLE);
      r.mutable_feasibility()->set_reasoning(
          "Données tenues par le service petite enfance");
      r.set_download_quota(2);
    } else {
      r.set_reasons("Données déjà publiées en open data");
    }
    return Caf(who)->DecideCafRequest(Deadline().get(), r, out);
  }

  // A request approved by the commune.
  static std::string Approved(bool with_template = true) {
    std::string id = Submit(with_template).id();
    EXPECT_TRUE(Start(kIneS, id).ok());
    ctg::v1::CafRequest out;
    grpc::Status s = Decide(kIneS, id, Decision::APPROVE, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return id;
  }

  static grpc::Status Upload(const std::string& who, const std::string& id,
                             const std::string& content, bool attested,
                             ctg::v1::CafRequestUpload* out,
                             const std::string& sha256 = "") {
    auto context = Deadline();
    auto writer = Caf(who)->UploadCafRequestData(context.get(), out);
    ctg::v1::UploadCafRequestDataChunk chunk;
    chunk.mutable_header()->set_request_id(id);
    chunk.mutable_header()->set_no_personal_data(attested);
    chunk.mutable_header()->set_sha256(sha256);
    writer->Write(chunk);
    for (size_t i = 0; i < content.size(); i += 1000) {
      chunk.set_data(content.substr(i, 1000));
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  struct Downloaded {
    grpc::Status status;
    ctg::v1::CafRequestUpload upload;
    std::string content;
    ctg::v1::ReleaseReceipt receipt;
  };
  static Downloaded Download(const std::string& who, const std::string& id) {
    auto context = Deadline();
    ctg::v1::GetCafRequestDataRequest r;
    r.set_request_id(id);
    auto reader = Caf(who)->GetCafRequestData(context.get(), r);
    Downloaded out;
    ctg::v1::CafRequestDataChunk chunk;
    while (reader->Read(&chunk)) {
      if (chunk.has_upload()) out.upload = chunk.upload();
      if (chunk.has_data()) out.content += chunk.data();
      if (chunk.has_receipt()) out.receipt = chunk.receipt();
    }
    out.status = reader->Finish();
    return out;
  }

  static ctg::v1::CafRequest Get(const std::string& who,
                                 const std::string& id) {
    ctg::v1::GetCafRequestRequest r;
    r.set_id(id);
    ctg::v1::CafRequest out;
    grpc::Status s = Caf(who)->GetCafRequest(Deadline().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  static audit::NoteVerifier AuditKey() {
    auto key = audit::NoteVerifier::FromKeyText(
        Slurp(DevPki::Get().dir() + "/audit-signing.pub"));
    EXPECT_TRUE(key.ok()) << key.status();
    return *key;
  }

  static TestGateway* gateway_;
};

TestGateway* Article7Test::gateway_ = nullptr;

// R1, R9: filing, questions, answer, approval, upload, download with a
// signed receipt; every call one event.
TEST_F(Article7Test, CafRequestFromFilingToUploadAndDownload) {
  const uint64_t mark = TreeSize();
  ctg::v1::CafRequest r = Submit();
  EXPECT_EQ(r.state(), ctg::v1::SUBMITTED);
  EXPECT_EQ(r.commune(), "33069");
  EXPECT_EQ(r.convention_id(), "CTG-33069-1");
  EXPECT_EQ(r.requester(),
            "spiffe://ctg.caf33.fr/caf/33/requester/hugo.bernard");
  const std::string id = r.id();
  ASSERT_TRUE(Start(kIneS, id).ok());

  ctg::v1::RequestCafRequestInformationRequest ask;
  ask.set_id(id);
  ask.add_questions("Les micro-crèches privées sont-elles incluses ?");
  ASSERT_TRUE(
      Caf(kIneS)->RequestCafRequestInformation(Deadline().get(), ask, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::INFO_REQUESTED);
  ctg::v1::AmendCafRequestRequest amend;
  amend.set_id(id);
  amend.set_answer("Non : les places municipales seulement.");
  ASSERT_TRUE(Caf(kCaf)->AmendCafRequest(Deadline().get(), amend, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::UNDER_STUDY);
  EXPECT_EQ(r.versions_size(), 2);
  EXPECT_EQ(r.data_template().columns_size(), 3) << "the template carries over";

  // R1: the commune, not the Caf, decides.
  grpc::Status caf_decides = Decide(kCaf, id, Decision::APPROVE, &r);
  EXPECT_EQ(caf_decides.error_code(), Code::PERMISSION_DENIED);
  ASSERT_TRUE(Decide(kIneS, id, Decision::APPROVE, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::APPROVED);

  ctg::v1::CafRequestUpload uploaded;
  const std::string sha = audit::HashToHex(audit::Sha256(kGoodCsv));
  grpc::Status up = Upload(kIneS, id, kGoodCsv, true, &uploaded, sha);
  ASSERT_TRUE(up.ok()) << up.error_message();
  EXPECT_EQ(uploaded.sha256(), sha);
  EXPECT_EQ(uploaded.rows(), 2);
  // The commune's own receipt of its upload.
  auto upload_event =
      extract::VerifyEventReceipt(uploaded.receipt(), AuditKey());
  ASSERT_TRUE(upload_event.ok()) << upload_event.status();
  EXPECT_EQ(upload_event->method, "/ctg.v1.CafRequests/UploadCafRequestData");
  EXPECT_EQ(extract::EventFact(*upload_event, "sha256"), sha);

  Downloaded got = Download(kCaf, id);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  EXPECT_EQ(got.content, kGoodCsv);
  EXPECT_EQ(got.upload.sha256(), sha);
  auto download_event = extract::VerifyEventReceipt(got.receipt, AuditKey());
  ASSERT_TRUE(download_event.ok()) << download_event.status();
  EXPECT_EQ(download_event->method, "/ctg.v1.CafRequests/GetCafRequestData");
  EXPECT_EQ(download_event->code, 0);
  EXPECT_EQ(extract::EventFact(*download_event, "sha256"), sha);
  EXPECT_EQ(extract::EventFact(*download_event, "download"), "1/2");

  ctg::v1::CafRequest shown = Get("auditor", id);
  EXPECT_EQ(shown.approval().downloads_used(), 1);
  EXPECT_EQ(shown.upload().sha256(), sha);
  EXPECT_EQ(shown.history_size(),
            5);  // submitted, study, questions, amended, approved
  // Every call one event (the caf requester's refused decision included).
  for (const auto& [method, count] :
       std::vector<std::pair<std::string, size_t>>{
           {"/ctg.v1.CafRequests/SubmitCafRequest", 1},
           {"/ctg.v1.CafRequests/StartCafRequestStudy", 1},
           {"/ctg.v1.CafRequests/RequestCafRequestInformation", 1},
           {"/ctg.v1.CafRequests/AmendCafRequest", 1},
           {"/ctg.v1.CafRequests/DecideCafRequest", 2},
           {"/ctg.v1.CafRequests/UploadCafRequestData", 1},
           {"/ctg.v1.CafRequests/GetCafRequestData", 1}}) {
    EXPECT_EQ(EventsSince(mark, method).size(), count) << method;
  }
}

TEST_F(Article7Test, RejectionWithReasons) {
  std::string id = Submit().id();
  ASSERT_TRUE(Start(kIneS, id).ok());
  ctg::v1::CafRequest r;
  ctg::v1::DecideCafRequestRequest no_reasons;
  no_reasons.set_id(id);
  no_reasons.set_decision(Decision::REJECT);
  grpc::Status s =
      Caf(kIneS)->DecideCafRequest(Deadline().get(), no_reasons, &r);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("reasons"));
  ASSERT_TRUE(Decide(kIneS, id, Decision::REJECT, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::REJECTED);
  EXPECT_EQ(r.decision_reasons(), "Données déjà publiées en open data");
  ctg::v1::CafRequestUpload uploaded;
  EXPECT_EQ(Upload(kIneS, id, kGoodCsv, true, &uploaded).error_code(),
            Code::FAILED_PRECONDITION);
}

// R8: another commune's reviewer finds nothing, whatever it tries.
TEST_F(Article7Test, AnotherCommunesReviewerGetsNotFound) {
  std::string id = Submit().id();
  const uint64_t mark = TreeSize();
  grpc::Status start = Start(kEysines, id);
  EXPECT_EQ(start.error_code(), Code::NOT_FOUND);
  EXPECT_EQ(start.error_message(), absl::StrCat("request ", id, " not found"));
  ctg::v1::GetCafRequestRequest get;
  get.set_id(id);
  ctg::v1::CafRequest r;
  EXPECT_EQ(
      Caf(kEysines)->GetCafRequest(Deadline().get(), get, &r).error_code(),
      Code::NOT_FOUND);
  ctg::v1::ListCafRequestsResponse list;
  ASSERT_TRUE(Caf(kEysines)->ListCafRequests(Deadline().get(), {}, &list).ok());
  EXPECT_EQ(list.requests_size(), 0);
  ctg::v1::CafRequestUpload uploaded;
  EXPECT_EQ(Upload(kEysines, id, kGoodCsv, true, &uploaded).error_code(),
            Code::NOT_FOUND);
  // Each refusal one event.
  EXPECT_EQ(
      EventsSince(mark, "/ctg.v1.CafRequests/StartCafRequestStudy").size(), 1u);
  EXPECT_EQ(
      EventsSince(mark, "/ctg.v1.CafRequests/UploadCafRequestData").size(), 1u);
  // The commune's own reviewer sees it.
  ASSERT_TRUE(Caf(kIneS)->ListCafRequests(Deadline().get(), {}, &list).ok());
  EXPECT_GE(list.requests_size(), 1);
}

// Bad uploads: the right code, a message naming the problem, nothing
// stored, one event each.
TEST_F(Article7Test, BadUploadsAreRefusedAndStoreNothing) {
  std::string pending = Submit().id();
  std::string id = Approved();
  struct Case {
    std::string who, id, content;
    bool attested;
    Code code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {kIneS, pending, kGoodCsv, true, Code::FAILED_PRECONDITION,
       "is SUBMITTED; data is uploaded once the commune approved"},
      {kEysines, id, kGoodCsv, true, Code::NOT_FOUND, "not found"},
      {kCaf, id, kGoodCsv, true, Code::PERMISSION_DENIED, "caf-requester"},
      {kIneS, id, "territory,places_creche\n330690101,4\n", true,
       Code::INVALID_ARGUMENT, "is not the approved template's columns"},
      {kIneS, id, "territory,period,places_creche\n330690104,2023,4\n", true,
       Code::INVALID_ARGUMENT,
       "column territory: \"330690104\" is not in the approved template"},
      {kIneS, id,
       std::string("territory,period,places_creche\n") +
           std::string(kMaxUpload, '1'),
       true, Code::RESOURCE_EXHAUSTED, "limits.max_upload_bytes (4096)"},
      {kIneS, id, kGoodCsv, false, Code::INVALID_ARGUMENT, "no_personal_data"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    const uint64_t mark = TreeSize();
    ctg::v1::CafRequestUpload uploaded;
    grpc::Status s = Upload(c.who, c.id, c.content, c.attested, &uploaded);
    EXPECT_EQ(s.error_code(), c.code) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(c.message));
    // One event: the upload's (the auditor's own reads aside).
    size_t events = 0;
    for (const auto& e : EventsSince(mark, "")) {
      if (e.method().rfind("/ctg.v1.Audit/", 0) != 0) ++events;
    }
    EXPECT_EQ(events, 1u);
    EXPECT_FALSE(Get("auditor", c.id).has_upload());
  }
  // A digest that is not the data's.
  ctg::v1::CafRequestUpload uploaded;
  grpc::Status s =
      Upload(kIneS, id, kGoodCsv, true, &uploaded, std::string(64, '0'));
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("sha256"));
  // Before any upload the Caf has nothing to download.
  EXPECT_EQ(Download(kCaf, id).status.error_code(), Code::FAILED_PRECONDITION);
  // Then a good one is taken, once.
  ASSERT_TRUE(Upload(kIneS, id, kGoodCsv, true, &uploaded).ok());
  EXPECT_EQ(Upload(kIneS, id, kGoodCsv, true, &uploaded).error_code(),
            Code::FAILED_PRECONDITION);
}

// R1: after revocation by the commune, the Caf downloads nothing more.
TEST_F(Article7Test, RevocationStopsDownloads) {
  std::string id = Approved(false);
  ctg::v1::CafRequestUpload uploaded;
  ASSERT_TRUE(Upload(kIneS, id, "a,b\n1,2\n", true, &uploaded).ok());
  ctg::v1::RevokeCafRequestRequest revoke;
  revoke.set_id(id);
  revoke.set_reason("Usage non conforme");
  ctg::v1::CafRequest r;
  ASSERT_TRUE(Caf(kJules)->RevokeCafRequest(Deadline().get(), revoke, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::REVOKED);
  Downloaded got = Download(kCaf, id);
  EXPECT_EQ(got.status.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_THAT(got.status.error_message(), HasSubstr("REVOKED"));
}

// ---------------------------------------------------------------------------
// R3: onward-transfer agreements.

class TransferAgreementsTest : public Article7Test {
 protected:
  // A release Le Bouscat holds: a request approved and downloaded.
  struct Release {
    std::string request_id, extract_id, sha256;
  };
  // The extract of a request as its commune's requester downloads it.
  struct Download {
    grpc::Status status;
    ctg::v1::ExtractHeader header;
    ctg::v1::ExtractTrailer trailer;
  };
  static Download GetExtract(const std::string& request_id,
                             const std::string& who = "requester-33069") {
    auto stub = ctg::v1::Extracts::NewStub(gateway_->Channel(who));
    auto context = Deadline(60);
    ctg::v1::GetExtractRequest request;
    request.set_request_id(request_id);
    auto reader = stub->GetExtract(context.get(), request);
    Download out;
    ctg::v1::ExtractChunk chunk;
    while (reader->Read(&chunk)) {
      if (chunk.has_header()) out.header = chunk.header();
      if (chunk.has_trailer()) out.trailer = chunk.trailer();
    }
    out.status = reader->Finish();
    return out;
  }
  // A release `commune` holds: a request approved with `quota` downloads,
  // downloaded once.
  static Release Released(int quota = 1, const std::string& commune = "33069") {
    ctg::v1::Scope scope;
    scope.add_indicators("allocataires");
    scope.add_territories(commune);
    scope.add_periods("2023");
    const std::string requester = "requester-" + commune;
    auto id = SubmitAndApprove(*gateway_, scope, quota, requester);
    EXPECT_TRUE(id.ok()) << id.status();
    Download got = GetExtract(*id, requester);
    EXPECT_TRUE(got.status.ok()) << got.status.error_message();
    return {*id, got.header.extract_id(), got.trailer.sha256()};
  }

  static grpc::Status Ask(
      const std::string& who, const std::string& extract_id,
      ctg::v1::TransferAgreement* out,
      const std::string& recipient = "Centre social et culturel du Bouscat") {
    ctg::v1::RequestTransferAgreementRequest r;
    r.set_extract_id(extract_id);
    r.set_recipient(recipient);
    r.set_purpose(
        "Préparer l'atelier parentalité du quartier Champ de courses");
    return Agreements(who)->RequestTransferAgreement(Deadline().get(), r, out);
  }

  static grpc::Status DecideAgreement(const std::string& id,
                                      AgreementDecision::Decision d,
                                      const std::string& reasons,
                                      ctg::v1::TransferAgreement* out) {
    ctg::v1::DecideTransferAgreementRequest r;
    r.set_id(id);
    r.set_decision(d);
    r.set_reasons(reasons);
    return Agreements("reviewer")
        ->DecideTransferAgreement(Deadline().get(), r, out);
  }

  // An agreement asked by `requester` on `extract_id` and approved.
  static ctg::v1::TransferAgreement Approved(
      const std::string& extract_id, const std::string& recipient,
      const std::string& requester = "requester-33069") {
    ctg::v1::TransferAgreement a;
    grpc::Status asked = Ask(requester, extract_id, &a, recipient);
    EXPECT_TRUE(asked.ok()) << asked.error_message();
    grpc::Status decided = DecideAgreement(a.id(), AgreementDecision::APPROVE,
                                           "Partenaire de la CTG", &a);
    EXPECT_TRUE(decided.ok()) << decided.error_message();
    return a;
  }

  // The agreements on `extract_id` as the Caf lists them.
  static int AgreementsOn(const std::string& extract_id) {
    ctg::v1::ListTransferAgreementsRequest list;
    list.set_extract_id(extract_id);
    ctg::v1::ListTransferAgreementsResponse listed;
    EXPECT_TRUE(Agreements("reviewer")
                    ->ListTransferAgreements(Deadline().get(), list, &listed)
                    .ok());
    return listed.agreements_size();
  }

  // Events after `mark`, the auditor's own reads aside.
  static size_t CallsSince(uint64_t mark) {
    size_t events = 0;
    for (const auto& e : EventsSince(mark, "")) {
      if (e.method().rfind("/ctg.v1.Audit/", 0) != 0) ++events;
    }
    return events;
  }

  static std::string AuditKeyPath() {
    return DevPki::Get().dir() + "/audit-signing.pub";
  }

  static ctg::v1::TransferAgreement GetAgreement(const std::string& who,
                                                 const std::string& id) {
    ctg::v1::GetTransferAgreementRequest r;
    r.set_id(id);
    ctg::v1::TransferAgreement out;
    grpc::Status s =
        Agreements(who)->GetTransferAgreement(Deadline().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
};

TEST_F(TransferAgreementsTest, ApprovedAndRejectedWithReceipts) {
  Release release = Released();
  ASSERT_FALSE(release.extract_id.empty());
  const uint64_t mark = TreeSize();
  ctg::v1::TransferAgreement a;
  ASSERT_TRUE(Ask("requester-33069", release.extract_id, &a).ok());
  EXPECT_EQ(a.state(), ctg::v1::AGREEMENT_REQUESTED);
  EXPECT_EQ(a.request_id(), release.request_id);
  EXPECT_EQ(a.extract_sha256(), release.sha256);

  ctg::v1::TransferAgreement decided;
  grpc::Status no_reasons =
      DecideAgreement(a.id(), AgreementDecision::APPROVE, "", &decided);
  EXPECT_EQ(no_reasons.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(no_reasons.error_message(), HasSubstr("reasons"));
  ASSERT_TRUE(DecideAgreement(a.id(), AgreementDecision::APPROVE,
                              "Partenaire de la CTG, usage dans ses objectifs",
                              &decided)
                  .ok());
  EXPECT_EQ(decided.state(), ctg::v1::AGREEMENT_APPROVED);
  EXPECT_EQ(decided.reviewer(),
            "spiffe://ctg.caf33.fr/caf/33/reviewer/denis.roux");
  auto event =
      extract::VerifyEventReceipt(decided.decision_receipt(), AuditKey());
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->method,
            "/ctg.v1.TransferAgreements/DecideTransferAgreement");
  EXPECT_EQ(extract::EventFact(*event, "extract_sha256"), release.sha256);
  EXPECT_EQ(extract::EventFact(*event, "decision"), "APPROVE");
  // Decided once.
  EXPECT_EQ(DecideAgreement(a.id(), AgreementDecision::REJECT, "x", &decided)
                .error_code(),
            Code::FAILED_PRECONDITION);

  ctg::v1::TransferAgreement b;
  ASSERT_TRUE(
      Ask("requester2-33069", release.extract_id, &b, "Journal municipal")
          .ok());
  ASSERT_TRUE(DecideAgreement(
                  b.id(), AgreementDecision::REJECT,
                  "Diffusion publique : hors de l'usage déclaré (R2)", &decided)
                  .ok());
  EXPECT_EQ(decided.state(), ctg::v1::AGREEMENT_REJECTED);

  ctg::v1::ListTransferAgreementsRequest list;
  list.set_extract_id(release.extract_id);
  ctg::v1::ListTransferAgreementsResponse listed;
  ASSERT_TRUE(Agreements("requester-33069")
                  ->ListTransferAgreements(Deadline().get(), list, &listed)
                  .ok());
  EXPECT_EQ(listed.agreements_size(), 2);
  EXPECT_EQ(
      EventsSince(mark, "/ctg.v1.TransferAgreements/RequestTransferAgreement")
          .size(),
      2u);
  EXPECT_EQ(
      EventsSince(mark, "/ctg.v1.TransferAgreements/DecideTransferAgreement")
          .size(),
      4u);
}

// R3, R9: a re-download's receipt lists the agreements the Caf approved on
// that release and still in force, named by the signed release event, each
// with its decision's receipt; rejected and pending ones are not listed.
TEST_F(TransferAgreementsTest, RedownloadedReceiptListsApprovedAgreements) {
  Release release = Released(2);
  ctg::v1::TransferAgreement approved =
      Approved(release.extract_id, "Centre social du Bouscat");
  ctg::v1::TransferAgreement rejected, pending;
  ASSERT_TRUE(
      Ask("requester-33069", release.extract_id, &rejected, "Journal municipal")
          .ok());
  ASSERT_TRUE(DecideAgreement(rejected.id(), AgreementDecision::REJECT,
                              "Diffusion publique", &rejected)
                  .ok());
  ASSERT_TRUE(
      Ask("requester-33069", release.extract_id, &pending, "Autre partenaire")
          .ok());

  Download again = GetExtract(release.request_id);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.header.extract_id(), release.extract_id) << "same release";
  const ctg::v1::ReleaseReceipt& receipt = again.trailer.receipt();
  auto event = extract::VerifyReceipt(receipt, release.sha256,
                                      release.request_id, AuditKey());
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(extract::EventFact(*event, "transfer_agreements"), approved.id());
  ASSERT_EQ(receipt.agreements_size(), 1);
  EXPECT_EQ(receipt.agreements(0).id(), approved.id());
  EXPECT_EQ(receipt.agreements(0).recipient(), "Centre social du Bouscat");
  EXPECT_EQ(receipt.agreements(0).purpose(), approved.purpose());
  auto decision = extract::VerifyEventReceipt(
      receipt.agreements(0).decision_receipt(), AuditKey());
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->target_id, approved.id());
  EXPECT_EQ(extract::EventFact(*decision, "decision"), "APPROVE");
  EXPECT_EQ(extract::EventFact(*decision, "extract_sha256"), release.sha256);
  const std::vector<ctg::v1::ReleaseAgreement> carried(
      receipt.agreements().begin(), receipt.agreements().end());
  auto verified = extract::VerifyReleaseAgreements(*event, carried,
                                                   release.sha256, AuditKey());
  ASSERT_TRUE(verified.ok()) << verified.status();
  ASSERT_EQ(verified->size(), 1u);
  EXPECT_TRUE((*verified)[0].listed_by_release);
  // The list is signed with the release: a receipt that lost an agreement
  // does not verify.
  auto shortened =
      extract::VerifyReleaseAgreements(*event, {}, release.sha256, AuditKey());
  EXPECT_EQ(shortened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(shortened.status().message(), HasSubstr(approved.id()));
  // Nor can another decision stand for the listed one.
  std::vector<ctg::v1::ReleaseAgreement> swapped = carried;
  *swapped[0].mutable_decision_receipt() = rejected.decision_receipt();
  auto forged = extract::VerifyReleaseAgreements(*event, swapped,
                                                 release.sha256, AuditKey());
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(forged.status().message(),
              HasSubstr("the event is not the Caf's decision on it"));
  // A rejection attached beside it verifies, as a rejection not listed.
  std::vector<ctg::v1::ReleaseAgreement> with_rejection = carried;
  with_rejection.emplace_back();
  with_rejection.back().set_id(rejected.id());
  *with_rejection.back().mutable_decision_receipt() =
      rejected.decision_receipt();
  auto both = extract::VerifyReleaseAgreements(*event, with_rejection,
                                               release.sha256, AuditKey());
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_EQ(both->size(), 2u);
  EXPECT_FALSE((*both)[1].approved);
  EXPECT_FALSE((*both)[1].listed_by_release);
}

// The CLI: `extract get -o` saves the receipt with its agreements and
// `extract verify` checks and lists them; an agreement decided after the
// download is added with `transfer show --attach`; a receipt whose signed
// list lost an agreement fails verification.
TEST_F(TransferAgreementsTest, ExtractVerifyShowsTheReleasesAgreements) {
  Release release = Released(2);
  ctg::v1::TransferAgreement before =
      Approved(release.extract_id, "Centre social du Bouscat");
  TempDir dir;
  const std::string file = dir.path() + "/extract.csv";
  RunResult got = gateway_->Ctg(
      "requester-33069", {"extract", "get", release.request_id, "-o", file,
                          "--audit-key", AuditKeyPath()});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.err, HasSubstr(absl::StrCat(
                           "agreement ", before.id(),
                           ": the Caf agreed to its transfer to Centre "
                           "social du Bouscat")));
  ctg::v1::TransferAgreement after =
      Approved(release.extract_id, "Maison des solidarités");
  RunResult attached = gateway_->Ctg(
      "requester-33069", {"transfer", "show", after.id(), "--attach", file});
  ASSERT_EQ(attached.exit_code, 0) << attached.err;
  // An agreement on another release is not attached: the file is unchanged.
  Release other = Released();
  ctg::v1::TransferAgreement elsewhere =
      Approved(other.extract_id, "Autre partenaire");
  const std::string saved = Slurp(file + ".receipt.json");
  RunResult misattached =
      gateway_->Ctg("requester-33069",
                    {"transfer", "show", elsewhere.id(), "--attach", file});
  EXPECT_EQ(misattached.exit_code, 1);
  EXPECT_THAT(
      misattached.err,
      HasSubstr(absl::StrCat("--attach: ", file,
                             ".receipt.json is the receipt of another "
                             "release (sha256 ",
                             release.sha256, "); agreement ", elsewhere.id(),
                             " is on release ", other.extract_id)));
  EXPECT_EQ(Slurp(file + ".receipt.json"), saved);

  RunResult verified =
      gateway_->Ctg("requester-33069",
                    {"extract", "verify", file, "--audit-key", AuditKeyPath()});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out,
              HasSubstr(absl::StrCat(
                  "agreement ", before.id(),
                  ": onward transfer to Centre social du Bouscat APPROVED by "
                  "the Caf (Partenaire de la CTG)")));
  EXPECT_THAT(verified.out,
              HasSubstr("in force at the release (listed by its audit event)"));
  EXPECT_THAT(verified.out,
              HasSubstr(absl::StrCat(
                  "agreement ", after.id(),
                  ": onward transfer to Maison des solidarités APPROVED")));
  EXPECT_THAT(verified.out,
              HasSubstr("attached to the receipt after the release"));

  // Drop the agreements from the saved receipt: the release event still
  // names one, so verification fails (exit 3).
  google::protobuf::Struct receipt;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  Slurp(file + ".receipt.json"), &receipt)
                  .ok());
  receipt.mutable_fields()->erase("agreements");
  std::string text;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(receipt, &text).ok());
  std::ofstream(file + ".receipt.json", std::ios::trunc) << text;
  RunResult tampered =
      gateway_->Ctg("requester-33069",
                    {"extract", "verify", file, "--audit-key", AuditKeyPath()});
  EXPECT_EQ(tampered.exit_code, 3) << tampered.out;
  EXPECT_THAT(tampered.err,
              HasSubstr(absl::StrCat("agreement ", before.id(),
                                     ": the release names it but the receipt "
                                     "carries no decision")));
}

// R3: `ctg request show` lists the agreements on the request's releases
// (ListTransferAgreements filtered by request); a bad filter is refused
// naming the field, with one event.
TEST_F(TransferAgreementsTest, RequestShowListsItsAgreements) {
  Release release = Released();
  Release other = Released();
  ctg::v1::TransferAgreement approved =
      Approved(release.extract_id, "Centre social du Bouscat");
  ctg::v1::TransferAgreement rejected;
  ASSERT_TRUE(
      Ask("requester-33069", release.extract_id, &rejected, "Journal municipal")
          .ok());
  ASSERT_TRUE(DecideAgreement(rejected.id(), AgreementDecision::REJECT,
                              "Diffusion publique : hors de l'usage déclaré",
                              &rejected)
                  .ok());
  ctg::v1::TransferAgreement elsewhere =
      Approved(other.extract_id, "Autre partenaire");

  ctg::v1::ListTransferAgreementsRequest list;
  list.set_request_id(release.request_id);
  ctg::v1::ListTransferAgreementsResponse listed;
  ASSERT_TRUE(Agreements("requester-33069")
                  ->ListTransferAgreements(Deadline().get(), list, &listed)
                  .ok());
  ASSERT_EQ(listed.agreements_size(), 2);
  EXPECT_EQ(listed.agreements(0).id(), rejected.id());
  EXPECT_EQ(listed.agreements(1).id(), approved.id());
  ASSERT_TRUE(Agreements("requester-33162")
                  ->ListTransferAgreements(Deadline().get(), list, &listed)
                  .ok());
  EXPECT_EQ(listed.agreements_size(), 0) << "another commune sees none";

  RunResult shown =
      gateway_->Ctg("requester-33069", {"request", "show", release.request_id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out,
              HasSubstr(absl::StrCat(
                  "  agreement     ", approved.id(),
                  "  AGREEMENT_APPROVED  release ", release.extract_id,
                  ", to Centre social du Bouscat: Préparer l'atelier "
                  "parentalité du quartier Champ de courses\n")));
  EXPECT_THAT(shown.out,
              HasSubstr("by spiffe://ctg.caf33.fr/caf/33/reviewer/denis.roux: "
                        "Partenaire de la CTG\n"));
  EXPECT_THAT(shown.out, HasSubstr(absl::StrCat(
                             "  agreement     ", rejected.id(),
                             "  AGREEMENT_REJECTED  release ",
                             release.extract_id, ", to Journal municipal")));
  EXPECT_THAT(shown.out, HasSubstr("Diffusion publique : hors de l'usage"));
  EXPECT_THAT(shown.out, Not(HasSubstr(elsewhere.id())));
  RunResult reviewed =
      gateway_->Ctg("reviewer", {"review", "show", release.request_id});
  ASSERT_EQ(reviewed.exit_code, 0) << reviewed.err;
  EXPECT_THAT(reviewed.out, HasSubstr(approved.id()));

  const uint64_t mark = TreeSize();
  list.set_request_id("REQ-x");
  grpc::Status bad =
      Agreements("requester-33069")
          ->ListTransferAgreements(Deadline().get(), list, &listed);
  EXPECT_EQ(bad.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error_message(),
            "request_id: \"REQ-x\" is not a request id (e.g. REQ-000042)");
  EXPECT_EQ(CallsSince(mark), 1u);
}

// Bad input: a release the commune does not hold, unknown, or missing
// fields: the right code, nothing stored, one event.
TEST_F(TransferAgreementsTest, OnlyOnReleasesTheCommuneHolds) {
  Release release = Released();
  const uint64_t mark = TreeSize();
  ctg::v1::TransferAgreement a;
  grpc::Status other = Ask("requester-33162", release.extract_id, &a);
  EXPECT_EQ(other.error_code(), Code::NOT_FOUND);
  EXPECT_EQ(other.error_message(),
            absl::StrCat("release ", release.extract_id, " not found"));
  grpc::Status unknown = Ask("requester-33069", "EXT-does-not-exist", &a);
  EXPECT_EQ(unknown.error_code(), Code::NOT_FOUND);
  grpc::Status blank = Ask("requester-33069", release.extract_id, &a, " ");
  EXPECT_EQ(blank.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(blank.error_message(), HasSubstr("recipient"));
  EXPECT_EQ(
      EventsSince(mark, "/ctg.v1.TransferAgreements/RequestTransferAgreement")
          .size(),
      3u);
  ctg::v1::ListTransferAgreementsRequest list;
  list.set_extract_id(release.extract_id);
  ctg::v1::ListTransferAgreementsResponse listed;
  ASSERT_TRUE(Agreements("reviewer")
                  ->ListTransferAgreements(Deadline().get(), list, &listed)
                  .ok());
  EXPECT_EQ(listed.agreements_size(), 0);
}

// R3 with R10: revoking the request ends the agreements it carries, and
// no new one may be asked.
TEST_F(TransferAgreementsTest, RevocationEndsAgreements) {
  Release release = Released(2);
  ctg::v1::TransferAgreement approved, pending;
  ASSERT_TRUE(Ask("requester-33069", release.extract_id, &approved).ok());
  ASSERT_TRUE(DecideAgreement(approved.id(), AgreementDecision::APPROVE,
                              "Partenaire CTG", &approved)
                  .ok());
  ASSERT_TRUE(
      Ask("requester-33069", release.extract_id, &pending, "Autre partenaire")
          .ok());

  const uint64_t mark = TreeSize();
  auto reviewer = ctg::v1::DataRequests::NewStub(gateway_->Channel("reviewer"));
  ctg::v1::RevokeRequestRequest revoke;
  revoke.set_id(release.request_id);
  revoke.set_reason("Manquement au secret");
  ctg::v1::DataRequest revoked;
  ASSERT_TRUE(reviewer->RevokeRequest(Deadline().get(), revoke, &revoked).ok());

  ctg::v1::TransferAgreement now =
      GetAgreement("requester-33069", approved.id());
  EXPECT_EQ(now.state(), ctg::v1::AGREEMENT_ENDED);
  EXPECT_THAT(now.end_reason(), HasSubstr("revoked"));
  EXPECT_EQ(GetAgreement("auditor", pending.id()).state(),
            ctg::v1::AGREEMENT_ENDED);
  // No release any more, so no receipt lists the agreement as in force.
  Download again = GetExtract(release.request_id);
  EXPECT_EQ(again.status.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_THAT(again.status.error_message(), HasSubstr("REVOKED"));
  EXPECT_FALSE(again.trailer.has_receipt());
  // Refused, nothing stored, one event each.
  ctg::v1::TransferAgreement refused;
  uint64_t step = TreeSize();
  EXPECT_EQ(
      DecideAgreement(pending.id(), AgreementDecision::APPROVE, "x", &refused)
          .error_code(),
      Code::FAILED_PRECONDITION);
  EXPECT_EQ(CallsSince(step), 1u);
  EXPECT_TRUE(GetAgreement("reviewer", pending.id()).reviewer().empty());
  step = TreeSize();
  grpc::Status ask = Ask("requester-33069", release.extract_id, &refused);
  EXPECT_EQ(ask.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_THAT(ask.error_message(), HasSubstr("REVOKED"));
  EXPECT_EQ(CallsSince(step), 1u);
  EXPECT_EQ(AgreementsOn(release.extract_id), 2);
  // The request shows them ended, and why.
  RunResult shown =
      gateway_->Ctg("requester-33069", {"request", "show", release.request_id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out,
              HasSubstr(absl::StrCat("  agreement     ", approved.id(),
                                     "  AGREEMENT_ENDED")));
  EXPECT_THAT(shown.out,
              HasSubstr(absl::StrCat("ended: request ", release.request_id,
                                     " was revoked (R10)")));
  // Every step audited.
  EXPECT_EQ(EventsSince(mark, "/ctg.v1.DataRequests/RevokeRequest").size(), 1u);
  auto releases = EventsSince(mark, "/ctg.v1.Extracts/GetExtract");
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0].code(), static_cast<int>(Code::FAILED_PRECONDITION));
}

// ---------------------------------------------------------------------------
// R3 with R10, R11: the convention's end and suspension; each test changes a
// convention, so the suite has a gateway of its own.

class AgreementEndTest : public TransferAgreementsTest {
 protected:
  static std::unique_ptr<ctg::v1::Conventions::Stub> Admin() {
    return ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
  }
  static std::string Today() {
    absl::TimeZone paris;
    if (!absl::LoadTimeZone("Europe/Paris", &paris))
      paris = absl::UTCTimeZone();
    return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), paris));
  }
};

// R11: notice given, the agreement stays in force (a re-download lists it)
// until the termination takes effect; then it is ENDED, no release lists
// it, and asking or deciding is refused with one event and nothing stored.
TEST_F(AgreementEndTest, TerminationEndsAgreementsWhenItTakesEffect) {
  Release release = Released(3, "33162");
  ASSERT_FALSE(release.extract_id.empty());
  ctg::v1::TransferAgreement live = Approved(
      release.extract_id, "Centre social d'Eysines", "requester-33162");
  ctg::v1::TransferAgreement pending;
  ASSERT_TRUE(
      Ask("requester-33162", release.extract_id, &pending, "Autre partenaire")
          .ok());
  const uint64_t mark = TreeSize();

  ctg::v1::TerminateConventionRequest terminate;
  terminate.set_id("CTG-33162-1");
  terminate.set_notice_date(Today());
  terminate.set_reason("Fin du partenariat");
  ctg::v1::Convention c;
  ASSERT_TRUE(
      Admin()->TerminateConvention(Deadline().get(), terminate, &c).ok());
  EXPECT_EQ(c.state(), ctg::v1::TERMINATION_NOTIFIED);
  EXPECT_EQ(GetAgreement("requester-33162", live.id()).state(),
            ctg::v1::AGREEMENT_APPROVED);
  Download notified = GetExtract(release.request_id, "requester-33162");
  ASSERT_TRUE(notified.status.ok()) << notified.status.error_message();
  ASSERT_EQ(notified.trailer.receipt().agreements_size(), 1);
  EXPECT_EQ(notified.trailer.receipt().agreements(0).id(), live.id());

  // The parties agree that the termination takes effect today.
  terminate.set_effective_date(Today());
  terminate.set_correct(true);
  terminate.set_reason("Résiliation avancée d'un commun accord");
  ASSERT_TRUE(
      Admin()->TerminateConvention(Deadline().get(), terminate, &c).ok());
  EXPECT_EQ(c.state(), ctg::v1::ENDED);
  ctg::v1::TransferAgreement ended = GetAgreement("requester-33162", live.id());
  EXPECT_EQ(ended.state(), ctg::v1::AGREEMENT_ENDED);
  EXPECT_EQ(ended.end_reason(), "convention CTG-33162-1 ended (R11)");
  EXPECT_EQ(GetAgreement("reviewer", pending.id()).state(),
            ctg::v1::AGREEMENT_ENDED);
  ctg::v1::ListTransferAgreementsRequest list;
  list.set_extract_id(release.extract_id);
  list.set_state(ctg::v1::AGREEMENT_APPROVED);
  ctg::v1::ListTransferAgreementsResponse listed;
  ASSERT_TRUE(Agreements("reviewer")
                  ->ListTransferAgreements(Deadline().get(), list, &listed)
                  .ok());
  EXPECT_EQ(listed.agreements_size(), 0);
  // No release after the end, so no receipt lists it as in force.
  Download after = GetExtract(release.request_id, "requester-33162");
  EXPECT_EQ(after.status.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_THAT(after.status.error_message(),
              HasSubstr("convention CTG-33162-1 ended"));
  EXPECT_FALSE(after.trailer.has_receipt());

  ctg::v1::TransferAgreement refused;
  uint64_t step = TreeSize();
  grpc::Status ask = Ask("requester-33162", release.extract_id, &refused);
  EXPECT_EQ(ask.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_EQ(ask.error_message(),
            absl::StrCat("the convention of release ", release.extract_id,
                         " has ended; its data may not be passed on"));
  EXPECT_EQ(CallsSince(step), 1u);
  EXPECT_EQ(AgreementsOn(release.extract_id), 2);
  step = TreeSize();
  grpc::Status decide = DecideAgreement(
      pending.id(), AgreementDecision::APPROVE, "Partenaire", &refused);
  EXPECT_EQ(decide.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_THAT(decide.error_message(),
              HasSubstr(absl::StrCat("agreement ", pending.id(), " is ENDED")));
  EXPECT_EQ(CallsSince(step), 1u);
  EXPECT_TRUE(GetAgreement("reviewer", pending.id()).reviewer().empty());

  EXPECT_EQ(EventsSince(mark, "/ctg.v1.Conventions/TerminateConvention").size(),
            2u);
  auto releases = EventsSince(mark, "/ctg.v1.Extracts/GetExtract");
  ASSERT_EQ(releases.size(), 2u);
  EXPECT_EQ(releases[0].code(), 0);
  EXPECT_EQ(releases[1].code(), static_cast<int>(Code::FAILED_PRECONDITION));
}

// R10: a suspension ends no agreement (a reinstatement lifts it), but while
// it lasts there is no release, no new agreement and no decision; once
// reinstated, a re-download lists the agreement again.
TEST_F(AgreementEndTest, SuspensionStopsAgreementsWithoutEndingThem) {
  Release release = Released(3);
  ctg::v1::TransferAgreement live =
      Approved(release.extract_id, "Centre social du Bouscat");
  ctg::v1::TransferAgreement pending;
  ASSERT_TRUE(
      Ask("requester-33069", release.extract_id, &pending, "Autre partenaire")
          .ok());
  const uint64_t mark = TreeSize();
  ctg::v1::SuspendConventionRequest suspend;
  suspend.set_id("CTG-33069-1");
  suspend.set_reason("Manquement au secret statistique constaté");
  ctg::v1::Convention c;
  ASSERT_TRUE(Admin()->SuspendConvention(Deadline().get(), suspend, &c).ok());

  ctg::v1::TransferAgreement during =
      GetAgreement("requester-33069", live.id());
  EXPECT_EQ(during.state(), ctg::v1::AGREEMENT_APPROVED);
  EXPECT_EQ(during.end_reason(), "");
  Download refused_release = GetExtract(release.request_id);
  EXPECT_EQ(refused_release.status.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_THAT(refused_release.status.error_message(), HasSubstr("suspended"));

  ctg::v1::TransferAgreement refused;
  uint64_t step = TreeSize();
  grpc::Status ask = Ask("requester-33069", release.extract_id, &refused);
  EXPECT_EQ(ask.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_EQ(ask.error_message(),
            absl::StrCat("the convention of release ", release.extract_id,
                         " is suspended by the Caf: no agreement may be asked "
                         "until it is reinstated"));
  EXPECT_EQ(CallsSince(step), 1u);
  EXPECT_EQ(AgreementsOn(release.extract_id), 2);
  step = TreeSize();
  grpc::Status decide = DecideAgreement(
      pending.id(), AgreementDecision::APPROVE, "Partenaire", &refused);
  EXPECT_EQ(decide.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_EQ(decide.error_message(),
            absl::StrCat("the convention of agreement ", pending.id(),
                         " is suspended by the Caf: no decision until it is "
                         "reinstated"));
  EXPECT_EQ(CallsSince(step), 1u);
  EXPECT_EQ(GetAgreement("reviewer", pending.id()).state(),
            ctg::v1::AGREEMENT_REQUESTED);

  ctg::v1::ReinstateConventionRequest reinstate;
  reinstate.set_id("CTG-33069-1");
  reinstate.set_reason("Mesures correctives prises");
  ASSERT_TRUE(
      Admin()->ReinstateConvention(Deadline().get(), reinstate, &c).ok());
  Download again = GetExtract(release.request_id);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  ASSERT_EQ(again.trailer.receipt().agreements_size(), 1);
  EXPECT_EQ(again.trailer.receipt().agreements(0).id(), live.id());
  EXPECT_TRUE(DecideAgreement(pending.id(), AgreementDecision::REJECT,
                              "Hors objectifs", &refused)
                  .ok());

  EXPECT_EQ(EventsSince(mark, "/ctg.v1.Conventions/SuspendConvention").size(),
            1u);
  EXPECT_EQ(EventsSince(mark, "/ctg.v1.Conventions/ReinstateConvention").size(),
            1u);
  EXPECT_EQ(EventsSince(mark, "/ctg.v1.Extracts/GetExtract").size(), 2u);
}

}  // namespace
}  // namespace ctg::testing
