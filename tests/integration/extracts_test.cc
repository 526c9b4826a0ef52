// Issue #7 over real mTLS on the demo data: an approved request's extract
// matches the base where released, carries no figure for masked or excluded
// cells, passes an independent LP audit (also across two overlapping
// releases), and every refusal releases nothing and is audited.
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "extract/extract_csv.h"
#include "gateway/protection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/lp_audit.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

namespace sdc = ::ctg::policy::sdc;
using ::testing::HasSubstr;

struct Received {
  grpc::Status status;
  ctg::v1::ExtractHeader header;
  std::vector<ctg::v1::ExtractCell> cells;
  ctg::v1::ExtractTrailer trailer;
};

class ExtractsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto gw = TestGateway::Start();
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = gw->release();
    auto bases = LoadDemoData(*gateway_);
    ASSERT_TRUE(bases.ok()) << bases.status();
    bases_ = *bases;
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }

  static policy::Scope FullScope() {
    return {.indicators = {"allocataires", "rsa", "housing_aid"},
            .territories = BouscatTerritories(),
            .periods = {"2023"},
            .breakdowns = {"family_type", "aid_type"}};
  }

  // Submits as `requester`, studies and approves as the reviewer.
  static std::string Approved(const policy::Scope& scope, int quota = 2,
                              const std::string& requester = "requester-33069",
                              ctg::v1::Recipient* recipient = nullptr) {
    ctg::v1::Scope proto;
    for (const auto& i : scope.indicators) proto.add_indicators(i);
    for (const auto& t : scope.territories) proto.add_territories(t);
    for (const auto& p : scope.periods) proto.add_periods(p);
    for (const auto& b : scope.breakdowns) proto.add_breakdowns(b);
    std::vector<ctg::v1::Recipient> recipients;
    if (recipient) recipients.push_back(*recipient);
    auto id = SubmitAndApprove(*gateway_, proto, quota, requester, recipients);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  static Received Get(const std::string& client, const std::string& id) {
    auto stub = ctg::v1::Extracts::NewStub(gateway_->Channel(client));
    auto context = Deadline(60);
    ctg::v1::GetExtractRequest request;
    request.set_request_id(id);
    auto reader = stub->GetExtract(context.get(), request);
    Received out;
    ctg::v1::ExtractChunk chunk;
    while (reader->Read(&chunk)) {
      if (chunk.has_header()) out.header = chunk.header();
      for (const auto& c : chunk.cells().cells()) out.cells.push_back(c);
      if (chunk.has_trailer()) out.trailer = chunk.trailer();
    }
    out.status = reader->Finish();
    return out;
  }

  // The release as the commune received it, in model order, for the LP audit.
  static sdc::Release AsRelease(const sdc::TableModel& model,
                                const Received& got) {
    std::map<sdc::CellKey, const ctg::v1::ExtractCell*> by_key;
    for (const auto& c : got.cells) {
      by_key[{c.territory(), c.period(), c.indicator(), c.breakdown(),
              c.category()}] = &c;
    }
    sdc::Release release;
    for (const sdc::Cell& cell : model.cells) {
      if (!cell.requested) continue;
      auto it = by_key.find(cell.key);
      EXPECT_NE(it, by_key.end()) << "missing " << cell.key.ToString();
      if (it == by_key.end()) continue;
      sdc::ReleasedCell rc{
          .key = cell.key, .value = cell.value, .amount = cell.amount};
      rc.status = it->second->status() == ctg::v1::PUBLISHED
                      ? sdc::CellStatus::kPublished
                  : it->second->status() == ctg::v1::EXCLUDED
                      ? sdc::CellStatus::kExcluded
                      : sdc::CellStatus::kMasked;
      release.cells.push_back(rc);
    }
    return release;
  }

  static int64_t Downloads(const std::string& id) {
    auto stub = ctg::v1::DataRequests::NewStub(gateway_->Channel("reviewer"));
    ctg::v1::GetRequestRequest request;
    request.set_id(id);
    ctg::v1::DataRequest out;
    EXPECT_TRUE(stub->GetRequest(Deadline().get(), request, &out).ok());
    return out.approval().downloads_used();
  }

  // Refused GetExtract calls recorded for this request, as the auditor sees.
  static std::vector<ctg::v1::AuditEvent> ExtractEvents(const std::string& id) {
    auto stub = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
    auto context = Deadline();
    ctg::v1::ListEventsRequest request;
    request.set_request_id(id);
    request.set_method("/ctg.v1.Extracts/GetExtract");
    auto reader = stub->ListEvents(context.get(), request);
    std::vector<ctg::v1::AuditEvent> out;
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) out.push_back(e);
    EXPECT_TRUE(reader->Finish().ok());
    return out;
  }

  static TestGateway* gateway_;
  static gateway::BasesByPeriod bases_;
};
TestGateway* ExtractsTest::gateway_ = nullptr;
gateway::BasesByPeriod ExtractsTest::bases_;

