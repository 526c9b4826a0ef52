// Attacks on the Article 7 paths (R1, R3, R8, R9) over real mTLS, as a
// recipient, an intruder and a careless operator would try them: another
// commune reaching Le Bouscat's onward-transfer agreements through any
// filter, page token or id; malformed ids; every new method called by every
// role that may not call it (refused and recorded); a state-filtered
// listing that must not lose agreements; and a release receipt whose
// agreement list was tampered with (`ctg extract verify` must fail).
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/caf_requests.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "ctg/v1/transfer_agreements.grpc.pb.h"
#include "extract/receipt.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"
#include "tests/testing/temp_dir.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Code = grpc::StatusCode;
using AgreementDecision = ctg::v1::DecideTransferAgreementRequest;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class Article7AttackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto gw = TestGateway::Start("[limits]\nmax_upload_bytes = 4096\n");
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

  // Events after `mark`, the auditor's own reads aside.
  static std::vector<ctg::v1::AuditEvent> CallsSince(uint64_t mark) {
    auto stub = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
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

  struct Release {
    std::string request_id, extract_id, sha256;
  };
  struct Download {
    grpc::Status status;
    ctg::v1::ExtractHeader header;
    ctg::v1::ExtractTrailer trailer;
  };
  static Download GetExtract(const std::string& request_id,
                             const std::string& who) {
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
  // A release `commune` holds: approved with `quota` downloads, downloaded.
  static Release Released(int quota = 1, const std::string& commune = "33069",
                          const std::string& indicator = "allocataires") {
    ctg::v1::Scope scope;
    scope.add_indicators(indicator);
    scope.add_territories(commune);
    scope.add_periods("2023");
    const std::string requester = "requester-" + commune;
    auto id = SubmitAndApprove(*gateway_, scope, quota, requester);
    EXPECT_TRUE(id.ok()) << id.status();
    Download got = GetExtract(*id, requester);
    EXPECT_TRUE(got.status.ok()) << got.status.error_message();
    return {*id, got.header.extract_id(), got.trailer.sha256()};
  }

  static grpc::Status Ask(const std::string& who, const std::string& extract_id,
                          const std::string& recipient,
                          ctg::v1::TransferAgreement* out) {
    ctg::v1::RequestTransferAgreementRequest r;
    r.set_extract_id(extract_id);
    r.set_recipient(recipient);
    r.set_purpose("Préparer l'atelier parentalité du quartier");
    return Agreements(who)->RequestTransferAgreement(Deadline().get(), r, out);
  }
  static ctg::v1::TransferAgreement Decided(const std::string& extract_id,
                                            const std::string& recipient,
                                            bool approve,
                                            const std::string& who) {
    ctg::v1::TransferAgreement a;
    grpc::Status asked = Ask(who, extract_id, recipient, &a);
    EXPECT_TRUE(asked.ok()) << asked.error_message();
    ctg::v1::DecideTransferAgreementRequest r;
    r.set_id(a.id());
    r.set_decision(approve ? AgreementDecision::APPROVE
                           : AgreementDecision::REJECT);
    r.set_reasons(approve ? "Partenaire de la CTG" : "Diffusion publique");
    grpc::Status decided =
        Agreements("reviewer")
            ->DecideTransferAgreement(Deadline().get(), r, &a);
    EXPECT_TRUE(decided.ok()) << decided.error_message();
    return a;
  }
  static ctg::v1::TransferAgreement Approved(
      const std::string& extract_id, const std::string& recipient,
      const std::string& who = "requester-33069") {
    return Decided(extract_id, recipient, true, who);
  }

  static grpc::Status List(const std::string& who,
                           const ctg::v1::ListTransferAgreementsRequest& r,
                           ctg::v1::ListTransferAgreementsResponse* out) {
    return Agreements(who)->ListTransferAgreements(Deadline().get(), r, out);
  }

  static TestGateway* gateway_;
};

TestGateway* Article7AttackTest::gateway_ = nullptr;

// R8: Eysines reaches none of Le Bouscat's agreements, whatever filter,
// page token or id it tries; what it gets is what a missing one gives.
TEST_F(Article7AttackTest, AnotherCommuneReachesNoAgreementThroughAnyPath) {
  Release bouscat = Released();
  ctg::v1::TransferAgreement theirs =
      Approved(bouscat.extract_id, "Centre social du Bouscat");
  const std::string eysines = "requester-33162";
  const uint64_t mark = TreeSize();

  ctg::v1::ListTransferAgreementsResponse listed;
  ctg::v1::ListTransferAgreementsRequest by_request;
  by_request.set_request_id(bouscat.request_id);
  ASSERT_TRUE(List(eysines, by_request, &listed).ok());
  EXPECT_EQ(listed.agreements_size(), 0);
  ctg::v1::ListTransferAgreementsRequest by_extract;
  by_extract.set_extract_id(bouscat.extract_id);
  ASSERT_TRUE(List(eysines, by_extract, &listed).ok());
  EXPECT_EQ(listed.agreements_size(), 0);
  // A page token naming a number just above Le Bouscat's agreement.
  const int64_t number = std::stoll(theirs.id().substr(4));
  ctg::v1::ListTransferAgreementsRequest by_token;
  char token_text[32];
  std::snprintf(token_text, sizeof token_text, "AGR-%06lld",
                static_cast<long long>(number + 1));
  by_token.set_page_token(token_text);
  grpc::Status token = List(eysines, by_token, &listed);
  ASSERT_TRUE(token.ok()) << token.error_message();
  for (const auto& a : listed.agreements()) EXPECT_EQ(a.commune(), "33162");
  // Get: the message of a missing agreement.
  ctg::v1::GetTransferAgreementRequest get;
  get.set_id(theirs.id());
  ctg::v1::TransferAgreement out;
  grpc::Status got =
      Agreements(eysines)->GetTransferAgreement(Deadline().get(), get, &out);
  EXPECT_EQ(got.error_code(), Code::NOT_FOUND);
  EXPECT_EQ(got.error_message(),
            absl::StrCat("agreement ", theirs.id(), " not found"));
  EXPECT_TRUE(out.recipient().empty());
  // Eysines's own release's receipt lists none of Le Bouscat's agreements.
  Release own = Released(2, "33162");
  Download again = GetExtract(own.request_id, eysines);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.trailer.receipt().agreements_size(), 0);
  // Every call recorded with Eysines as caller.
  size_t eysines_calls = 0;
  for (const auto& e : CallsSince(mark)) {
    if (e.method().rfind("/ctg.v1.TransferAgreements/", 0) == 0) {
      EXPECT_EQ(e.caller(),
                "spiffe://ctg.caf33.fr/commune/33162/requester/chloe.durand");
      ++eysines_calls;
    }
  }
  EXPECT_EQ(eysines_calls, 4u);
}

