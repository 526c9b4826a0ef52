// Issue #6 over real mTLS: the étude d'opportunité. Requests walked from
// submission to approval and to rejection (with information requested and
// answered); every illegal transition, out-of-perimeter territory, unknown
// indicator, purpose change, suspended or ended convention, cross-commune
// access and bad input refused with the right code, changing nothing, and
// audited once; the commune as the tenant; four-eyes; the CLI and the R13
// report.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "statbase/csv_export.h"
#include "tests/integration/gateway_fixture.h"
#include "tools/ctg-synth/synth.h"

namespace ctg::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Code = grpc::StatusCode;
using Decision = ctg::v1::DecideRequestRequest;

constexpr char kAlice[] =
    "spiffe://ctg.caf33.fr/commune/33069/requester/alice.martin";
constexpr char kBruno[] =
    "spiffe://ctg.caf33.fr/commune/33069/requester/bruno.petit";
constexpr char kDenis[] = "spiffe://ctg.caf33.fr/caf/33/reviewer/denis.roux";
constexpr char kEmma[] = "spiffe://ctg.caf33.fr/caf/33/reviewer/emma.leroy";
constexpr char kPurpose[] =
    "Diagnostic social de territoire : repérer les quartiers où la part des "
    "familles "
    "monoparentales allocataires progresse, pour orienter l'offre du CCAS.";
constexpr char kObjective[] = "Axe I.2 veille sociale territoriale";

constexpr char kSubmit[] = "/ctg.v1.DataRequests/SubmitRequest";
constexpr char kGet[] = "/ctg.v1.DataRequests/GetRequest";
constexpr char kList[] = "/ctg.v1.DataRequests/ListRequests";
constexpr char kAmend[] = "/ctg.v1.DataRequests/AmendRequest";
constexpr char kWithdraw[] = "/ctg.v1.DataRequests/WithdrawRequest";
constexpr char kStart[] = "/ctg.v1.DataRequests/StartStudy";
constexpr char kAsk[] = "/ctg.v1.DataRequests/RequestInformation";
constexpr char kDecide[] = "/ctg.v1.DataRequests/DecideRequest";
constexpr char kRevoke[] = "/ctg.v1.DataRequests/RevokeRequest";

const absl::TimeZone& Paris() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone();
    if (!absl::LoadTimeZone("Europe/Paris", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}

std::string Today() {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), Paris()));
}

// ---------------------------------------------------------------------------
// A gateway with the demo data of tools/run-demo.sh: the synthetic bases for
// 2022 and 2023, and conventions for Le Bouscat (33069) and Eysines (33162)
// whose perimeter is the commune code (all its IRIS and its QPV).

const std::string& DemoCsv(const std::string& period) {
  static auto* cache = new std::map<std::string, std::string>();
  auto it = cache->find(period);
  if (it == cache->end()) {
    auto base = synth::GenerateDemo(synth::kDefaultSeed, period);
    EXPECT_TRUE(base.ok()) << base.status();
    it = cache->emplace(period, base.ok() ? statbase::CanonicalCsv(*base) : "")
             .first;
  }
  return it->second;
}

grpc::Status Import(TestGateway& gw, const std::string& period) {
  auto stub = ctg::v1::Statistics::NewStub(gw.Channel("admin"));
  auto context = Deadline(60);
  ctg::v1::ImportStatisticsResponse response;
  auto writer = stub->ImportStatistics(context.get(), &response);
  ctg::v1::ImportStatisticsChunk chunk;
  chunk.mutable_header()->set_period(period);
  chunk.mutable_header()->set_file_name(
      absl::StrCat("statistics-", period, ".csv"));
  writer->Write(chunk);
  const std::string& csv = DemoCsv(period);
  for (size_t i = 0; i < csv.size(); i += 1 << 20) {
    chunk.set_csv_data(csv.substr(i, 1 << 20));
    writer->Write(chunk);
  }
  writer->WritesDone();
  return writer->Finish();
}

grpc::Status CreateConvention(TestGateway& gw, const std::string& commune,
                              const std::string& name, const std::string& from,
                              const std::string& until,
                              ctg::v1::Convention* out) {
  auto stub = ctg::v1::Conventions::NewStub(gw.Channel("admin"));
  ctg::v1::CreateConventionRequest request;
  ctg::v1::Convention* c = request.mutable_convention();
  c->set_commune(commune);
  c->set_commune_name(name);
  c->add_perimeter(commune);
  c->set_valid_from(from);
  c->set_valid_until(until);
  return stub->CreateConvention(Deadline().get(), request, out);
}

// Starts a gateway and loads the demo; `with_conventions` creates
// CTG-33069-1 and CTG-33162-1 (2020-03-01 to 2027-12-31).
TestGateway* StartDemo(const std::string& extra_config,
                       bool with_conventions = true) {
  auto gw = TestGateway::Start(extra_config);
  EXPECT_TRUE(gw.ok()) << gw.status();
  if (!gw.ok()) return nullptr;
  for (const char* period : {"2022", "2023"}) {
    grpc::Status s = Import(**gw, period);
    EXPECT_TRUE(s.ok()) << period << ": " << s.error_message();
  }
  if (with_conventions) {
    ctg::v1::Convention c;
    EXPECT_TRUE(CreateConvention(**gw, "33069", "Le Bouscat", "2020-03-01",
                                 "2027-12-31", &c)
                    .ok());
    EXPECT_EQ(c.id(), "CTG-33069-1");
    EXPECT_TRUE(CreateConvention(**gw, "33162", "Eysines", "2020-03-01",
                                 "2027-12-31", &c)
                    .ok());
    EXPECT_EQ(c.id(), "CTG-33162-1");
  }
  return gw->release();
}

// ---------------------------------------------------------------------------
// Calls.

ctg::v1::SubmitRequestRequest ValidSubmission() {
  ctg::v1::SubmitRequestRequest r;
  r.set_purpose(kPurpose);
  r.set_objective(kObjective);
  r.set_justification("Le CCAS prépare son analyse des besoins sociales 2024.");
  ctg::v1::Scope* s = r.mutable_scope();
  for (const char* i : {"allocataires", "single_parent_families"})
    s->add_indicators(i);
  for (const char* t : {"33069", "330690101", "330690102", "QN03302M"})
    s->add_territories(t);
  for (const char* p : {"2022", "2023"}) s->add_periods(p);
  s->add_breakdowns("family_type");
  ctg::v1::Recipient* own = r.add_recipients();
  own->set_kind(ctg::v1::Recipient::OWN_SERVICE);
  own->set_name("Direction de la cohésion sociale");
  ctg::v1::Recipient* op = r.add_recipients();
  op->set_kind(ctg::v1::Recipient::OPERATOR);
  op->set_name("Compas, cabinet d'analyse");
  op->set_operator_person("compas-analyse");
  r.set_retention_months(12);
  return r;
}

ctg::v1::SubmitRequestRequest EysinesSubmission() {
  ctg::v1::SubmitRequestRequest r = ValidSubmission();
  r.mutable_scope()->clear_territories();
  r.mutable_scope()->add_territories("33162");
  r.mutable_scope()->add_territories("331620101");
  return r;
}

ctg::v1::StudyOpinion Opinion(ctg::v1::Opinion value,
                              const std::string& reasoning) {
  ctg::v1::StudyOpinion o;
  o.set_opinion(value);
  o.set_reasoning(reasoning);
  return o;
}

class Client {
 public:
  Client(TestGateway* gw, const std::string& who)
      : stub_(ctg::v1::DataRequests::NewStub(gw->Channel(who))) {}

  grpc::Status Submit(const ctg::v1::SubmitRequestRequest& r,
                      ctg::v1::DataRequest* out = &sink_) {
    return stub_->SubmitRequest(Deadline().get(), r, out);
  }
  grpc::Status Get(const std::string& id, ctg::v1::DataRequest* out = &sink_) {
    ctg::v1::GetRequestRequest r;
    r.set_id(id);
    return stub_->GetRequest(Deadline().get(), r, out);
  }
  grpc::Status List(const ctg::v1::ListRequestsRequest& r,
                    ctg::v1::ListRequestsResponse* out) {
    return stub_->ListRequests(Deadline().get(), r, out);
  }
  grpc::Status Amend(const ctg::v1::AmendRequestRequest& r,
                     ctg::v1::DataRequest* out = &sink_) {
    return stub_->AmendRequest(Deadline().get(), r, out);
  }
  grpc::Status Answer(const std::string& id, const std::string& answer,
                      ctg::v1::DataRequest* out = &sink_) {
    ctg::v1::AmendRequestRequest r;
    r.set_id(id);
    r.set_answer(answer);
    return Amend(r, out);
  }
  grpc::Status Withdraw(const std::string& id, const std::string& reason = "",
                        ctg::v1::DataRequest* out = &sink_) {
    ctg::v1::WithdrawRequestRequest r;
    r.set_id(id);
    r.set_reason(reason);
    return stub_->WithdrawRequest(Deadline().get(), r, out);
  }
  grpc::Status Start(const std::string& id,
                     ctg::v1::DataRequest* out = &sink_) {
    ctg::v1::StartStudyRequest r;
    r.set_id(id);
    return stub_->StartStudy(Deadline().get(), r, out);
  }
  grpc::Status Ask(const std::string& id, std::vector<std::string> questions,
                   ctg::v1::DataRequest* out = &sink_) {
    ctg::v1::RequestInformationRequest r;
    r.set_id(id);
    for (auto& q : questions) r.add_questions(q);
    return stub_->RequestInformation(Deadline().get(), r, out);
  }
  grpc::Status Decide(const Decision& r, ctg::v1::DataRequest* out = &sink_) {
    return stub_->DecideRequest(Deadline().get(), r, out);
  }
  grpc::Status Approve(const std::string& id,
                       ctg::v1::DataRequest* out = &sink_) {
    Decision r;
    r.set_id(id);
    r.set_decision(Decision::APPROVE);
    *r.mutable_opportunity() =
        Opinion(ctg::v1::FAVOURABLE, "Dans l'axe I.2 de la convention.");
    *r.mutable_feasibility() =
        Opinion(ctg::v1::FAVOURABLE, "Territoires au-dessus du seuil.");
    return Decide(r, out);
  }
  grpc::Status Reject(const std::string& id, const std::string& reasons,
                      ctg::v1::DataRequest* out = &sink_) {
    Decision r;
    r.set_id(id);
    r.set_decision(Decision::REJECT);
    r.set_reasons(reasons);
    return Decide(r, out);
  }
  grpc::Status Revoke(const std::string& id, const std::string& reason,
                      ctg::v1::DataRequest* out = &sink_) {
    ctg::v1::RevokeRequestRequest r;
    r.set_id(id);
    r.set_reason(reason);
    return stub_->RevokeRequest(Deadline().get(), r, out);
  }