TEST_F(ExtractsTest, ReleasedFiguresMatchTheBaseAndMaskedOnesHaveNone) {
  std::string id = Approved(FullScope());
  Received got = Get("requester-33069", id);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  EXPECT_EQ(got.header.source_mention(), "Source : Caf de la Gironde");  // R4
  EXPECT_EQ(got.header.purpose(),
            "Diagnostic social territorial par IRIS");  // R2
  EXPECT_EQ(got.header.cell_count(), static_cast<int64_t>(got.cells.size()));
  const statbase::Base& base = *bases_["2023"];
  int masked = 0, excluded = 0;
  for (const auto& c : got.cells) {
    if (c.status() == ctg::v1::PUBLISHED) {
      auto v =
          base.Find(c.territory(), c.indicator(), c.breakdown(), c.category());
      ASSERT_TRUE(v.ok());
      EXPECT_EQ(c.value(), v->count) << c.ShortDebugString();
    } else {
      EXPECT_FALSE(c.has_value()) << c.ShortDebugString();  // no figure at all
      masked += c.status() == ctg::v1::MASKED;
      excluded += c.status() == ctg::v1::EXCLUDED;
    }
  }
  EXPECT_GT(masked, 0);
  EXPECT_GT(excluded, 0);  // R6: the demo's IRIS under 100 allocataires
  // The CSV and JSON the CLI writes carry no figure for them either.
  RunResult csv = gateway_->Ctg("requester-33069", {"extract", "get", id});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  for (absl::string_view line : absl::StrSplit(csv.out, '\n')) {
    if (absl::EndsWith(line, ",masked") || absl::EndsWith(line, ",excluded")) {
      std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
      ASSERT_EQ(fields.size(), 8u) << line;
      EXPECT_EQ(fields[6], "") << line;
    }
  }
  RunResult json = gateway_->Ctg("requester-33069",
                                 {"extract", "get", id, "--format", "json"});
  EXPECT_NE(json.exit_code,
            0);  // the quota of 2 is spent by the two downloads above
  EXPECT_THAT(json.err, HasSubstr("download quota"));
}

TEST_F(ExtractsTest, AnIndependentLpAuditFindsNoMaskedCellRecoverable) {
  policy::Scope scope = FullScope();
  std::string id = Approved(scope);
  Received got = Get("requester-33069", id);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  gateway::BasesByPeriod bases = {{"2023", bases_["2023"]}};
  auto model = gateway::BuildScopeModel("33069", bases, scope);
  ASSERT_TRUE(model.ok()) << model.status();
  auto report = sdc::AuditRelease(*model, AsRelease(*model, got), {},
                                  gateway::SdcConfigFrom({}));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->passed());
  EXPECT_GT(report->cells_checked, 0);
}