// Bad input: ids that are not request ids (a Caf request's id, other
// spellings of a request id, injection, huge or binary text): refused
// naming the field, the text bounded and escaped, one event each.
TEST_F(Article7AttackTest, MalformedFiltersAreRefusedNamingTheField) {
  struct Case {
    std::string request_id, extract_id, page_token, field;
  };
  const std::vector<Case> cases = {
      {"CREQ-000001", "", "", "request_id"},
      {"REQ-0000001", "", "", "request_id"},
      {"req-000001", "", "", "request_id"},
      {"REQ-000001' OR '1'='1", "", "", "request_id"},
      {std::string(100000, 'R'), "", "", "request_id"},
      {std::string("REQ-00\0001", 10), "", "", "request_id"},
      {"", "", "REQ-000001", "page_token"},
      {"", "", "AGR-1", "page_token"},
  };
  {
    // A state that is not one: refused like a bad request state.
    const uint64_t mark = TreeSize();
    ctg::v1::ListTransferAgreementsRequest r;
    r.set_state(static_cast<ctg::v1::TransferAgreementState>(99));
    ctg::v1::ListTransferAgreementsResponse listed;
    grpc::Status s = List("reviewer", r, &listed);
    EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("state: 99"));
    EXPECT_EQ(CallsSince(mark).size(), 1u);
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.request_id.substr(0, 30) + c.page_token);
    const uint64_t mark = TreeSize();
    ctg::v1::ListTransferAgreementsRequest r;
    r.set_request_id(c.request_id);
    r.set_extract_id(c.extract_id);
    r.set_page_token(c.page_token);
    ctg::v1::ListTransferAgreementsResponse listed;
    grpc::Status s = List("requester-33069", r, &listed);
    EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr(c.field + ":"));
    EXPECT_LT(s.error_message().size(), 200u);
    EXPECT_EQ(listed.agreements_size(), 0);
    EXPECT_EQ(CallsSince(mark).size(), 1u);
  }
}