 private:
  static ctg::v1::DataRequest sink_;
  std::unique_ptr<ctg::v1::DataRequests::Stub> stub_;
};
ctg::v1::DataRequest Client::sink_;

// The audit trail, as the auditor reads it.
uint64_t TreeSize(TestGateway* gw) {
  auto stub = ctg::v1::Audit::NewStub(gw->Channel("auditor"));
  ctg::v1::Checkpoint checkpoint;
  grpc::Status s = stub->GetCheckpoint(Deadline().get(), {}, &checkpoint);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return checkpoint.tree_size();
}

std::vector<ctg::v1::AuditEvent> EventsSince(TestGateway* gw,
                                             uint64_t tree_size,
                                             const std::string& method) {
  auto stub = ctg::v1::Audit::NewStub(gw->Channel("auditor"));
  ctg::v1::ListEventsRequest request;
  request.set_from_sequence(tree_size + 1);
  request.set_method(method);
  auto context = Deadline();
  auto reader = stub->ListEvents(context.get(), request);
  std::vector<ctg::v1::AuditEvent> events;
  ctg::v1::AuditEvent e;
  while (reader->Read(&e)) events.push_back(e);
  EXPECT_TRUE(reader->Finish().ok());
  return events;
}

std::string Fact(const ctg::v1::AuditEvent& e, const std::string& key) {
  for (const auto& f : e.facts()) {
    if (f.key() == key) return f.value();
  }
  return "<no fact " + key + ">";
}

std::vector<ctg::v1::RequestState> States(const ctg::v1::DataRequest& r) {
  std::vector<ctg::v1::RequestState> out;
  for (const auto& t : r.history()) out.push_back(t.to_state());
  return out;
}

// ---------------------------------------------------------------------------
// The fixture: one gateway for the suite (the tests file their own
// requests and do not depend on each other).

class WorkflowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gateway_ = StartDemo(""); }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static Client As(const std::string& who) { return Client(gateway_, who); }

  // A fresh request of Le Bouscat by alice, taken to `state`.
  static std::string RequestIn(
      ctg::v1::RequestState state,
      const std::string& requester = "requester-33069") {
    ctg::v1::DataRequest r;
    grpc::Status s = As(requester).Submit(requester == "requester-33162"
                                              ? EysinesSubmission()
                                              : ValidSubmission(),
                                          &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    const std::string id = r.id();
    Client reviewer = As("reviewer");
    auto step = [&](grpc::Status st) {
      EXPECT_TRUE(st.ok()) << st.error_message();
    };
    switch (state) {
      case ctg::v1::SUBMITTED:
        break;
      case ctg::v1::UNDER_STUDY:
        step(reviewer.Start(id));
        break;
      case ctg::v1::INFO_REQUESTED:
        step(reviewer.Start(id));
        step(reviewer.Ask(id, {"Quel service exploitera les données ?"}));
        break;
      case ctg::v1::APPROVED:
        step(reviewer.Start(id));
        step(reviewer.Approve(id));
        break;
      case ctg::v1::REJECTED:
        step(reviewer.Start(id));
        step(reviewer.Reject(id, "Hors des objectifs de la convention."));
        break;
      case ctg::v1::WITHDRAWN:
        step(As(requester).Withdraw(id, "Plus nécessaire."));
        break;
      case ctg::v1::REVOKED:
        step(reviewer.Start(id));
        step(reviewer.Approve(id));
        step(As("admin").Revoke(id, "Manquement au secret statistique."));
        break;
      default:
        ADD_FAILURE() << "state " << state;
    }
    ctg::v1::DataRequest now;
    EXPECT_TRUE(As("reviewer").Get(id, &now).ok());
    EXPECT_EQ(now.state(), state) << id;
    return id;
  }

  static ctg::v1::DataRequest Read(const std::string& id) {
    ctg::v1::DataRequest r;
    grpc::Status s = As("reviewer").Get(id, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }

  static int CountRequests() {
    ctg::v1::ListRequestsRequest request;
    request.set_page_size(500);
    ctg::v1::ListRequestsResponse response;
    EXPECT_TRUE(As("reviewer").List(request, &response).ok());
    return response.requests_size();
  }

  // `call`, refused on request `id`: the code and message fragment, the
  // request unchanged, and exactly one audit event for `method` with that
  // outcome, about that request.
  static void ExpectRefused(const std::string& id, const std::string& method,
                            Code code, const std::string& fragment,
                            const std::function<grpc::Status()>& call) {
    SCOPED_TRACE(absl::StrCat(method, " on ", id, " expecting ", fragment));
    ctg::v1::DataRequest before = Read(id);
    uint64_t mark = TreeSize(gateway_);
    grpc::Status s = call();
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(fragment));
    std::vector<ctg::v1::AuditEvent> events =
        EventsSince(gateway_, mark, method);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].code(), static_cast<int>(code));
    EXPECT_EQ(events[0].message(), s.error_message());
    // A call the authorization table refuses never reaches the service.
    if (code != Code::PERMISSION_DENIED) {
      EXPECT_EQ(events[0].target_id(), id);
    }
    ctg::v1::DataRequest after = Read(id);
    EXPECT_TRUE(MessageDifferencer::Equals(before, after))
        << "before: " << before.ShortDebugString()
        << "\nafter: " << after.ShortDebugString();
  }

  // A refused submission: the code and message, nothing stored, one audit
  // event with the declared purpose.
  static void ExpectSubmitRefused(const std::string& client,
                                  const ctg::v1::SubmitRequestRequest& request,
                                  Code code, const std::string& message) {
    SCOPED_TRACE(message);
    int before = CountRequests();
    uint64_t mark = TreeSize(gateway_);
    grpc::Status s = As(client).Submit(request);
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(message));
    std::vector<ctg::v1::AuditEvent> events =
        EventsSince(gateway_, mark, kSubmit);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].code(), static_cast<int>(code));
    EXPECT_EQ(events[0].message(), s.error_message());
    EXPECT_EQ(CountRequests(), before);
  }

  static TestGateway* gateway_;
};
TestGateway* WorkflowTest::gateway_ = nullptr;