TEST_F(ExtractsTest, TwoOverlappingReleasesRevealNothingTogether) {
  // The commune with all its IRIS, then the commune with all but one.
  policy::Scope first = FullScope();
  first.indicators = {"allocataires"};
  first.breakdowns = {"family_type"};
  policy::Scope second = first;
  second.territories.erase(second.territories.begin() + 3);
  Received a = Get("requester-33069", Approved(first));
  Received b = Get("requester-33069", Approved(second));
  ASSERT_TRUE(a.status.ok() && b.status.ok());
  gateway::BasesByPeriod bases = {{"2023", bases_["2023"]}};
  auto model_a = gateway::BuildScopeModel("33069", bases, first);
  auto model_b = gateway::BuildScopeModel("33069", bases, second);
  ASSERT_TRUE(model_a.ok() && model_b.ok());
  // What the first release disclosed, as the reader knows it.
  sdc::ReleaseMemory known;
  ASSERT_TRUE(known.Record(AsRelease(*model_a, a)).ok());
  auto report = sdc::AuditRelease(*model_b, AsRelease(*model_b, b), known,
                                  gateway::SdcConfigFrom({}));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->passed());
  // Every cell masked in the first stays masked in the second.
  for (const auto& c : b.cells) {
    for (const auto& x : a.cells) {
      if (x.territory() == c.territory() && x.indicator() == c.indicator() &&
          x.breakdown() == c.breakdown() && x.category() == c.category() &&
          x.period() == c.period()) {
        EXPECT_EQ(x.status() == ctg::v1::PUBLISHED,
                  c.status() == ctg::v1::PUBLISHED)
            << c.ShortDebugString();
      }
    }
  }
}

TEST_F(ExtractsTest, SameTableSameBytesAndAVerifiedReceipt) {
  std::string id = Approved(FullScope(), 3);
  std::string dir = gateway_->dir();
  std::string key = DevPki::Get().dir() + "/audit-signing.pub";
  RunResult one = gateway_->Ctg(
      "requester-33069",
      {"extract", "get", id, "-o", dir + "/one.csv", "--audit-key", key});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.err, HasSubstr("receipt verified"));
  RunResult two = gateway_->Ctg(
      "requester-33069",
      {"extract", "get", id, "-o", dir + "/two.csv", "--audit-key", key});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  std::ifstream f1(dir + "/one.csv"), f2(dir + "/two.csv");
  std::stringstream b1, b2;
  b1 << f1.rdbuf();
  b2 << f2.rdbuf();
  EXPECT_EQ(b1.str(), b2.str());
  EXPECT_THAT(b1.str(), HasSubstr("source,Source : Caf de la Gironde\n"));
  // Never overwrites without --force, and spends no download doing so.
  int64_t before = Downloads(id);
  RunResult refused = gateway_->Ctg(
      "requester-33069", {"extract", "get", id, "-o", dir + "/one.csv"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("--force"));
  EXPECT_EQ(Downloads(id), before);
  // The auditor finds the release by its digest.
  size_t at = one.err.find("sha256 ") + 7;
  std::string digest = one.err.substr(at, 64);
  RunResult prove =
      gateway_->Ctg("auditor", {"audit", "prove", "--extract", digest});
  EXPECT_EQ(prove.exit_code, 0) << prove.err;
  EXPECT_THAT(prove.out, HasSubstr("/ctg.v1.Extracts/GetExtract"));
}