// R8, R9: every method of the Article 7 services, called by every role the
// table does not allow: PERMISSION_DENIED before any service code, one
// event naming the caller and the method. (The table itself is
// unit-tested; this is the real dispatch over mTLS.)
TEST_F(Article7AttackTest, EveryNewMethodRefusesEveryOtherRoleAndRecordsIt) {
  const std::vector<std::string> everyone = {"requester-33069",
                                             "operator-33069",
                                             "reviewer",
                                             "admin",
                                             "auditor",
                                             "caf-requester",
                                             "commune-reviewer-33069"};
  const std::map<std::string, std::vector<std::string>> allowed = {
      {"CafRequests/SubmitCafRequest", {"caf-requester"}},
      {"CafRequests/GetCafRequest",
       {"auditor", "caf-requester", "commune-reviewer-33069"}},
      {"CafRequests/ListCafRequests",
       {"auditor", "caf-requester", "commune-reviewer-33069"}},
      {"CafRequests/AmendCafRequest", {"caf-requester"}},
      {"CafRequests/WithdrawCafRequest", {"caf-requester"}},
      {"CafRequests/StartCafRequestStudy", {"commune-reviewer-33069"}},
      {"CafRequests/RequestCafRequestInformation", {"commune-reviewer-33069"}},
      {"CafRequests/DecideCafRequest", {"commune-reviewer-33069"}},
      {"CafRequests/RevokeCafRequest", {"commune-reviewer-33069"}},
      {"TransferAgreements/RequestTransferAgreement", {"requester-33069"}},
      {"TransferAgreements/GetTransferAgreement",
       {"requester-33069", "reviewer", "auditor"}},
      {"TransferAgreements/ListTransferAgreements",
       {"requester-33069", "reviewer", "auditor"}},
      {"TransferAgreements/DecideTransferAgreement", {"reviewer"}},
  };
  for (const auto& [method, roles] : allowed) {
    for (const std::string& who : everyone) {
      if (std::find(roles.begin(), roles.end(), who) != roles.end()) continue;
      SCOPED_TRACE(method + " as " + who);
      const uint64_t mark = TreeSize();
      grpc::GenericStub stub(gateway_->Channel(who));
      grpc::Slice empty("");
      grpc::ByteBuffer request(&empty, 1), response;
      auto context = Deadline(10);
      std::promise<grpc::Status> done;
      stub.UnaryCall(context.get(), "/ctg.v1." + method, grpc::StubOptions(),
                     &request, &response,
                     [&](grpc::Status s) { done.set_value(std::move(s)); });
      grpc::Status s = done.get_future().get();
      EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED) << s.error_message();
      auto events = CallsSince(mark);
      ASSERT_EQ(events.size(), 1u);
      EXPECT_EQ(events[0].method(), "/ctg.v1." + method);
      EXPECT_EQ(events[0].code(), static_cast<int>(Code::PERMISSION_DENIED));
      EXPECT_FALSE(events[0].caller().empty());
    }
  }
  // The two streaming methods, with their own stubs.
  for (const std::string& who : everyone) {
    if (who != "commune-reviewer-33069") {
      SCOPED_TRACE("UploadCafRequestData as " + who);
      const uint64_t mark = TreeSize();
      auto stub = ctg::v1::CafRequests::NewStub(gateway_->Channel(who));
      auto context = Deadline();
      ctg::v1::CafRequestUpload out;
      auto writer = stub->UploadCafRequestData(context.get(), &out);
      ctg::v1::UploadCafRequestDataChunk chunk;
      chunk.mutable_header()->set_request_id("CREQ-000001");
      chunk.mutable_header()->set_no_personal_data(true);
      writer->Write(chunk);
      chunk.set_data("a,b\n1,2\n");
      writer->Write(chunk);
      writer->WritesDone();
      EXPECT_EQ(writer->Finish().error_code(), Code::PERMISSION_DENIED);
      EXPECT_EQ(CallsSince(mark).size(), 1u);
    }
    if (who != "caf-requester") {
      SCOPED_TRACE("GetCafRequestData as " + who);
      const uint64_t mark = TreeSize();
      auto stub = ctg::v1::CafRequests::NewStub(gateway_->Channel(who));
      auto context = Deadline();
      ctg::v1::GetCafRequestDataRequest r;
      r.set_request_id("CREQ-000001");
      auto reader = stub->GetCafRequestData(context.get(), r);
      ctg::v1::CafRequestDataChunk chunk;
      bool any = false;
      while (reader->Read(&chunk)) any = true;
      EXPECT_FALSE(any);
      EXPECT_EQ(reader->Finish().error_code(), Code::PERMISSION_DENIED);
      EXPECT_EQ(CallsSince(mark).size(), 1u);
    }
  }
}