TEST_F(WorkflowTest, SubmissionToApprovalWithInformationRequestedAndAnswered) {
  uint64_t mark = TreeSize(gateway_);
  ctg::v1::DataRequest r;
  ASSERT_TRUE(As("requester-33069").Submit(ValidSubmission(), &r).ok());
  const std::string id = r.id();
  EXPECT_TRUE(absl::StartsWith(id, "REQ-")) << id;
  EXPECT_EQ(id.size(), 10u);
  EXPECT_EQ(r.state(), ctg::v1::SUBMITTED);
  EXPECT_EQ(r.commune(), "33069");
  EXPECT_EQ(r.convention_id(), "CTG-33069-1");
  EXPECT_EQ(r.purpose(), kPurpose);
  EXPECT_EQ(r.objective(), kObjective);
  EXPECT_EQ(r.requester(), kAlice);
  EXPECT_EQ(r.retention_months(), 12);
  ASSERT_EQ(r.recipients_size(), 2);
  EXPECT_EQ(r.recipients(1).operator_person(), "compas-analyse");
  EXPECT_THAT(r.scope().territories(),
              ElementsAre("33069", "330690101", "330690102", "QN03302M"));
  ASSERT_EQ(r.versions_size(), 1);
  EXPECT_EQ(r.versions(0).author(), kAlice);
  EXPECT_THAT(States(r), ElementsAre(ctg::v1::SUBMITTED));

  // The study: questions, answered by a new version.
  Client reviewer = As("reviewer");
  ASSERT_TRUE(reviewer.Start(id, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::UNDER_STUDY);
  ASSERT_TRUE(reviewer
                  .Ask(id,
                       {"Quel service exploitera les données ?",
                        "Les QPV sont-ils nécessaires ?"},
                       &r)
                  .ok());
  EXPECT_EQ(r.state(), ctg::v1::INFO_REQUESTED);
  EXPECT_THAT(r.questions(),
              ElementsAre("Quel service exploitera les données ?",
                          "Les QPV sont-ils nécessaires ?"));
  ctg::v1::AmendRequestRequest amend;
  amend.set_id(id);
  amend.set_answer("Le CCAS ; le QPV n'est pas nécessaire.");
  amend.set_purpose(kPurpose);  // the same purpose is accepted
  *amend.mutable_scope() = ValidSubmission().scope();
  amend.mutable_scope()->mutable_territories()->RemoveLast();  // QN03302M
  ASSERT_TRUE(As("requester-33069").Amend(amend, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::UNDER_STUDY);
  ASSERT_EQ(r.versions_size(), 2);
  EXPECT_EQ(r.versions(1).answer(), "Le CCAS ; le QPV n'est pas nécessaire.");
  EXPECT_THAT(r.scope().territories(),
              ElementsAre("33069", "330690101", "330690102"));
  EXPECT_EQ(r.justification(), ValidSubmission().justification());  // kept
  EXPECT_THAT(r.versions(0).scope().territories(),
              ElementsAre("33069", "330690101", "330690102",
                          "QN03302M"));  // version 1 kept

  // Approval, narrowed, with an end time and a quota.
  Decision d;
  d.set_id(id);
  d.set_decision(Decision::APPROVE);
  *d.mutable_opportunity() = Opinion(ctg::v1::FAVOURABLE, "Dans l'axe I.2.");
  *d.mutable_feasibility() =
      Opinion(ctg::v1::FAVOURABLE, "Au-dessus des seuils.");
  d.mutable_opportunity()->set_reviewer(
      "spiffe://ctg.caf33.fr/caf/33/reviewer/someone.else");
  *d.mutable_scope() = r.scope();
  d.mutable_scope()->clear_periods();
  d.mutable_scope()->add_periods("2023");
  int64_t end = absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 90));
  d.mutable_end_time()->set_seconds(end);
  d.set_download_quota(3);
  ASSERT_TRUE(reviewer.Decide(d, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::APPROVED);
  EXPECT_THAT(r.approval().scope().periods(), ElementsAre("2023"));
  EXPECT_THAT(r.scope().periods(),
              ElementsAre("2022", "2023"));  // what was asked
  EXPECT_EQ(r.approval().end_time().seconds(), end);
  EXPECT_EQ(r.approval().download_quota(), 3);
  EXPECT_EQ(r.approval().downloads_used(), 0);
  EXPECT_EQ(r.opportunity().opinion(), ctg::v1::FAVOURABLE);
  EXPECT_EQ(r.opportunity().reviewer(),
            kDenis);  // the caller, not what the client wrote
  EXPECT_EQ(r.feasibility().reasoning(), "Au-dessus des seuils.");
  ASSERT_EQ(r.opinions_size(), 2);
  EXPECT_EQ(r.opinions(0).version(), 2);

  // The whole history, with who and why.
  EXPECT_THAT(States(r), ElementsAre(ctg::v1::SUBMITTED, ctg::v1::UNDER_STUDY,
                                     ctg::v1::INFO_REQUESTED,
                                     ctg::v1::UNDER_STUDY, ctg::v1::APPROVED));
  EXPECT_EQ(r.history(0).actor(), kAlice);
  EXPECT_EQ(r.history(1).actor(), kDenis);
  EXPECT_EQ(r.history(2).from_state(), ctg::v1::UNDER_STUDY);
  EXPECT_THAT(r.history(2).reason(),
              HasSubstr("Les QPV sont-ils nécessaires ?"));
  EXPECT_THAT(r.history(3).reason(), HasSubstr("Le CCAS"));
  EXPECT_THAT(r.history(4).reason(), HasSubstr("3 download(s)"));

  // The requester sees the same request.
  ctg::v1::DataRequest seen;
  ASSERT_TRUE(As("requester-33069").Get(id, &seen).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(seen, r));

  // Audited: the declared purpose on submission, the decision and opinions.
  auto submits = EventsSince(gateway_, mark, kSubmit);
  ASSERT_EQ(submits.size(), 1u);
  EXPECT_EQ(submits[0].code(), 0);
  EXPECT_EQ(submits[0].target_kind(), "request");
  EXPECT_EQ(submits[0].target_id(), id);
  EXPECT_EQ(Fact(submits[0], "purpose"), kPurpose);
  EXPECT_EQ(Fact(submits[0], "objective"), kObjective);
  EXPECT_EQ(Fact(submits[0], "convention"), "CTG-33069-1");
  auto decisions = EventsSince(gateway_, mark, kDecide);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].caller(), kDenis);
  EXPECT_EQ(Fact(decisions[0], "decision"), "APPROVE");
  EXPECT_EQ(Fact(decisions[0], "opportunity"), "FAVOURABLE: Dans l'axe I.2.");
  EXPECT_EQ(Fact(decisions[0], "feasibility"),
            "FAVOURABLE: Au-dessus des seuils.");
  EXPECT_EQ(Fact(decisions[0], "download_quota"), "3");
  auto amends = EventsSince(gateway_, mark, kAmend);
  ASSERT_EQ(amends.size(), 1u);
  EXPECT_EQ(Fact(amends[0], "version"), "2");
}

TEST_F(WorkflowTest, ApprovalDefaultsToTheConventionsEndAndOneDownload) {
  std::string id = RequestIn(ctg::v1::APPROVED);
  ctg::v1::DataRequest r = Read(id);
  // valid_until 2027-12-31: the approval ends at the start of 2028-01-01 in
  // Europe/Paris.
  EXPECT_EQ(r.approval().end_time().seconds(),
            absl::ToUnixSeconds(
                absl::FromCivil(absl::CivilDay(2028, 1, 1), Paris())));
  EXPECT_EQ(r.approval().download_quota(), 1);
  EXPECT_THAT(r.approval().scope().territories(),
              ElementsAre("33069", "330690101", "330690102", "QN03302M"));
}