TEST_F(ExtractsTest, RefusalsReleaseNothingAndAreAudited) {
  policy::Scope scope = FullScope();
  // Another commune: NOT_FOUND, like a missing request.
  std::string id = Approved(scope, 1);
  Received other = Get("requester-33162", id);
  EXPECT_EQ(other.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(other.status.error_message(),
            absl::StrCat("request ", id, " not found"));
  EXPECT_EQ(Get("requester-33162", "REQ-999999").status.error_message(),
            "request REQ-999999 not found");
  // An operator not declared on the request.
  EXPECT_EQ(Get("operator-33069", id).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Quota: one download, then FAILED_PRECONDITION.
  EXPECT_TRUE(Get("requester2-33069", id)
                  .status.ok());  // same commune, other requester
  Received spent = Get("requester-33069", id);
  EXPECT_EQ(spent.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(spent.status.error_message(), HasSubstr("download quota"));
  EXPECT_EQ(Downloads(id), 1);
  // Every one of those calls is one event; only one succeeded.
  auto events = ExtractEvents(id);
  int ok = 0;
  for (const auto& e : events) ok += e.code() == 0;
  EXPECT_EQ(events.size(), 4u);
  EXPECT_EQ(ok, 1);
}

TEST_F(ExtractsTest, AClientGoneBeforeTheCommitConsumesNothing) {
  // The table takes tens of milliseconds to compute; the client gives up
  // after a few: the release must not be recorded (the client never got
  // it). Several deadlines, each on a new request, so that at least one
  // call reaches the gateway and expires while it computes.
  auto stub = ctg::v1::Extracts::NewStub(gateway_->Channel("requester-33069"));
  auto call = [&](const std::string& id, std::chrono::milliseconds deadline) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    ctg::v1::GetExtractRequest request;
    request.set_request_id(id);
    auto reader = stub->GetExtract(&context, request);
    ctg::v1::ExtractChunk chunk;
    while (reader->Read(&chunk)) {
    }
    return reader->Finish();
  };
  call("REQ-999999", std::chrono::milliseconds(5000));  // connects the channel
  int expired_in_the_gateway = 0;
  for (int ms : {2, 4, 8, 16}) {
    std::string id = Approved(FullScope(), 1);
    grpc::Status status = call(id, std::chrono::milliseconds(ms));
    std::vector<ctg::v1::AuditEvent> events;
    for (int i = 0; i < 40 && events.empty();
         ++i) {  // the gateway finishes on its side
      events = ExtractEvents(id);
      if (events.empty())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (events.empty()) continue;  // expired before the gateway took the call
    ASSERT_EQ(events.size(), 1u);
    // A release is recorded only with its successful event, never otherwise.
    EXPECT_EQ(Downloads(id), events[0].code() == 0 ? 1 : 0) << ms << " ms";
    if (events[0].code() == 0) continue;
    ++expired_in_the_gateway;
    EXPECT_FALSE(status.ok());
    EXPECT_THAT(events[0].message(), HasSubstr("nothing was recorded"));
    EXPECT_TRUE(
        Get("requester-33069", id).status.ok());  // the download is still there
    EXPECT_EQ(Downloads(id), 1);
  }
  EXPECT_GT(expired_in_the_gateway, 0);
}

TEST_F(ExtractsTest, NotApprovedWithdrawnRevokedAndSuspendedAreRefused) {
  auto requests =
      ctg::v1::DataRequests::NewStub(gateway_->Channel("requester-33069"));
  ctg::v1::SubmitRequestRequest submit;
  submit.set_purpose("Étude des familles");
  submit.set_objective("Axe I.2");
  submit.set_retention_months(6);
  submit.mutable_scope()->add_indicators("allocataires");
  submit.mutable_scope()->add_territories("33069");
  submit.mutable_scope()->add_periods("2023");
  ctg::v1::DataRequest pending;
  ASSERT_TRUE(requests->SubmitRequest(Deadline().get(), submit, &pending).ok());
  Received not_approved = Get("requester-33069", pending.id());
  EXPECT_EQ(not_approved.status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(not_approved.status.error_message(), HasSubstr("is SUBMITTED"));
  ctg::v1::WithdrawRequestRequest withdraw;
  withdraw.set_id(pending.id());
  withdraw.set_reason("Plus nécessaire");
  ASSERT_TRUE(
      requests->WithdrawRequest(Deadline().get(), withdraw, &pending).ok());
  EXPECT_THAT(Get("requester-33069", pending.id()).status.error_message(),
              HasSubstr("is WITHDRAWN"));

  std::string revoked = Approved(FullScope(), 5);
  auto reviewer = ctg::v1::DataRequests::NewStub(gateway_->Channel("reviewer"));
  ctg::v1::RevokeRequestRequest revoke;
  revoke.set_id(revoked);
  revoke.set_reason("Usage non conforme constaté");
  ctg::v1::DataRequest out;
  ASSERT_TRUE(reviewer->RevokeRequest(Deadline().get(), revoke, &out).ok());
  EXPECT_THAT(Get("requester-33069", revoked).status.error_message(),
              HasSubstr("is REVOKED"));
  EXPECT_EQ(Downloads(revoked), 0);

  // A suspended convention: refused on the very next call, first check.
  std::string id = Approved(FullScope(), 5);
  RunResult suspend =
      gateway_->Ctg("admin", {"admin", "convention", "suspend", "CTG-33069-1",
                              "--reason", "Contrôle en cours"});
  ASSERT_EQ(suspend.exit_code, 0) << suspend.err;
  Received suspended = Get("requester-33069", id);
  EXPECT_EQ(suspended.status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(suspended.status.error_message(), HasSubstr("suspended"));
  EXPECT_EQ(Downloads(id), 0);
  RunResult reinstate =
      gateway_->Ctg("admin", {"admin", "convention", "reinstate", "CTG-33069-1",
                              "--reason", "Contrôle terminé"});
  ASSERT_EQ(reinstate.exit_code, 0) << reinstate.err;
  EXPECT_TRUE(Get("requester-33069", id).status.ok());
}

TEST_F(ExtractsTest, PreviewShowsTheReviewerWhatTheExtractWillRelease) {
  std::string id = Approved(FullScope(), 1);
  auto reviewer = ctg::v1::DataRequests::NewStub(gateway_->Channel("reviewer"));
  ctg::v1::PreviewFeasibilityRequest request;
  request.set_id(id);
  ctg::v1::FeasibilityPreview preview;
  grpc::Status s =
      reviewer->PreviewFeasibility(Deadline(60).get(), request, &preview);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(preview.excluded_territories(), ::testing::Contains("330690111"));
  EXPECT_TRUE(preview.audit_passed());
  int64_t masked = preview.cells_masked_small() +
                   preview.cells_masked_secondary() +
                   preview.cells_masked_earlier();
  EXPECT_EQ(masked, preview.masked_size());
  // The extract releases what the preview announced.
  Received got = Get("requester-33069", id);
  ASSERT_TRUE(got.status.ok());
  int64_t published = 0, masked_cells = 0;
  for (const auto& c : got.cells) {
    published += c.status() == ctg::v1::PUBLISHED;
    masked_cells += c.status() == ctg::v1::MASKED;
  }
  EXPECT_EQ(published, preview.cells_published());
  EXPECT_EQ(masked_cells, masked);
  EXPECT_EQ(static_cast<int64_t>(got.cells.size()), preview.cells_total());
  // A narrower scope must stay within the request's.
  request.mutable_scope()->add_indicators("paje");
  request.mutable_scope()->add_territories("33069");
  request.mutable_scope()->add_periods("2023");
  s = reviewer->PreviewFeasibility(Deadline(60).get(), request, &preview);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("scope.indicators[0]"));
  // Communes never see reasons.
  auto requester =
      ctg::v1::DataRequests::NewStub(gateway_->Channel("requester-33069"));
  EXPECT_EQ(requester->PreviewFeasibility(Deadline().get(), request, &preview)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ExtractsTest, DeclaredOperatorMayDownload) {
  ctg::v1::Recipient operator_recipient;
  operator_recipient.set_kind(ctg::v1::Recipient::OPERATOR);
  operator_recipient.set_name("Compas, analyse des besoins sociaux");
  operator_recipient.set_operator_person("compas-analyse");
  std::string id =
      Approved(FullScope(), 1, "requester-33069", &operator_recipient);
  Received got = Get("operator-33069", id);
  EXPECT_TRUE(got.status.ok()) << got.status.error_message();
  ASSERT_EQ(got.header.recipients_size(), 1);
  EXPECT_EQ(got.header.recipients(0).operator_person(), "compas-analyse");
}

}  // namespace
}  // namespace ctg::testing