// A listing filtered by state must not lose an agreement behind newer ones
// in another state: walking its pages finds every agreement in that state.
TEST_F(Article7AttackTest, AStateFilteredListingLosesNoAgreement) {
  Release release = Released(1, "33069", "single_parent_families");
  ctg::v1::TransferAgreement approved =
      Approved(release.extract_id, "Centre social du Bouscat");
  for (const char* recipient : {"Partenaire A", "Partenaire B"}) {
    ctg::v1::TransferAgreement pending;
    ASSERT_TRUE(
        Ask("requester-33069", release.extract_id, recipient, &pending).ok());
  }
  for (const std::string who : {"reviewer", "requester-33069"}) {
    SCOPED_TRACE(who);
    ctg::v1::ListTransferAgreementsRequest r;
    r.set_extract_id(release.extract_id);
    r.set_state(ctg::v1::AGREEMENT_APPROVED);
    r.set_page_size(1);
    std::vector<std::string> found;
    for (int page = 0; page < 10; ++page) {
      ctg::v1::ListTransferAgreementsResponse listed;
      grpc::Status s = List(who, r, &listed);
      ASSERT_TRUE(s.ok()) << s.error_message();
      for (const auto& a : listed.agreements()) found.push_back(a.id());
      if (listed.next_page_token().empty()) break;
      r.set_page_token(listed.next_page_token());
    }
    EXPECT_THAT(found, ::testing::ElementsAre(approved.id()));
  }
}