TEST_F(WorkflowTest, SubmissionToRejectionWithUnansweredQuestions) {
  std::string id = RequestIn(ctg::v1::INFO_REQUESTED);
  Decision d;
  d.set_id(id);
  d.set_decision(Decision::REJECT);
  *d.mutable_opportunity() =
      Opinion(ctg::v1::UNFAVOURABLE, "Usage non décrit.");
  d.set_reasons("Les questions sont restées sans réponse.");
  ctg::v1::DataRequest r;
  ASSERT_TRUE(As("reviewer").Decide(d, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::REJECTED);
  EXPECT_EQ(r.decision_reasons(), "Les questions sont restées sans réponse.");
  EXPECT_FALSE(r.has_approval());
  EXPECT_EQ(r.opportunity().opinion(), ctg::v1::UNFAVOURABLE);
  EXPECT_THAT(States(r),
              ElementsAre(ctg::v1::SUBMITTED, ctg::v1::UNDER_STUDY,
                          ctg::v1::INFO_REQUESTED, ctg::v1::REJECTED));
  EXPECT_EQ(r.history(3).reason(), "Les questions sont restées sans réponse.");

  // A rejection without reasons, or an approval with an unfavourable
  // opinion, is refused.
  std::string other = RequestIn(ctg::v1::UNDER_STUDY);
  ExpectRefused(other, kDecide, Code::INVALID_ARGUMENT, "reasons: required",
                [&] { return As("reviewer").Reject(other, ""); });
  Decision unfavourable;
  unfavourable.set_id(other);
  unfavourable.set_decision(Decision::APPROVE);
  *unfavourable.mutable_opportunity() = Opinion(ctg::v1::FAVOURABLE, "Oui.");
  *unfavourable.mutable_feasibility() =
      Opinion(ctg::v1::UNFAVOURABLE, "Trop fin.");
  ExpectRefused(
      other, kDecide, Code::INVALID_ARGUMENT,
      "feasibility.opinion: is UNFAVOURABLE; an approval needs both opinions "
      "FAVOURABLE (R1)",
      [&] { return As("reviewer").Decide(unfavourable); });
  Decision missing;
  missing.set_id(other);
  missing.set_decision(Decision::APPROVE);
  *missing.mutable_opportunity() = Opinion(ctg::v1::FAVOURABLE, "Oui.");
  ExpectRefused(other, kDecide, Code::INVALID_ARGUMENT,
                "feasibility: required: an approval needs both opinions (R1)",
                [&] { return As("reviewer").Decide(missing); });
  Decision wider;
  wider.CopyFrom(unfavourable);
  *wider.mutable_feasibility() = Opinion(ctg::v1::FAVOURABLE, "Oui.");
  *wider.mutable_scope() = ValidSubmission().scope();
  wider.mutable_scope()->add_territories("330690103");
  ExpectRefused(other, kDecide, Code::INVALID_ARGUMENT,
                "scope.territories[4]: \"330690103\" was not requested",
                [&] { return As("reviewer").Decide(wider); });
}

TEST_F(WorkflowTest, WithdrawalAndRevocation) {
  std::string id = RequestIn(ctg::v1::UNDER_STUDY);
  ctg::v1::DataRequest r;
  ASSERT_TRUE(
      As("requester-33069").Withdraw(id, "Besoin couvert autrement.", &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::WITHDRAWN);
  EXPECT_EQ(r.history(2).actor(), kAlice);
  EXPECT_EQ(r.history(2).reason(), "Besoin couvert autrement.");

  std::string approved = RequestIn(ctg::v1::APPROVED);
  ExpectRefused(approved, kRevoke, Code::INVALID_ARGUMENT, "reason: required",
                [&] { return As("reviewer").Revoke(approved, " "); });
  ASSERT_TRUE(
      As("admin").Revoke(approved, "Manquement constaté (R10).", &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::REVOKED);
  EXPECT_EQ(r.decision_reasons(), "Manquement constaté (R10).");
  EXPECT_EQ(r.history(3).actor(),
            "spiffe://ctg.caf33.fr/caf/33/admin/fabrice.moreau");
  EXPECT_TRUE(r.has_approval());  // the terms stay in the record
}

TEST_F(WorkflowTest,
       EveryIllegalTransitionIsFailedPreconditionChangesNothingAndIsAudited) {
  // Every state a request can be stored in, and every action a caller can
  // take that does not apply there.
  auto start = [](const std::string& id) { return As("reviewer").Start(id); };
  auto ask = [](const std::string& id) {
    return As("reviewer").Ask(id, {"Pourquoi ?"});
  };
  auto amend = [](const std::string& id) {
    return As("requester-33069").Answer(id, "Voici.");
  };
  auto approve = [](const std::string& id) {
    return As("reviewer").Approve(id);
  };
  auto reject = [](const std::string& id) {
    return As("reviewer").Reject(id, "Non.");
  };
  auto withdraw = [](const std::string& id) {
    return As("requester-33069").Withdraw(id);
  };
  auto revoke = [](const std::string& id) {
    return As("reviewer").Revoke(id, "Fin.");
  };
  const std::vector<
      std::pair<const char*, std::function<grpc::Status(const std::string&)>>>
      actions = {{kStart, start},    {kAsk, ask},       {kAmend, amend},
                 {kDecide, approve}, {kDecide, reject}, {kWithdraw, withdraw},
                 {kRevoke, revoke}};
  const std::vector<const char*> legal_from = {
      "only SUBMITTED requests can be taken into study",
      "only UNDER_STUDY requests can be sent questions",
      "only INFO_REQUESTED requests can be amended",
      "only UNDER_STUDY requests can be approved",
      "only UNDER_STUDY or INFO_REQUESTED requests can be rejected",
      "only SUBMITTED, UNDER_STUDY or INFO_REQUESTED requests can be withdrawn",
      "only APPROVED requests can be revoked"};
  // legal[state][action]
  const std::map<ctg::v1::RequestState, std::vector<bool>> legal = {
      {ctg::v1::SUBMITTED, {true, false, false, false, false, true, false}},
      {ctg::v1::UNDER_STUDY, {false, true, false, true, true, true, false}},
      {ctg::v1::INFO_REQUESTED, {false, false, true, false, true, true, false}},
      {ctg::v1::APPROVED, {false, false, false, false, false, false, true}},
      {ctg::v1::REJECTED, {false, false, false, false, false, false, false}},
      {ctg::v1::WITHDRAWN, {false, false, false, false, false, false, false}},
      {ctg::v1::REVOKED, {false, false, false, false, false, false, false}},
  };
  int refused = 0;
  for (const auto& [state, allowed] : legal) {
    std::string id = RequestIn(state);
    for (size_t a = 0; a < actions.size(); ++a) {
      if (allowed[a]) continue;
      const std::string expected =
          absl::StrCat("request ", id, " is ",
                       ctg::v1::RequestState_Name(state), "; ", legal_from[a]);
      ExpectRefused(id, actions[a].first, Code::FAILED_PRECONDITION, expected,
                    [&] { return actions[a].second(id); });
      ++refused;
    }
  }
  EXPECT_EQ(refused, 39);
}

TEST_F(WorkflowTest, WrongRoleForAnActionIsPermissionDenied) {
  std::string id = RequestIn(ctg::v1::UNDER_STUDY);
  // Roles outside the method's row of the authorization table.
  ExpectRefused(
      id, kStart, Code::PERMISSION_DENIED,
      "role \"requester\" may not call /ctg.v1.DataRequests/StartStudy",
      [&] { return As("requester-33069").Start(id); });
  ExpectRefused(
      id, kDecide, Code::PERMISSION_DENIED,
      "role \"admin\" may not call /ctg.v1.DataRequests/DecideRequest",
      [&] { return As("admin").Approve(id); });
  ExpectRefused(
      id, kAmend, Code::PERMISSION_DENIED,
      "role \"reviewer\" may not call /ctg.v1.DataRequests/AmendRequest",
      [&] { return As("reviewer").Answer(id, "x"); });
  ExpectRefused(
      id, kWithdraw, Code::PERMISSION_DENIED,
      "role \"operator\" may not call /ctg.v1.DataRequests/WithdrawRequest",
      [&] { return As("operator-33069").Withdraw(id); });
  ExpectRefused(
      id, kRevoke, Code::PERMISSION_DENIED,
      "role \"requester\" may not call /ctg.v1.DataRequests/RevokeRequest",
      [&] { return As("requester-33069").Revoke(id, "x"); });
  ExpectRefused(id, kGet, Code::PERMISSION_DENIED,
                "role \"admin\" may not call /ctg.v1.DataRequests/GetRequest",
                [&] { return As("admin").Get(id); });
}

// R3: an operator reads, and only reads, the requests of its commune that
// declare it as a recipient; any other is NOT_FOUND, as a missing one.
TEST_F(WorkflowTest, DeclaredOperatorSeesItsRequestsOnly) {
  // operator-33069 is compas-analyse, declared by ValidSubmission.
  ctg::v1::DataRequest declared;
  ASSERT_TRUE(As("requester-33069").Submit(ValidSubmission(), &declared).ok());
  ctg::v1::SubmitRequestRequest without = ValidSubmission();
  without.mutable_recipients()->RemoveLast();  // the operator
  ctg::v1::DataRequest undeclared;
  ASSERT_TRUE(As("requester-33069").Submit(without, &undeclared).ok());
  Client op = As("operator-33069");

  uint64_t mark = TreeSize(gateway_);
  ctg::v1::DataRequest seen;
  grpc::Status s = op.Get(declared.id(), &seen);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(seen.id(), declared.id());
  std::vector<ctg::v1::AuditEvent> events = EventsSince(gateway_, mark, kGet);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code(), 0);

  ExpectRefused(undeclared.id(), kGet, Code::NOT_FOUND,
                absl::StrCat("request ", undeclared.id(), " not found"),
                [&] { return op.Get(undeclared.id()); });
  std::string other = RequestIn(ctg::v1::SUBMITTED, "requester-33162");
  ExpectRefused(other, kGet, Code::NOT_FOUND,
                absl::StrCat("request ", other, " not found"),
                [&] { return op.Get(other); });

  mark = TreeSize(gateway_);
  ctg::v1::ListRequestsRequest list;
  list.set_page_size(1000);
  ctg::v1::ListRequestsResponse listed;
  ASSERT_TRUE(op.List(list, &listed).ok());
  std::vector<std::string> ids;
  for (const ctg::v1::DataRequest& r : listed.requests()) {
    ids.push_back(r.id());
    EXPECT_EQ(r.commune(), "33069") << r.id();
    bool names_it = false;
    for (const ctg::v1::Recipient& rec : r.recipients()) {
      names_it = names_it || rec.operator_person() == "compas-analyse";
    }
    EXPECT_TRUE(names_it) << r.id();
  }
  EXPECT_THAT(ids, ::testing::Contains(declared.id()));
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains(undeclared.id())));
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains(other)));
  // Another commune's list is empty, as for a requester.
  list.set_commune("33162");
  ctg::v1::ListRequestsResponse none;
  ASSERT_TRUE(op.List(list, &none).ok());
  EXPECT_EQ(none.requests_size(), 0);
  EXPECT_EQ(EventsSince(gateway_, mark, kList).size(), 2u);
}

TEST_F(WorkflowTest, OperatorCannotSubmit) {
  ExpectSubmitRefused(
      "operator-33069", ValidSubmission(), Code::PERMISSION_DENIED,
      "role \"operator\" may not call /ctg.v1.DataRequests/SubmitRequest");
  ExpectSubmitRefused(
      "reviewer", ValidSubmission(), Code::PERMISSION_DENIED,
      "role \"reviewer\" may not call /ctg.v1.DataRequests/SubmitRequest");
}

TEST_F(WorkflowTest, OutOfPerimeterTerritoriesAreInvalidArgument) {
  const char* kOutside[] = {"33162", "331620101", "330699999", "330690101X",
                            "QN03399Z"};
  for (const char* territory : kOutside) {
    ctg::v1::SubmitRequestRequest r = ValidSubmission();
    r.mutable_scope()->add_territories(territory);
    ExpectSubmitRefused(
        "requester-33069", r, Code::INVALID_ARGUMENT,
        absl::StrCat("scope.territories[4]: \"", territory,
                     "\" is not in the perimeter of convention CTG-33069-1"));
  }
  // Eysines cannot ask about Le Bouscat either, nor amend towards it.
  ctg::v1::SubmitRequestRequest eysines = EysinesSubmission();
  eysines.mutable_scope()->add_territories("330690101");
  ExpectSubmitRefused(
      "requester-33162", eysines, Code::INVALID_ARGUMENT,
      "scope.territories[2]: \"330690101\" is not in the perimeter of "
      "convention CTG-33162-1");
  std::string id = RequestIn(ctg::v1::INFO_REQUESTED);
  ctg::v1::AmendRequestRequest amend;
  amend.set_id(id);
  amend.set_answer("Élargi.");
  *amend.mutable_scope() = ValidSubmission().scope();
  amend.mutable_scope()->add_territories("331620105");
  ExpectRefused(id, kAmend, Code::INVALID_ARGUMENT,
                "scope.territories[4]: \"331620105\" is not in the perimeter "
                "of convention "
                "CTG-33069-1",
                [&] { return As("requester-33069").Amend(amend); });
}

TEST_F(WorkflowTest, UnknownIndicatorsAndBreakdownsAreInvalidArgument) {
  struct Case {
    std::function<void(ctg::v1::Scope*)> change;
    std::string message;
  } cases[] = {
      {[](ctg::v1::Scope* s) { s->add_indicators("fraud_suspicions"); },
       "scope.indicators[2]: \"fraud_suspicions\" is not in the catalogue"},
      {[](ctg::v1::Scope* s) { s->set_indicators(0, "Allocataires"); },
       "scope.indicators[0]: \"Allocataires\" is not in the catalogue"},
      {[](ctg::v1::Scope* s) { s->add_breakdowns("nationality"); },
       "scope.breakdowns[1]: \"nationality\" is not a breakdown in the "
       "catalogue"},
      {[](ctg::v1::Scope* s) { s->add_breakdowns("age_band"); },
       "scope.breakdowns[1]: \"age_band\" is not a breakdown of any requested "
       "indicator "
       "(allocataires, single_parent_families)"},
  };
  for (const Case& c : cases) {
    ctg::v1::SubmitRequestRequest r = ValidSubmission();
    c.change(r.mutable_scope());
    ExpectSubmitRefused("requester-33069", r, Code::INVALID_ARGUMENT,
                        c.message);
  }
  std::string id = RequestIn(ctg::v1::INFO_REQUESTED);
  ctg::v1::AmendRequestRequest amend;
  amend.set_id(id);
  amend.set_answer("Ajout.");
  *amend.mutable_scope() = ValidSubmission().scope();
  amend.mutable_scope()->add_indicators("casier_judiciaire");
  ExpectRefused(
      id, kAmend, Code::INVALID_ARGUMENT,
      "scope.indicators[2]: \"casier_judiciaire\" is not in the catalogue",
      [&] { return As("requester-33069").Amend(amend); });
}