// R3, R9: a receipt whose agreement list was tampered with does not verify:
// an agreement dropped, one swapped in from another release, a decision
// swapped under an id, the third party, the purpose or the state changed.
TEST_F(Article7AttackTest, ExtractVerifyCatchesEveryTamperedAgreement) {
  Release release = Released(2, "33069", "paje");
  ctg::v1::TransferAgreement a =
      Approved(release.extract_id, "Centre social du Bouscat");
  ctg::v1::TransferAgreement b =
      Approved(release.extract_id, "Maison des solidarités");
  Release other = Released(1, "33069", "low_income");
  ctg::v1::TransferAgreement c = Approved(other.extract_id, "Autre partenaire");
  const std::string key = DevPki::Get().dir() + "/audit-signing.pub";
  TempDir dir;
  const std::string file = dir.path() + "/extract.csv";
  RunResult got = gateway_->Ctg(
      "requester-33069",
      {"extract", "get", release.request_id, "-o", file, "--audit-key", key});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  // A rejection attached after the release.
  ctg::v1::TransferAgreement rejected = Decided(
      release.extract_id, "Journal municipal", false, "requester-33069");
  RunResult attached = gateway_->Ctg(
      "requester-33069", {"transfer", "show", rejected.id(), "--attach", file});
  ASSERT_EQ(attached.exit_code, 0) << attached.err;
  const std::string saved = Slurp(file + ".receipt.json");
  RunResult clean = gateway_->Ctg(
      "requester-33069", {"extract", "verify", file, "--audit-key", key});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;

  google::protobuf::Struct receipt;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(saved, &receipt).ok());
  ASSERT_EQ(receipt.fields().at("agreements").list_value().values_size(), 3);
  // C's entry as `transfer show --attach` would write it (another release).
  google::protobuf::Struct c_receipt;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  extract::ReceiptJson(c.decision_receipt()), &c_receipt)
                  .ok());
  auto entry_of = [](google::protobuf::Struct& r,
                     const std::string& id) -> google::protobuf::Struct* {
    auto* list = (*r.mutable_fields())["agreements"].mutable_list_value();
    for (auto& v : *list->mutable_values()) {
      if (v.struct_value().fields().at("id").string_value() == id)
        return v.mutable_struct_value();
    }
    return nullptr;
  };
  struct Case {
    std::string what;
    std::function<void(google::protobuf::Struct&)> tamper;
  };
  const std::vector<Case> cases = {
      {"one listed agreement dropped",
       [&](google::protobuf::Struct& r) {
         auto* list = (*r.mutable_fields())["agreements"].mutable_list_value();
         google::protobuf::ListValue kept;
         for (const auto& v : list->values()) {
           if (v.struct_value().fields().at("id").string_value() != a.id())
             *kept.add_values() = v;
         }
         *list = kept;
       }},
      {"an agreement of another release swapped in",
       [&](google::protobuf::Struct& r) {
         auto* e = entry_of(r, a.id());
         (*e->mutable_fields())["id"].set_string_value(c.id());
         (*e->mutable_fields())["recipient"].set_string_value(c.recipient());
         *(*e->mutable_fields())["receipt"].mutable_struct_value() = c_receipt;
       }},
      {"another decision under a listed id",
       [&](google::protobuf::Struct& r) {
         *(*entry_of(r, a.id())->mutable_fields())["receipt"]
              .mutable_struct_value() = c_receipt;
       }},
      {"the third party changed",
       [&](google::protobuf::Struct& r) {
         (*entry_of(r, a.id())->mutable_fields())["recipient"].set_string_value(
             "Journal municipal");
       }},
      {"the purpose changed",
       [&](google::protobuf::Struct& r) {
         (*entry_of(r, b.id())->mutable_fields())["purpose"].set_string_value(
             "Publier la carte des familles");
       }},
      {"a rejection shown as an approval",
       [&](google::protobuf::Struct& r) {
         (*entry_of(r, rejected.id())->mutable_fields())["state"]
             .set_string_value("AGREEMENT_APPROVED");
       }},
  };
  for (const Case& tampering : cases) {
    SCOPED_TRACE(tampering.what);
    google::protobuf::Struct tampered = receipt;
    tampering.tamper(tampered);
    std::string text;
    ASSERT_TRUE(
        google::protobuf::util::MessageToJsonString(tampered, &text).ok());
    std::ofstream(file + ".receipt.json", std::ios::trunc) << text;
    RunResult verified = gateway_->Ctg(
        "requester-33069", {"extract", "verify", file, "--audit-key", key});
    EXPECT_EQ(verified.exit_code, 3) << verified.out << verified.err;
    EXPECT_THAT(verified.err, HasSubstr("agreement "));
  }
  std::ofstream(file + ".receipt.json", std::ios::trunc) << saved;
}

// The audit trail keeps the first 2 KiB of a fact: an agreement whose
// purpose is longer still verifies (the receipt's text starts with the
// signed part), and a change inside the signed part is caught.
TEST_F(Article7AttackTest, ALongPurposeVerifiesAndItsSignedPartIsChecked) {
  Release release = Released(2, "33069", "low_income");
  ctg::v1::RequestTransferAgreementRequest r;
  r.set_extract_id(release.extract_id);
  r.set_recipient("Centre social du Bouscat");
  std::string purpose;
  for (int i = 0; i < 1500; ++i) purpose += "\u00e9";  // 3000 bytes
  r.set_purpose(purpose);
  ctg::v1::TransferAgreement a;
  grpc::Status asked = Agreements("requester-33069")
                           ->RequestTransferAgreement(Deadline().get(), r, &a);
  ASSERT_TRUE(asked.ok()) << asked.error_message();
  ctg::v1::DecideTransferAgreementRequest decide;
  decide.set_id(a.id());
  decide.set_decision(AgreementDecision::APPROVE);
  decide.set_reasons("Partenaire de la CTG");
  ASSERT_TRUE(Agreements("reviewer")
                  ->DecideTransferAgreement(Deadline().get(), decide, &a)
                  .ok());
  const std::string key = DevPki::Get().dir() + "/audit-signing.pub";
  TempDir dir;
  const std::string file = dir.path() + "/extract.csv";
  RunResult got = gateway_->Ctg(
      "requester-33069",
      {"extract", "get", release.request_id, "-o", file, "--audit-key", key});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  RunResult verified = gateway_->Ctg(
      "requester-33069", {"extract", "verify", file, "--audit-key", key});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  // "é" becomes "e" at the start: inside the signed part.
  std::string text = Slurp(file + ".receipt.json");
  size_t at = text.find("\"purpose\":\"\u00e9");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("\"purpose\":\"\u00e9").size(),
               "\"purpose\":\"e");
  std::ofstream(file + ".receipt.json", std::ios::trunc) << text;
  RunResult tampered = gateway_->Ctg(
      "requester-33069", {"extract", "verify", file, "--audit-key", key});
  EXPECT_EQ(tampered.exit_code, 3) << tampered.out;
  EXPECT_THAT(tampered.err, HasSubstr("purpose"));
}