TEST_F(WorkflowTest, PurposeCannotChangeAfterSubmission) {
  std::string id = RequestIn(ctg::v1::INFO_REQUESTED);
  ctg::v1::AmendRequestRequest amend;
  amend.set_id(id);
  amend.set_answer("Nous élargissons l'usage.");
  amend.set_purpose("Contrôle des fraudes aux prestations.");
  ExpectRefused(id, kAmend, Code::INVALID_ARGUMENT,
                "purpose: the declared purpose cannot change after submission "
                "(R2); file a "
                "new request for another purpose",
                [&] { return As("requester-33069").Amend(amend); });
  EXPECT_EQ(Read(id).purpose(), kPurpose);
}

TEST_F(WorkflowTest, AnotherCommunesRequestIsNotFoundLikeAMissingOne) {
  std::string id = RequestIn(ctg::v1::INFO_REQUESTED, "requester-33162");
  EXPECT_EQ(Read(id).commune(), "33162");
  const std::string missing = "REQ-999999";
  for (const std::string& target : {id, missing}) {
    SCOPED_TRACE(target);
    const std::string message = absl::StrCat("request ", target, " not found");
    grpc::Status get = As("requester-33069").Get(target);
    grpc::Status amend = As("requester-33069").Answer(target, "x");
    grpc::Status withdraw = As("requester-33069").Withdraw(target);
    for (const grpc::Status& s : {get, amend, withdraw}) {
      EXPECT_EQ(s.error_code(), Code::NOT_FOUND);
      EXPECT_EQ(s.error_message(), message);  // same words for both
    }
  }
  ExpectRefused(id, kGet, Code::NOT_FOUND,
                absl::StrCat("request ", id, " not found"),
                [&] { return As("requester-33069").Get(id); });
  ExpectRefused(id, kAmend, Code::NOT_FOUND,
                absl::StrCat("request ", id, " not found"),
                [&] { return As("requester-33069").Answer(id, "Réponse."); });
  ExpectRefused(id, kWithdraw, Code::NOT_FOUND,
                absl::StrCat("request ", id, " not found"), [&] {
                  return As("requester2-33069").Withdraw(id, "Par erreur.");
                });
  // Nor is it listed, even when asked for by commune.
  ctg::v1::ListRequestsRequest list;
  list.set_page_size(500);
  ctg::v1::ListRequestsResponse mine;
  ASSERT_TRUE(As("requester-33069").List(list, &mine).ok());
  for (const auto& r : mine.requests())
    EXPECT_EQ(r.commune(), "33069") << r.id();
  list.set_commune("33162");
  ctg::v1::ListRequestsResponse theirs;
  ASSERT_TRUE(As("requester-33069").List(list, &theirs).ok());
  EXPECT_EQ(theirs.requests_size(), 0);
  // The Caf sees every commune.
  ctg::v1::ListRequestsResponse caf;
  ASSERT_TRUE(As("auditor").List(list, &caf).ok());
  ASSERT_GE(caf.requests_size(), 1);
  for (const auto& r : caf.requests()) EXPECT_EQ(r.commune(), "33162");
}

TEST_F(WorkflowTest, RequestersOfTheSameCommuneShareItsRequests) {
  std::string id = RequestIn(ctg::v1::INFO_REQUESTED);  // filed by alice
  ctg::v1::DataRequest seen;
  ASSERT_TRUE(As("requester2-33069").Get(id, &seen).ok());
  EXPECT_EQ(seen.requester(), kAlice);
  ctg::v1::ListRequestsRequest list;
  list.set_page_size(500);
  ctg::v1::ListRequestsResponse response;
  ASSERT_TRUE(As("requester2-33069").List(list, &response).ok());
  bool listed = false;
  for (const auto& r : response.requests()) listed |= r.id() == id;
  EXPECT_TRUE(listed);
  // Bruno answers alice's questions: the commune is the tenant.
  ctg::v1::DataRequest r;
  ASSERT_TRUE(As("requester2-33069").Answer(id, "Réponse de Bruno.", &r).ok());
  EXPECT_EQ(r.versions(1).author(), kBruno);
  EXPECT_EQ(r.history(3).actor(), kBruno);
}

TEST_F(WorkflowTest, BadInputIsInvalidArgumentNamingTheFieldAndStoresNothing) {
  struct Case {
    std::function<void(ctg::v1::SubmitRequestRequest*)> change;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](auto* r) { r->set_purpose(""); }, "purpose: required"},
      {[](auto* r) { r->set_purpose("   \n "); }, "purpose: required"},
      {[](auto* r) { r->set_purpose(std::string(2001, 'p')); },
       "purpose: 2001 characters, at most 2000"},
      {[](auto* r) { r->set_purpose("Dia\x01gnostic"); },
       "purpose: control character U+0001 at character 3"},
      {[](auto* r) { r->set_purpose("Diagnostic \xE2\x80\xAE inversé"); },
       "purpose: control character U+202E at character 11"},
      {[](auto* r) { r->set_objective("Axe I.2\nveille"); },
       "objective: control character U+000A at character 7; a single line of "
       "text is "
       "expected"},
      {[](auto* r) { r->set_objective(""); }, "objective: required"},
      {[](auto* r) { r->mutable_scope()->add_territories("330690101"); },
       "scope.territories[4]: \"330690101\" is a duplicate of "
       "scope.territories[1]"},
      {[](auto* r) { r->mutable_scope()->clear_territories(); },
       "scope.territories: at least one required"},
      {[](auto* r) { r->mutable_scope()->add_periods("2019"); },
       "scope.periods[2]: \"2019\" is not in the statistical base"},
      {[](auto* r) { r->mutable_scope()->add_periods("2023-06"); },
       "scope.periods[2]: \"2023-06\" is not in the statistical base"},
      {[](auto* r) {
         for (int i = 0; i < 197; ++i)
           r->mutable_scope()->add_territories(absl::StrCat("X", i));
       },
       "scope.territories: 201 items, at most 200"},
      {[](auto* r) {
         for (int i = 0; i < 120; ++i)
           r->mutable_scope()->add_periods(absl::StrCat(1900 + i));
       },
       "scope.periods: 122 items, at most 120"},
      {[](auto* r) { r->mutable_recipients(1)->clear_operator_person(); },
       "recipients[1].operator_person: required for an OPERATOR recipient"},
      {[](auto* r) { r->mutable_recipients(0)->set_name("Service\tsocial"); },
       "recipients[0].name: control character U+0009"},
      {[](auto* r) { r->set_retention_months(0); },
       "retention_months: 0 is outside 1..120"},
      {[](auto* r) { r->set_retention_months(121); },
       "retention_months: 121 is outside 1..120"},
      {[](auto* r) { r->set_justification(std::string(4001, 'j')); },
       "justification: 4001 characters, at most 4000"},
  };
  for (const Case& c : cases) {
    ctg::v1::SubmitRequestRequest r = ValidSubmission();
    c.change(&r);
    ExpectSubmitRefused("requester-33069", r, Code::INVALID_ARGUMENT,
                        c.message);
  }
  // Bad ids and page tokens.
  grpc::Status s = As("reviewer").Get("");
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "id: required (e.g. REQ-000042)");
  s = As("reviewer").Start("REQ-1\n");
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "id: \"REQ-1\\n\" is not a request id (e.g. REQ-000042)");
  ctg::v1::ListRequestsRequest list;
  list.set_page_token("garbage");
  ctg::v1::ListRequestsResponse response;
  s = As("reviewer").List(list, &response);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "page_token: not a token returned by ListRequests");
  // Questions: none, too many, control characters.
  std::string id = RequestIn(ctg::v1::UNDER_STUDY);
  ExpectRefused(id, kAsk, Code::INVALID_ARGUMENT,
                "questions: at least one required",
                [&] { return As("reviewer").Ask(id, {}); });
  ExpectRefused(
      id, kAsk, Code::INVALID_ARGUMENT, "questions: 21 items, at most 20", [&] {
        return As("reviewer").Ask(id, std::vector<std::string>(21, "?"));
      });
  ExpectRefused(id, kAsk, Code::INVALID_ARGUMENT,
                "questions[1]: control character U+001B at character 0", [&] {
                  return As("reviewer").Ask(id, {"Pourquoi ?", "\x1b[2J"});
                });
}

TEST_F(WorkflowTest, ListsNewestFirstByStateWithPaging) {
  std::string a = RequestIn(ctg::v1::SUBMITTED);
  std::string b = RequestIn(ctg::v1::WITHDRAWN);
  std::string c = RequestIn(ctg::v1::SUBMITTED);
  ctg::v1::ListRequestsRequest list;
  list.set_state(ctg::v1::SUBMITTED);
  list.set_commune("33069");
  list.set_page_size(1);
  std::vector<std::string> ids;
  do {
    ctg::v1::ListRequestsResponse page;
    ASSERT_TRUE(As("reviewer").List(list, &page).ok());
    ASSERT_LE(page.requests_size(), 1);
    for (const auto& r : page.requests()) {
      EXPECT_EQ(r.state(), ctg::v1::SUBMITTED);
      EXPECT_GE(r.history_size(), 1);  // with the history
      ids.push_back(r.id());
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty() && ids.size() < 100);
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[0], c);  // newest first
  EXPECT_EQ(ids[1], a);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), b), 0);
}