// Role confusion: the Caf's requester is not the commune's requester, the
// commune's reviewer is not the Caf's reviewer. Every older method they
// may not call is refused PERMISSION_DENIED with one event, streaming ones
// included (called here as unary: refused before any message).
TEST_F(Article7AttackTest, TheNewRolesCallNoneOfTheOlderRolesMethods) {
  const std::vector<std::string> methods = {"DataRequests/SubmitRequest",
                                            "DataRequests/GetRequest",
                                            "DataRequests/ListRequests",
                                            "DataRequests/AmendRequest",
                                            "DataRequests/WithdrawRequest",
                                            "DataRequests/StartStudy",
                                            "DataRequests/PreviewFeasibility",
                                            "DataRequests/RequestInformation",
                                            "DataRequests/DecideRequest",
                                            "DataRequests/RevokeRequest",
                                            "Extracts/GetExtract",
                                            "Conventions/CreateConvention",
                                            "Conventions/SuspendConvention",
                                            "Conventions/ReinstateConvention",
                                            "Conventions/TerminateConvention",
                                            "Statistics/ImportStatistics",
                                            "Audit/ListEvents",
                                            "Audit/GetCheckpoint",
                                            "Audit/GetInclusionProof",
                                            "Audit/GetConsistencyProof"};
  // The commune's own requester and operator reach no audit fact either
  // (a release event names its agreements; proofs are found by digest).
  const std::vector<std::pair<std::string, std::string>> calls = [&] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string who : {"caf-requester", "commune-reviewer-33069",
                                  "commune-reviewer-33162"}) {
      for (const std::string& method : methods) out.emplace_back(who, method);
    }
    for (const std::string who : {"requester-33069", "operator-33069"}) {
      for (const std::string method :
           {"Audit/ListEvents", "Audit/GetInclusionProof",
            "Audit/GetConsistencyProof"}) {
        out.emplace_back(who, method);
      }
    }
    return out;
  }();
  for (const auto& [who, method] : calls) {
    {
      SCOPED_TRACE(method + " as " + who);
      const uint64_t mark = TreeSize();
      grpc::GenericStub stub(gateway_->Channel(who));
      grpc::Slice empty("");
      grpc::ByteBuffer request(&empty, 1), response;
      auto context = Deadline(10);
      std::promise<grpc::Status> done;
      stub.UnaryCall(context.get(), "/ctg.v1." + method, grpc::StubOptions(),
                     &request, &response,
                     [&](grpc::Status s) { done.set_value(std::move(s)); });
      grpc::Status s = done.get_future().get();
      EXPECT_EQ(s.error_code(), Code::PERMISSION_DENIED) << s.error_message();
      // The refusal's own event (Audit.* ones are among the auditor's).
      auto stub_audit = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
      ctg::v1::ListEventsRequest list;
      list.set_from_sequence(mark + 1);
      list.set_method("/ctg.v1." + method);
      auto read = Deadline();
      auto reader = stub_audit->ListEvents(read.get(), list);
      std::vector<ctg::v1::AuditEvent> events;
      ctg::v1::AuditEvent e;
      while (reader->Read(&e)) {
        if (!e.caller().empty() &&
            e.caller().find("/auditor/") == std::string::npos) {
          events.push_back(e);
        }
      }
      ASSERT_TRUE(reader->Finish().ok());
      ASSERT_EQ(events.size(), 1u);
      EXPECT_EQ(events[0].code(), static_cast<int>(Code::PERMISSION_DENIED));
    }
  }
}

// R3, R8 (least privilege): a declared operator may download the extract
// but the authorization table refuses it Get/ListTransferAgreements; the
// receipt of its download does not hand it the commune's agreements either
// (third parties, purposes, the Caf's reasons and reviewer), and its
// release event names none, so that the receipt still verifies.
TEST_F(Article7AttackTest, AnOperatorsReceiptDoesNotListTheCommunesAgreements) {
  ctg::v1::Scope scope;
  scope.add_indicators("allocataires");
  scope.add_territories("33069");
  scope.add_periods("2023");
  ctg::v1::Recipient op;
  op.set_kind(ctg::v1::Recipient::OPERATOR);
  op.set_name("Compas");
  op.set_operator_person("compas-analyse");
  auto id = SubmitAndApprove(*gateway_, scope, 3, "requester-33069", {op});
  ASSERT_TRUE(id.ok()) << id.status();
  Download held = GetExtract(*id, "requester-33069");
  ASSERT_TRUE(held.status.ok()) << held.status.error_message();
  Approved(held.header.extract_id(), "Centre social du Bouscat");
  ctg::v1::ListTransferAgreementsResponse listed;
  EXPECT_EQ(List("operator-33069", {}, &listed).error_code(),
            Code::PERMISSION_DENIED);
  Download got = GetExtract(*id, "operator-33069");
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  EXPECT_EQ(got.trailer.receipt().agreements_size(), 0);
  EXPECT_EQ(got.trailer.receipt().event().find("transfer_agreements"),
            std::string::npos);
  // The commune's own download still lists it.
  Download again = GetExtract(*id, "requester-33069");
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_EQ(again.trailer.receipt().agreements_size(), 1);
}

// R8: Eysines's reviewer acts on none of the Caf's requests to Le Bouscat:
// every action is NOT_FOUND with a missing request's message, one event,
// nothing changed; asking for Le Bouscat's listing gives an empty one.
TEST_F(Article7AttackTest, AnotherCommunesReviewerActsOnNoCafRequest) {
  auto caf = ctg::v1::CafRequests::NewStub(gateway_->Channel("caf-requester"));
  ctg::v1::SubmitCafRequestRequest submit;
  submit.set_commune("33069");
  submit.set_purpose("Diagnostic partagé : places en crèche par IRIS");
  submit.set_objective("Axe II.1 petite enfance");
  submit.set_description("Places en crèche municipale");
  ctg::v1::Recipient* own = submit.add_recipients();
  own->set_kind(ctg::v1::Recipient::OWN_SERVICE);
  own->set_name("Service action sociale de la Caf");
  submit.set_retention_months(12);
  ctg::v1::CafRequest r;
  ASSERT_TRUE(caf->SubmitCafRequest(Deadline().get(), submit, &r).ok());
  const std::string id = r.id();
  auto bouscat = ctg::v1::CafRequests::NewStub(
      gateway_->Channel("commune-reviewer-33069"));
  ctg::v1::StartCafRequestStudyRequest start;
  start.set_id(id);
  ASSERT_TRUE(bouscat->StartCafRequestStudy(Deadline().get(), start, &r).ok());

  auto eysines = ctg::v1::CafRequests::NewStub(
      gateway_->Channel("commune-reviewer-33162"));
  const std::string missing = "CREQ-999999";
  auto attempts = [&](const std::string& target) {
    std::vector<grpc::Status> out;
    ctg::v1::CafRequest ignored;
    ctg::v1::RequestCafRequestInformationRequest ask;
    ask.set_id(target);
    ask.add_questions("Q ?");
    out.push_back(
        eysines->RequestCafRequestInformation(Deadline().get(), ask, &ignored));
    ctg::v1::DecideCafRequestRequest decide;
    decide.set_id(target);
    decide.set_decision(ctg::v1::DecideRequestRequest::REJECT);
    decide.set_reasons("Non");
    out.push_back(
        eysines->DecideCafRequest(Deadline().get(), decide, &ignored));
    ctg::v1::RevokeCafRequestRequest revoke;
    revoke.set_id(target);
    revoke.set_reason("Non");
    out.push_back(
        eysines->RevokeCafRequest(Deadline().get(), revoke, &ignored));
    return out;
  };
  const uint64_t mark = TreeSize();
  std::vector<grpc::Status> theirs = attempts(id);
  std::vector<grpc::Status> absent = attempts(missing);
  ASSERT_EQ(theirs.size(), absent.size());
  for (size_t i = 0; i < theirs.size(); ++i) {
    EXPECT_EQ(theirs[i].error_code(), Code::NOT_FOUND) << i;
    EXPECT_EQ(theirs[i].error_message(),
              absl::StrCat("request ", id, " not found"));
    EXPECT_EQ(absent[i].error_code(), Code::NOT_FOUND) << i;
  }
  EXPECT_EQ(CallsSince(mark).size(), 6u);
  ctg::v1::ListCafRequestsRequest for_bouscat;
  for_bouscat.set_commune("33069");
  ctg::v1::ListCafRequestsResponse listed;
  ASSERT_TRUE(
      eysines->ListCafRequests(Deadline().get(), for_bouscat, &listed).ok());
  EXPECT_EQ(listed.requests_size(), 0);
  ctg::v1::GetCafRequestRequest get;
  get.set_id(id);
  ASSERT_TRUE(caf->GetCafRequest(Deadline().get(), get, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::UNDER_STUDY);
  EXPECT_EQ(r.history_size(), 2);
}

}  // namespace
}  // namespace ctg::testing