// A reviewer works the queue oldest first: order_by "create_time" pages in
// filing order through more than one page; a page token is refused with
// the other order (INVALID_ARGUMENT naming order_by, audited) and so is an
// unknown order.
TEST_F(WorkflowTest, ListsOldestFirstWithPagingAndRefusesTheOtherOrdersToken) {
  std::string a = RequestIn(ctg::v1::SUBMITTED);
  std::string b = RequestIn(ctg::v1::WITHDRAWN);
  std::string c = RequestIn(ctg::v1::SUBMITTED);
  ctg::v1::ListRequestsRequest list;
  list.set_state(ctg::v1::SUBMITTED);
  list.set_commune("33069");
  list.set_page_size(1);
  list.set_order_by("create_time");
  std::vector<std::string> ids;
  int pages = 0;
  std::string oldest_first_token;
  do {
    ctg::v1::ListRequestsResponse page;
    grpc::Status s = As("reviewer").List(list, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ++pages;
    ASSERT_LE(page.requests_size(), 1);
    for (const auto& r : page.requests()) {
      EXPECT_EQ(r.state(), ctg::v1::SUBMITTED);
      ids.push_back(r.id());
    }
    if (oldest_first_token.empty()) oldest_first_token = page.next_page_token();
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty() && pages < 1000);
  ASSERT_GE(pages, 2);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << ids.size();
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  auto at = [&](const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) - ids.begin();
  };
  EXPECT_LT(at(a), at(c));
  EXPECT_EQ(at(c), static_cast<long>(ids.size()) - 1);  // the newest last
  EXPECT_EQ(std::count(ids.begin(), ids.end(), b), 0);

  // The same listing newest first holds the same requests, reversed.
  ctg::v1::ListRequestsRequest newest = list;
  newest.clear_order_by();
  newest.clear_page_token();
  newest.set_page_size(500);
  ctg::v1::ListRequestsResponse all;
  ASSERT_TRUE(As("reviewer").List(newest, &all).ok());
  std::vector<std::string> reversed;
  for (const auto& r : all.requests())
    reversed.insert(reversed.begin(), r.id());
  EXPECT_EQ(reversed, ids);

  // A token is refused with the other order, and the refusal audited.
  ASSERT_FALSE(oldest_first_token.empty());
  newest.set_page_size(1);
  newest.set_page_token(oldest_first_token);
  uint64_t mark = TreeSize(gateway_);
  ctg::v1::ListRequestsResponse refused;
  grpc::Status s = As("reviewer").List(newest, &refused);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "order_by: the page_token was returned for order_by "
            "\"create_time\" (oldest first), not \"create_time desc\" "
            "(newest first): keep the first page's order_by, or start again "
            "without page_token");
  EXPECT_EQ(refused.requests_size(), 0);
  auto events =
      EventsSince(gateway_, mark, "/ctg.v1.DataRequests/ListRequests");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code(), static_cast<int>(Code::INVALID_ARGUMENT));

  ctg::v1::ListRequestsResponse first_newest;
  newest.clear_page_token();
  ASSERT_TRUE(As("reviewer").List(newest, &first_newest).ok());
  ASSERT_FALSE(first_newest.next_page_token().empty());
  list.set_page_token(first_newest.next_page_token());  // order_by create_time
  s = As("reviewer").List(list, &refused);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("order_by: the page_token was returned for order_by "
                        "\"create_time desc\" (newest first), not "
                        "\"create_time\" (oldest first)"));
  // "asc" and "desc" are spelled out; anything else is refused.
  list.clear_page_token();
  list.set_order_by("create_time asc");
  ctg::v1::ListRequestsResponse asc;
  ASSERT_TRUE(As("reviewer").List(list, &asc).ok());
  ASSERT_EQ(asc.requests_size(), 1);
  EXPECT_EQ(asc.requests(0).id(), ids[0]);
  list.set_order_by("purpose");
  s = As("reviewer").List(list, &refused);
  EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("order_by: \"purpose\" is not an order of "
                        "ListRequests"));

  // The CLI: `review list --oldest-first`, and newest first by default.
  const std::vector<std::string> queue = {"review", "list",    "--commune",
                                          "33069",  "--state", "submitted"};
  std::vector<std::string> oldest_args = queue;
  oldest_args.push_back("--oldest-first");
  RunResult oldest = gateway_->Ctg("reviewer", oldest_args);
  ASSERT_EQ(oldest.exit_code, 0) << oldest.err;
  EXPECT_LT(oldest.out.find(a), oldest.out.find(c));
  RunResult newest_cli = gateway_->Ctg("reviewer", queue);
  ASSERT_EQ(newest_cli.exit_code, 0) << newest_cli.err;
  EXPECT_GT(newest_cli.out.find(a), newest_cli.out.find(c));
}

// Attack: a requester pages oldest first with a token taken from another
// commune's listing (the Caf reviewer's, naming an Eysines request), a
// forged one and one of another spelling: it sees its own commune's
// requests only, after the token's number, and never another's; a token
// that is not a request id is refused naming page_token.
TEST_F(WorkflowTest, AForeignOrForgedOldestFirstTokenShowsOnlyOwnRequests) {
  const std::string own_before = RequestIn(ctg::v1::SUBMITTED);
  const std::string eysines = RequestIn(ctg::v1::SUBMITTED, "requester-33162");
  const std::string own_after = RequestIn(ctg::v1::SUBMITTED);
  ctg::v1::ListRequestsRequest theirs;
  theirs.set_commune("33162");
  theirs.set_order_by("create_time");
  theirs.set_page_size(1);
  theirs.set_page_token(absl::StrCat("asc:", own_before));
  ctg::v1::ListRequestsResponse caf_page;
  ASSERT_TRUE(As("reviewer").List(theirs, &caf_page).ok());
  ASSERT_EQ(caf_page.requests_size(), 1);
  EXPECT_EQ(caf_page.requests(0).id(), eysines);
  const std::string foreign = caf_page.next_page_token();
  ASSERT_EQ(foreign, absl::StrCat("asc:", eysines));

  ctg::v1::ListRequestsRequest mine;
  mine.set_order_by("create_time");
  mine.set_page_size(500);
  for (const std::string& token : {foreign, std::string("asc:REQ-000001")}) {
    mine.set_page_token(token);
    for (const std::string commune : {"", "33162"}) {
      mine.set_commune(commune);
      ctg::v1::ListRequestsResponse page;
      grpc::Status s = As("requester-33069").List(mine, &page);
      ASSERT_TRUE(s.ok()) << s.error_message();
      for (const auto& r : page.requests()) {
        EXPECT_EQ(r.commune(), "33069") << token << " " << r.id();
        EXPECT_NE(r.id(), eysines);
      }
      if (commune.empty() && token == foreign) {
        ASSERT_EQ(page.requests_size(), 1) << token;
        EXPECT_EQ(page.requests(0).id(), own_after);
      }
    }
  }
  mine.set_commune("");
  for (const std::string& bad :
       {std::string("asc:asc:") + own_before, std::string("asc:REQ-1"),
        std::string("asc:REQ-000001 OR 1=1"), std::string("desc:") + eysines,
        std::string("asc:") + "REQ-0000000000000000001"}) {
    mine.set_page_token(bad);
    ctg::v1::ListRequestsResponse page;
    grpc::Status s = As("requester-33069").List(mine, &page);
    EXPECT_EQ(s.error_code(), Code::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(s.error_message(), HasSubstr("page_token")) << bad;
    EXPECT_EQ(page.requests_size(), 0) << bad;
  }
}

// ---------------------------------------------------------------------------
// Conventions: suspension, expiry and termination (R10, R11). A gateway of
// its own: these tests change the conventions.

class WorkflowConventionTest : public WorkflowTest {
 protected:
  static void SetUpTestSuite() {
    gateway_ = StartDemo("", /*with_conventions=*/false);
    if (gateway_ == nullptr) return;
    ctg::v1::Convention c;
    EXPECT_TRUE(CreateConvention(*gateway_, "33069", "Le Bouscat", "2020-03-01",
                                 "2027-12-31", &c)
                    .ok());
    // Eysines: a convention that ended, then the current one.
    EXPECT_TRUE(CreateConvention(*gateway_, "33162", "Eysines", "2018-01-01",
                                 "2021-12-31", &c)
                    .ok());
    EXPECT_EQ(c.id(), "CTG-33162-1");
  }
  static void TearDownTestSuite() { WorkflowTest::TearDownTestSuite(); }

  static grpc::Status Suspend(const std::string& id) {
    auto stub = ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
    ctg::v1::SuspendConventionRequest r;
    r.set_id(id);
    r.set_reason("Manquement au secret statistique constaté (R10).");
    ctg::v1::Convention out;
    return stub->SuspendConvention(Deadline().get(), r, &out);
  }
  static grpc::Status Reinstate(const std::string& id) {
    auto stub = ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
    ctg::v1::ReinstateConventionRequest r;
    r.set_id(id);
    r.set_reason("Mesures correctives prises.");
    ctg::v1::Convention out;
    return stub->ReinstateConvention(Deadline().get(), r, &out);
  }
};

TEST_F(WorkflowConventionTest, SuspensionTakesEffectOnTheVeryNextCall) {
  std::string pending = RequestIn(ctg::v1::INFO_REQUESTED);
  std::string under_study = RequestIn(ctg::v1::UNDER_STUDY);
  std::string approved = RequestIn(ctg::v1::APPROVED);
  ASSERT_TRUE(Suspend("CTG-33069-1").ok());
  const std::string suspended =
      "convention CTG-33069-1 is suspended by the Caf: no request and no "
      "release until it is "
      "reinstated";
  ExpectSubmitRefused("requester-33069", ValidSubmission(),
                      Code::FAILED_PRECONDITION, suspended);
  ExpectRefused(pending, kAmend, Code::FAILED_PRECONDITION, suspended, [&] {
    return As("requester-33069").Answer(pending, "Voici.");
  });
  ExpectRefused(under_study, kDecide, Code::FAILED_PRECONDITION, suspended,
                [&] { return As("reviewer").Approve(under_study); });
  // Suspension does not expire approvals; a withdrawal is still possible.
  EXPECT_EQ(Read(approved).state(), ctg::v1::APPROVED);
  EXPECT_TRUE(As("requester-33069").Withdraw(pending, "Abandon.").ok());
  // Reinstated: filing works again at once.
  ASSERT_TRUE(Reinstate("CTG-33069-1").ok());
  ctg::v1::DataRequest r;
  grpc::Status s = As("requester-33069").Submit(ValidSubmission(), &r);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.state(), ctg::v1::SUBMITTED);
}

TEST_F(WorkflowConventionTest, EndedAndTerminatedConventionsAllowNoRequest) {
  // Eysines' only convention ended on 2021-12-31.
  ExpectSubmitRefused(
      "requester-33162", EysinesSubmission(), Code::FAILED_PRECONDITION,
      "convention CTG-33162-1 ended on 2021-12-31: no request and no release");
  // A new convention: requests again; then terminated with immediate effect.
  ctg::v1::Convention c;
  ASSERT_TRUE(CreateConvention(*gateway_, "33162", "Eysines", "2022-01-01",
                               "2027-12-31", &c)
                  .ok());
  EXPECT_EQ(c.id(), "CTG-33162-2");
  std::string approved = RequestIn(ctg::v1::APPROVED, "requester-33162");
  std::string pending = RequestIn(ctg::v1::INFO_REQUESTED, "requester-33162");
  EXPECT_EQ(Read(approved).convention_id(), "CTG-33162-2");
  auto stub = ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
  ctg::v1::TerminateConventionRequest terminate;
  terminate.set_id("CTG-33162-2");
  terminate.set_notice_date(Today());
  terminate.set_effective_date(Today());
  terminate.set_reason("Résiliation immédiate d'un commun accord.");
  ASSERT_TRUE(stub->TerminateConvention(Deadline().get(), terminate, &c).ok());
  ASSERT_EQ(c.state(), ctg::v1::ENDED);

  absl::CivilDay today = absl::ToCivilDay(absl::Now(), Paris());
  const std::string ended = absl::StrCat("convention CTG-33162-2 ended on ",
                                         absl::FormatCivilTime(today - 1));
  ExpectSubmitRefused("requester-33162", EysinesSubmission(),
                      Code::FAILED_PRECONDITION, ended);
  ExpectRefused(pending, kAmend, Code::FAILED_PRECONDITION, ended, [&] {
    return As("requester-33162").Answer(pending, "Voici.");
  });
  // R11: the approval has expired with the convention, shown with when
  // and why; it can no longer be revoked.
  ctg::v1::DataRequest r = Read(approved);
  EXPECT_EQ(r.state(), ctg::v1::EXPIRED);
  ASSERT_EQ(r.history_size(), 4);
  EXPECT_EQ(r.history(3).from_state(), ctg::v1::APPROVED);
  EXPECT_EQ(r.history(3).to_state(), ctg::v1::EXPIRED);
  EXPECT_EQ(r.history(3).actor(), "gateway");
  EXPECT_EQ(r.history(3).reason(), "convention CTG-33162-2 ended (R11)");
  EXPECT_EQ(r.history(3).time().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(today, Paris())));
  ExpectRefused(
      approved, kRevoke, Code::FAILED_PRECONDITION,
      absl::StrCat("request ", approved,
                   " is EXPIRED; only APPROVED requests can be revoked"),
      [&] { return As("reviewer").Revoke(approved, "Fin."); });
  // Listed as EXPIRED, not APPROVED.
  ctg::v1::ListRequestsRequest list;
  list.set_commune("33162");
  list.set_state(ctg::v1::EXPIRED);
  ctg::v1::ListRequestsResponse expired;
  ASSERT_TRUE(As("reviewer").List(list, &expired).ok());
  ASSERT_EQ(expired.requests_size(), 1);
  EXPECT_EQ(expired.requests(0).id(), approved);
  list.set_state(ctg::v1::APPROVED);
  ctg::v1::ListRequestsResponse still;
  ASSERT_TRUE(As("reviewer").List(list, &still).ok());
  EXPECT_EQ(still.requests_size(), 0);
  // A pending request may still be rejected.
  EXPECT_TRUE(As("reviewer").Reject(pending, "La convention a pris fin.").ok());
}

// ---------------------------------------------------------------------------
// Four-eyes: the two opinions from two different reviewers.

class WorkflowFourEyesTest : public WorkflowTest {
 protected:
  static void SetUpTestSuite() {
    gateway_ = StartDemo("[workflow]\nfour_eyes = true\n");
  }
  static void TearDownTestSuite() { WorkflowTest::TearDownTestSuite(); }

  static Decision OpinionOnly(const std::string& id, bool opportunity) {
    Decision d;
    d.set_id(id);
    if (opportunity) {
      *d.mutable_opportunity() =
          Opinion(ctg::v1::FAVOURABLE, "Dans l'axe I.2.");
    } else {
      *d.mutable_feasibility() = Opinion(ctg::v1::FAVOURABLE, "Faisable.");
    }
    return d;
  }
};

TEST_F(WorkflowFourEyesTest, OneReviewerCannotGiveBothOpinions) {
  std::string id = RequestIn(ctg::v1::UNDER_STUDY);
  const std::string rule = absl::StrCat(
      "four-eyes rule: the opportunity and feasibility opinions must come from "
      "two different "
      "reviewers; both come from ",
      kDenis);
  // In one call...
  ExpectRefused(id, kDecide, Code::FAILED_PRECONDITION, rule,
                [&] { return As("reviewer").Approve(id); });
  // ... or in two.
  ASSERT_TRUE(As("reviewer").Decide(OpinionOnly(id, true)).ok());
  ExpectRefused(id, kDecide, Code::FAILED_PRECONDITION, rule,
                [&] { return As("reviewer").Decide(OpinionOnly(id, false)); });
  Decision approve = OpinionOnly(id, false);
  approve.set_decision(Decision::APPROVE);
  ExpectRefused(id, kDecide, Code::FAILED_PRECONDITION, rule,
                [&] { return As("reviewer").Decide(approve); });
  EXPECT_EQ(Read(id).state(), ctg::v1::UNDER_STUDY);
}

TEST_F(WorkflowFourEyesTest, TwoReviewersCanApprove) {
  std::string id = RequestIn(ctg::v1::UNDER_STUDY);
  ctg::v1::DataRequest r;
  ASSERT_TRUE(As("reviewer").Decide(OpinionOnly(id, true), &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::UNDER_STUDY);  // an opinion is not a decision
  EXPECT_EQ(r.opportunity().reviewer(), kDenis);
  EXPECT_FALSE(r.has_feasibility());
  // An approval still needs the missing opinion.
  Decision early;
  early.set_id(id);
  early.set_decision(Decision::APPROVE);
  ExpectRefused(id, kDecide, Code::INVALID_ARGUMENT,
                "feasibility: required: an approval needs both opinions (R1)",
                [&] { return As("reviewer2").Decide(early); });
  Decision approve = OpinionOnly(id, false);
  approve.set_decision(Decision::APPROVE);
  ASSERT_TRUE(As("reviewer2").Decide(approve, &r).ok());
  EXPECT_EQ(r.state(), ctg::v1::APPROVED);
  EXPECT_EQ(r.opportunity().reviewer(), kDenis);
  EXPECT_EQ(r.feasibility().reviewer(), kEmma);
  EXPECT_EQ(r.history(2).actor(), kEmma);
  ASSERT_EQ(r.opinions_size(), 2);
}

TEST_F(WorkflowFourEyesTest, OpinionsGivenOnAnEarlierVersionDoNotCount) {
  std::string id = RequestIn(ctg::v1::UNDER_STUDY);
  ASSERT_TRUE(As("reviewer")
                  .Decide(OpinionOnly(id, false))
                  .ok());  // feasibility, version 1
  ASSERT_TRUE(As("reviewer2").Ask(id, {"Pouvez-vous retirer le QPV ?"}).ok());
  ctg::v1::AmendRequestRequest amend;
  amend.set_id(id);
  amend.set_answer("Oui.");
  *amend.mutable_scope() = ValidSubmission().scope();
  amend.mutable_scope()->mutable_territories()->RemoveLast();
  ctg::v1::DataRequest r;
  ASSERT_TRUE(As("requester-33069").Amend(amend, &r).ok());
  EXPECT_FALSE(r.has_feasibility());  // given on version 1
  ASSERT_EQ(r.opinions_size(), 1);
  EXPECT_EQ(r.opinions(0).version(), 1);
  Decision approve = OpinionOnly(id, true);
  approve.set_decision(Decision::APPROVE);
  ExpectRefused(id, kDecide, Code::INVALID_ARGUMENT,
                "feasibility: required: an approval needs both opinions (R1)",
                [&] { return As("reviewer2").Decide(approve); });
  // Opinions are only given while the request can be decided.
  std::string submitted = RequestIn(ctg::v1::SUBMITTED);
  ExpectRefused(
      submitted, kDecide, Code::FAILED_PRECONDITION,
      absl::StrCat("request ", submitted,
                   " is SUBMITTED; opinions are given on UNDER_STUDY or "
                   "INFO_REQUESTED requests"),
      [&] { return As("reviewer").Decide(OpinionOnly(submitted, true)); });
}

TEST_F(WorkflowFourEyesTest, CliOpinionThenApprovalByASecondReviewer) {
  std::string id = RequestIn(ctg::v1::UNDER_STUDY);
  RunResult opinion = gateway_->Ctg(
      "reviewer",
      {"review", "opinion", id, "--opportunity", "Dans l'axe I.2."});
  ASSERT_EQ(opinion.exit_code, 0) << opinion.err;
  EXPECT_THAT(opinion.out, HasSubstr("UNDER_STUDY"));
  EXPECT_THAT(opinion.out,
              HasSubstr(absl::StrCat("opportunity   FAVOURABLE by ", kDenis)));
  RunResult same = gateway_->Ctg(
      "reviewer", {"review", "approve", id, "--feasibility", "Faisable."});
  EXPECT_EQ(same.exit_code, 1);
  EXPECT_THAT(same.err, HasSubstr("ctg: FAILED_PRECONDITION: four-eyes rule"));
  RunResult approve = gateway_->Ctg(
      "reviewer2", {"review", "approve", id, "--feasibility", "Faisable."});
  ASSERT_EQ(approve.exit_code, 0) << approve.err;
  EXPECT_THAT(approve.out, HasSubstr("APPROVED"));
  EXPECT_THAT(approve.out,
              HasSubstr(absl::StrCat("feasibility   FAVOURABLE by ", kEmma)));
  RunResult usage = gateway_->Ctg("reviewer", {"review", "opinion", id});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err,
              HasSubstr("give --opportunity REASONING and/or --feasibility"));
}

// ---------------------------------------------------------------------------
// The CLI and the evaluation report (R13), on a gateway of their own so that
// the report's figures are exactly those of this test.

class WorkflowCliTest : public WorkflowTest {
 protected:
  static void SetUpTestSuite() { gateway_ = StartDemo(""); }
  static void TearDownTestSuite() { WorkflowTest::TearDownTestSuite(); }

  static RunResult Ctg(const std::string& who, std::vector<std::string> args) {
    return gateway_->Ctg(who, args);
  }
  // The id in "REQ-000001  SUBMITTED  ..." (first line of `show`).
  static std::string IdOf(const RunResult& r) {
    return r.out.substr(0, r.out.find(' '));
  }
};

TEST_F(WorkflowCliTest,
       RequesterAndReviewerWalkTheWorkflowAndTheReportCountsIt) {
  RunResult submit =
      Ctg("requester-33069",
          {"request",     "submit",
           "--purpose",   kPurpose,
           "--objective", kObjective,
           "--indicator", "allocataires,single_parent_families",
           "--territory", "33069,330690101",
           "--territory", "330690102",
           "--period",    "2022,2023",
           "--breakdown", "family_type",
           "--recipient", "own:Direction de la cohésion sociale, CCAS",
           "--recipient", "operator:compas-analyse:Compas"});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  const std::string id = IdOf(submit);
  EXPECT_THAT(submit.out,
              HasSubstr("SUBMITTED  commune 33069  convention CTG-33069-1"));
  EXPECT_THAT(submit.out,
              HasSubstr("own service Direction de la cohésion sociale, CCAS"));
  EXPECT_THAT(submit.out, HasSubstr("operator compas-analyse (Compas)"));
  EXPECT_THAT(submit.out, HasSubstr("retention     12 months"));

  RunResult list = Ctg("requester2-33069", {"request", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(id));
  EXPECT_THAT(list.out, HasSubstr("SUBMITTED"));

  EXPECT_EQ(Ctg("reviewer", {"review", "start", id}).exit_code, 0);
  RunResult ask =
      Ctg("reviewer",
          {"review", "ask", id, "--question",
           "Quel service, et pour combien de temps ?\nLe QPV est-il utile ?"});
  ASSERT_EQ(ask.exit_code, 0) << ask.err;
  EXPECT_THAT(
      ask.out,
      HasSubstr("question 1    Quel service, et pour combien de temps ?"));
  EXPECT_THAT(ask.out, HasSubstr("question 2    Le QPV est-il utile ?"));
  RunResult amend =
      Ctg("requester-33069", {"request", "amend", id, "--answer",
                              "Le CCAS, 12 mois.", "--period", "2023"});
  ASSERT_EQ(amend.exit_code, 0) << amend.err;
  EXPECT_THAT(amend.out, HasSubstr("UNDER_STUDY"));
  EXPECT_THAT(amend.out, HasSubstr("periods 2023"));
  EXPECT_THAT(amend.out,
              HasSubstr("territories 33069,330690101,330690102"));  // kept

  RunResult purpose = Ctg(
      "requester-33069",
      {"request", "amend", id, "--answer", "x", "--purpose", "Autre chose"});
  EXPECT_EQ(purpose.exit_code, 1);
  EXPECT_THAT(purpose.err,
              HasSubstr("ctg: FAILED_PRECONDITION: request " + id +
                        " is UNDER_STUDY; only INFO_REQUESTED requests can be "
                        "amended"));

  RunResult approve =
      Ctg("reviewer",
          {"review", "approve", id, "--opportunity", "Dans l'axe I.2.",
           "--feasibility", "Seuils respectés.", "--territory",
           "330690101,330690102", "--until", "2027-06-30", "--downloads", "2"});
  ASSERT_EQ(approve.exit_code, 0) << approve.err;
  EXPECT_THAT(approve.out, HasSubstr("APPROVED"));
  EXPECT_THAT(
      approve.out,
      HasSubstr("approved      indicators allocataires,single_parent_families; "
                "territories 330690101,330690102; periods 2023"));
  EXPECT_THAT(approve.out,
              HasSubstr("until         2027-06-30 included; downloads 0 of 2"));
  EXPECT_THAT(approve.out,
              HasSubstr("opportunity   FAVOURABLE by " + std::string(kDenis)));

  // A second request, rejected; a third, withdrawn; a fourth, pending.
  RunResult second =
      Ctg("requester-33069",
          {"request", "submit", "--purpose", "Étude des bénéficiaires du RSA.",
           "--objective", "Axe II.1 insertion", "--indicator", "rsa",
           "--territory", "33069", "--period", "2023", "--retention", "6"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::string second_id = IdOf(second);
  EXPECT_EQ(Ctg("reviewer", {"review", "start", second_id}).exit_code, 0);
  RunResult reject = Ctg("reviewer", {"review", "reject", second_id, "--reason",
                                      "Finalité hors convention.",
                                      "--opportunity", "Hors des axes."});
  ASSERT_EQ(reject.exit_code, 0) << reject.err;
  EXPECT_THAT(reject.out, HasSubstr("REJECTED"));
  EXPECT_THAT(reject.out, HasSubstr("reasons       Finalité hors convention."));
  EXPECT_THAT(reject.out, HasSubstr("opportunity   UNFAVOURABLE by"));
  RunResult third = Ctg("requester-33162",
                        {"request", "submit", "--purpose", "Petite enfance.",
                         "--objective", "Axe III petite enfance", "--indicator",
                         "paje", "--territory", "33162", "--period", "2023"});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(
      Ctg("requester-33162", {"request", "withdraw", IdOf(third)}).exit_code,
      0);
  RunResult fourth =
      Ctg("requester-33162",
          {"request", "submit", "--purpose", "Petite enfance (bis).",
           "--objective", "Axe III petite enfance", "--indicator", "paje",
           "--territory", "33162", "--period", "2023"});
  ASSERT_EQ(fourth.exit_code, 0) << fourth.err;

  // Refusals print the status and exit 1; usage errors exit 2.
  RunResult refused = Ctg("requester-33069", {"request", "show", IdOf(third)});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("ctg: NOT_FOUND: request " + IdOf(third) +
                                     " not found"));
  RunResult bad =
      Ctg("requester-33069",
          {"request", "submit", "--purpose", "", "--objective", "x",
           "--indicator", "rsa", "--territory", "33069", "--period", "2023"});
  EXPECT_EQ(bad.exit_code, 2);  // checked before calling: the flag is named
  EXPECT_THAT(bad.err, HasSubstr("ctg: --purpose is required"));
  EXPECT_EQ(Ctg("reviewer", {"review", "list", "--state", "frozen"}).exit_code,
            2);

  RunResult review_list =
      Ctg("reviewer", {"review", "list", "--state", "approved"});
  ASSERT_EQ(review_list.exit_code, 0) << review_list.err;
  EXPECT_THAT(review_list.out, HasSubstr(id));
  EXPECT_THAT(review_list.out, ::testing::Not(HasSubstr(second_id)));

  // R13: per convention and objective, over today.
  RunResult report = Ctg("auditor", {"review", "report", "--from", Today(),
                                     "--to", Today(), "--format", "json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("\"total\":{\"filed\":4,\"approved\":1,"
                                    "\"rejected\":1,\"withdrawn\":1,"
                                    "\"pending\":1,"));
  EXPECT_THAT(
      report.out,
      HasSubstr(
          "{\"convention_id\":\"CTG-33069-1\",\"figures\":{\"filed\":2,"
          "\"approved\":1,\"rejected\":1,\"withdrawn\":0,\"pending\":0,"));
  EXPECT_THAT(
      report.out,
      HasSubstr("{\"objective\":\"Axe I.2 veille sociale territoriale\","
                "\"figures\":{\"filed\":1,\"approved\":1,\"rejected\":0,"));
  EXPECT_THAT(
      report.out,
      HasSubstr("{\"convention_id\":\"CTG-33162-1\",\"figures\":{\"filed\":2,"
                "\"approved\":0,\"rejected\":0,\"withdrawn\":1,\"pending\":1,"
                "\"median_days_to_decision\":null,\"releases\":0}"));
  RunResult table =
      Ctg("reviewer", {"review", "report", "--from", Today(), "--to", Today()});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("CTG-33069-1"));
  EXPECT_THAT(table.out, HasSubstr("Axe II.1 insertion"));
  EXPECT_THAT(table.out, HasSubstr("TOTAL"));
  // Before any request: nothing.
  RunResult empty = Ctg("reviewer", {"review", "report", "--from", "2021-01-01",
                                     "--to", "2021-12-31", "--format", "json"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_THAT(empty.out, HasSubstr("\"total\":{\"filed\":0,"));
  EXPECT_THAT(empty.out, HasSubstr("\"conventions\":[]"));
  // A Caf reviewer may not list the Caf's own requests: said, not counted 0.
  EXPECT_THAT(empty.out, HasSubstr("\"not_visible\":[\"caf_requests\"]"));
  EXPECT_THAT(report.out, HasSubstr("\"not_visible\":[]"));
}

}  // namespace
}  // namespace ctg::testing
