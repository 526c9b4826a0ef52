// Several gateways on one PostgreSQL database (run with CTG_TEST_PG_DIR, as
// integration_on_postgres does; skipped on SQLite): calls racing on two
// replicas are decided as if one gateway had taken them one after the
// other.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "audit/hash.h"
#include "audit/merkle_proof.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "gateway/protection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/sdc/release_memory.h"
#include "statbase/csv_export.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"
#include "tools/ctg-synth/synth.h"

namespace ctg::testing {
namespace {

namespace sdc = ::ctg::policy::sdc;
using ::testing::HasSubstr;

audit::Hash ToHash(const std::string& bytes) {
  audit::Hash h{};
  if (bytes.size() == h.size())
    std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

struct Received {
  grpc::Status status;
  ctg::v1::ExtractHeader header;
  std::vector<ctg::v1::ExtractCell> cells;
};

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* pg = getenv("CTG_TEST_PG_DIR");
    if (pg == nullptr || *pg == '\0')
      GTEST_SKIP() << "needs PostgreSQL (CTG_TEST_PG_DIR)";
    auto a = TestGateway::Start();
    ASSERT_TRUE(a.ok()) << a.status();
    a_ = *std::move(a);
    auto b = TestGateway::StartReplicaOf(*a_);
    ASSERT_TRUE(b.ok()) << b.status();
    b_ = *std::move(b);
  }

  // The demo base of 2023 and the conventions, through replica A.
  void LoadData() {
    auto bases = LoadDemoData(*a_, {"2023"});
    ASSERT_TRUE(bases.ok()) << bases.status();
    bases_ = {{"2023", bases->at("2023")}};
  }

  static grpc::Status ListConventions(const TestGateway& gw) {
    auto stub = ctg::v1::Conventions::NewStub(gw.Channel("admin"));
    ctg::v1::ListConventionsRequest req;
    ctg::v1::ListConventionsResponse resp;
    return stub->ListConventions(Deadline().get(), req, &resp);
  }

  static ctg::v1::Checkpoint Checkpoint(const TestGateway& gw) {
    auto stub = ctg::v1::Audit::NewStub(gw.Channel("auditor"));
    ctg::v1::GetCheckpointRequest req;
    ctg::v1::Checkpoint cp;
    grpc::Status s = stub->GetCheckpoint(Deadline().get(), req, &cp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return cp;
  }

  // Verifies, as replica `asked`, that `second` extends `first`.
  static void ExpectConsistent(const TestGateway& asked,
                               const ctg::v1::Checkpoint& first,
                               const ctg::v1::Checkpoint& second) {
    auto stub = ctg::v1::Audit::NewStub(asked.Channel("auditor"));
    ctg::v1::GetConsistencyProofRequest req;
    req.set_first_size(first.tree_size());
    req.set_second_size(second.tree_size());
    ctg::v1::ConsistencyProof proof;
    grpc::Status s = stub->GetConsistencyProof(Deadline().get(), req, &proof);
    ASSERT_TRUE(s.ok()) << s.error_message();
    std::vector<audit::Hash> hashes;
    for (const std::string& h : proof.hashes()) hashes.push_back(ToHash(h));
    EXPECT_TRUE(audit::VerifyConsistency(first.tree_size(), second.tree_size(),
                                         hashes, ToHash(first.root_hash()),
                                         ToHash(second.root_hash()))
                    .ok())
        << first.tree_size() << " -> " << second.tree_size();
  }

  static ctg::v1::Scope ToProto(const policy::Scope& scope) {
    ctg::v1::Scope proto;
    for (const auto& i : scope.indicators) proto.add_indicators(i);
    for (const auto& t : scope.territories) proto.add_territories(t);
    for (const auto& p : scope.periods) proto.add_periods(p);
    for (const auto& b : scope.breakdowns) proto.add_breakdowns(b);
    return proto;
  }

  // Le Bouscat, one indicator by family type, without the IRIS at `skip`
  // of BouscatTerritories() (none when 0).
  static policy::Scope BouscatScope(size_t skip = 0) {
    policy::Scope scope{.indicators = {"allocataires"},
                        .territories = BouscatTerritories(),
                        .periods = {"2023"},
                        .breakdowns = {"family_type"}};
    if (skip > 0) scope.territories.erase(scope.territories.begin() + skip);
    return scope;
  }

  std::string Approved(const policy::Scope& scope, int quota) {
    auto id = SubmitAndApprove(*a_, ToProto(scope), quota);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  static Received Download(const TestGateway& gw, const std::string& id) {
    auto stub = ctg::v1::Extracts::NewStub(gw.Channel("requester-33069"));
    auto context = Deadline(120);
    ctg::v1::GetExtractRequest request;
    request.set_request_id(id);
    auto reader = stub->GetExtract(context.get(), request);
    Received out;
    ctg::v1::ExtractChunk chunk;
    while (reader->Read(&chunk)) {
      if (chunk.has_header()) out.header = chunk.header();
      for (const auto& c : chunk.cells().cells()) out.cells.push_back(c);
    }
    out.status = reader->Finish();
    return out;
  }

  // Downloads again while the gateway answers ABORTED (another release to
  // the commune committed while this one was computed), as a client would.
  static Received DownloadRetrying(const TestGateway& gw,
                                   const std::string& id) {
    Received got;
    for (int attempt = 0; attempt < 50; ++attempt) {
      got = Download(gw, id);
      if (got.status.error_code() != grpc::StatusCode::ABORTED) break;
    }
    return got;
  }

  static ctg::v1::DataRequest GetRequest(const TestGateway& gw,
                                         const std::string& id) {
    auto stub = ctg::v1::DataRequests::NewStub(gw.Channel("reviewer"));
    ctg::v1::GetRequestRequest request;
    request.set_id(id);
    ctg::v1::DataRequest out;
    grpc::Status s = stub->GetRequest(Deadline().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // The sequence of the GetExtract event that released `id` (0: none).
  static uint64_t ReleaseSequence(const TestGateway& gw,
                                  const std::string& id) {
    auto stub = ctg::v1::Audit::NewStub(gw.Channel("auditor"));
    auto context = Deadline();
    ctg::v1::ListEventsRequest request;
    request.set_request_id(id);
    request.set_method("/ctg.v1.Extracts/GetExtract");
    auto reader = stub->ListEvents(context.get(), request);
    uint64_t seq = 0;
    ctg::v1::AuditEvent e;
    while (reader->Read(&e)) {
      if (e.code() == 0) seq = e.sequence();
    }
    EXPECT_TRUE(reader->Finish().ok());
    return seq;
  }

  std::unique_ptr<TestGateway> a_, b_;
  gateway::BasesByPeriod bases_;
};

// Calls on both replicas, at once: one trail. Each replica's checkpoint
// covers the other's events, and the two are consistent (the later one
// extends the earlier one: same leaves, one root per size).
TEST_F(ReplicasTest, TwoReplicasKeepOneTrailAndConsistentCheckpoints) {
  constexpr int kCalls = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls / 4; ++i) {
        grpc::Status s = ListConventions(t % 2 == 0 ? *a_ : *b_);
        EXPECT_TRUE(s.ok()) << s.error_message();
      }
    });
  }
  for (auto& th : threads) th.join();
  ctg::v1::Checkpoint first = Checkpoint(*b_);
  EXPECT_GE(first.tree_size(), static_cast<uint64_t>(kCalls));
  ASSERT_TRUE(ListConventions(*a_).ok());
  ctg::v1::Checkpoint second = Checkpoint(*a_);
  EXPECT_GT(second.tree_size(), first.tree_size());
  ExpectConsistent(*b_, first, second);  // asked of B, about A's and its own
  // A restarted replica checks the shared trail (every leaf, both
  // checkpoints) before serving again.
  ASSERT_EQ(a_->Stop(), 0);
  ASSERT_TRUE(a_->Restart().ok());
  ASSERT_TRUE(ListConventions(*a_).ok());
}

// Checkpoints signed by both replicas while both append: whatever replica
// signed it, a tree size has one root, and each later checkpoint extends
// the earlier ones.
TEST_F(ReplicasTest, OneRootPerTreeSizeAcrossCheckpointsOfBothReplicas) {
  // A trail of one event at least (PostgreSQL refuses a checkpoint of the
  // empty tree).
  ASSERT_TRUE(ListConventions(*a_).ok());
  std::atomic<bool> writing{true};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      while (writing) {
        grpc::Status s = ListConventions(t == 0 ? *a_ : *b_);
        EXPECT_TRUE(s.ok()) << s.error_message();
      }
    });
  }
  std::vector<ctg::v1::Checkpoint> signed_by[2];
  std::vector<std::thread> signers;
  for (int t = 0; t < 2; ++t) {
    signers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i)
        signed_by[t].push_back(Checkpoint(t == 0 ? *a_ : *b_));
    });
  }
  for (auto& th : signers) th.join();
  writing = false;
  for (auto& th : writers) th.join();
  std::map<uint64_t, ctg::v1::Checkpoint> by_size;
  for (const auto& list : signed_by) {
    for (const ctg::v1::Checkpoint& cp : list) {
      auto [it, added] = by_size.emplace(cp.tree_size(), cp);
      EXPECT_EQ(it->second.root_hash(), cp.root_hash())
          << "two roots for size " << cp.tree_size();
    }
  }
  ASSERT_GE(by_size.size(), 2u);
  const ctg::v1::Checkpoint* previous = nullptr;
  for (const auto& [size, cp] : by_size) {
    if (previous != nullptr) ExpectConsistent(*a_, *previous, cp);
    previous = &cp;
  }
}

// Approve on one replica, reject on the other, at once: one decision is
// applied, the other refused, and the request's history holds one decision.
TEST_F(ReplicasTest, ADecisionRacingOnBothReplicasIsAppliedOnce) {
  LoadData();
  for (int round = 0; round < 4; ++round) {
    auto requests =
        ctg::v1::DataRequests::NewStub(a_->Channel("requester-33069"));
    ctg::v1::DataRequest request;
    ASSERT_TRUE(requests
                    ->SubmitRequest(Deadline().get(),
                                    SubmitMessage(ToProto(BouscatScope())),
                                    &request)
                    .ok());
    auto reviewer_a = ctg::v1::DataRequests::NewStub(a_->Channel("reviewer"));
    ctg::v1::StartStudyRequest start;
    start.set_id(request.id());
    ASSERT_TRUE(reviewer_a->StartStudy(Deadline().get(), start, &request).ok());
    grpc::Status outcome[2];
    absl::Barrier* together = new absl::Barrier(2);
    std::vector<std::thread> deciders;
    for (int t = 0; t < 2; ++t) {
      deciders.emplace_back([&, t] {
        auto stub = ctg::v1::DataRequests::NewStub(
            (t == 0 ? *a_ : *b_).Channel("reviewer"));
        ctg::v1::DecideRequestRequest decide;
        decide.set_id(request.id());
        decide.set_decision(t == 0 ? ctg::v1::DecideRequestRequest::APPROVE
                                   : ctg::v1::DecideRequestRequest::REJECT);
        decide.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
        decide.mutable_opportunity()->set_reasoning("Conforme à la CTG");
        decide.mutable_feasibility()->set_opinion(ctg::v1::FAVOURABLE);
        decide.mutable_feasibility()->set_reasoning("Faisable");
        if (t == 0) {
          decide.set_download_quota(1);
        } else {
          decide.set_reasons("Hors du périmètre de la convention");
        }
        ctg::v1::DataRequest out;
        if (together->Block()) delete together;
        outcome[t] = stub->DecideRequest(Deadline().get(), decide, &out);
      });
    }
    for (auto& th : deciders) th.join();
    EXPECT_NE(outcome[0].ok(), outcome[1].ok())
        << outcome[0].error_message() << " / " << outcome[1].error_message();
    const grpc::Status& refused = outcome[0].ok() ? outcome[1] : outcome[0];
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
        << refused.error_message();
    ctg::v1::DataRequest after = GetRequest(*b_, request.id());
    EXPECT_EQ(after.state(),
              outcome[0].ok() ? ctg::v1::APPROVED : ctg::v1::REJECTED);
    int decisions = 0;
    for (const ctg::v1::Transition& t : after.history()) {
      decisions += t.from_state() == ctg::v1::UNDER_STUDY;
    }
    EXPECT_EQ(decisions, 1);
  }
}

// Downloads of one request racing on both replicas: the quota is never
// exceeded, and the ledger counts exactly the downloads served.
TEST_F(ReplicasTest, ADownloadQuotaHoldsAcrossReplicas) {
  LoadData();
  constexpr int kQuota = 4;
  std::string id = Approved(BouscatScope(), kQuota);
  // The first download changes the commune's release memory; the racing
  // ones below are re-downloads, which leave it as it is.
  ASSERT_TRUE(Download(*a_, id).status.ok());
  constexpr int kRacing = 8;
  std::atomic<int> served{0}, over_quota{0};
  absl::Barrier* together = new absl::Barrier(kRacing);
  std::vector<std::thread> clients;
  for (int t = 0; t < kRacing; ++t) {
    clients.emplace_back([&, t] {
      if (together->Block()) delete together;
      Received got = Download(t % 2 == 0 ? *a_ : *b_, id);
      if (got.status.ok()) {
        ++served;
      } else {
        EXPECT_EQ(got.status.error_code(),
                  grpc::StatusCode::FAILED_PRECONDITION)
            << got.status.error_message();
        EXPECT_THAT(got.status.error_message(), HasSubstr("download quota"));
        ++over_quota;
      }
    });
  }
  for (auto& th : clients) th.join();
  EXPECT_EQ(served, kQuota - 1);
  EXPECT_EQ(over_quota, kRacing - (kQuota - 1));
  EXPECT_EQ(GetRequest(*b_, id).approval().downloads_used(), kQuota);
}

// Extracts of one commune racing on both replicas: each release is computed
// against the memory of every release committed before it (the later one
// recomputed when the other committed meanwhile), so replaying the releases
// in commit order through the engine gives exactly the tables delivered. Two
// releases each computed alone would not: the second one's masking ignores
// what the first disclosed.
TEST_F(ReplicasTest, RacingExtractsOfOneCommuneAreSerialisedByItsMemory) {
  LoadData();
  const std::vector<policy::Scope> scopes = {BouscatScope(),  BouscatScope(3),
                                             BouscatScope(5), BouscatScope(7),
                                             BouscatScope(9), BouscatScope(11)};
  std::vector<std::string> ids;
  for (const policy::Scope& scope : scopes) ids.push_back(Approved(scope, 1));
  std::vector<Received> got(scopes.size());
  for (size_t round = 0; round < scopes.size(); round += 2) {
    absl::Barrier* together = new absl::Barrier(2);
    std::vector<std::thread> clients;
    for (size_t i = round; i < round + 2; ++i) {
      clients.emplace_back([&, i] {
        if (together->Block()) delete together;
        got[i] = DownloadRetrying(i % 2 == 0 ? *a_ : *b_, ids[i]);
      });
    }
    for (auto& th : clients) th.join();
  }
  // Commit order: the release events' sequence numbers.
  std::vector<std::pair<uint64_t, size_t>> order;
  for (size_t i = 0; i < scopes.size(); ++i) {
    ASSERT_TRUE(got[i].status.ok()) << got[i].status.error_message();
    order.emplace_back(ReleaseSequence(*a_, ids[i]), i);
  }
  std::sort(order.begin(), order.end());
  sdc::ReleaseMemory memory;
  for (const auto& [seq, i] : order) {
    ASSERT_GT(seq, 0u);
    auto expected = gateway::ProtectScope("33069", bases_, scopes[i], memory,
                                          gateway::SdcConfigFrom({}),
                                          got[i].header.base_version());
    ASSERT_TRUE(expected.ok()) << expected.status();
    ASSERT_EQ(expected->cells.size(), got[i].cells.size());
    for (size_t c = 0; c < got[i].cells.size(); ++c) {
      const bool published = got[i].cells[c].status() == ctg::v1::PUBLISHED;
      EXPECT_EQ(published,
                expected->cells[c].status == sdc::CellStatus::kPublished)
          << "release " << seq << ": " << got[i].cells[c].ShortDebugString();
    }
    ASSERT_TRUE(memory.Record(*expected).ok());
  }
}

// Replica B has the base of 2023 in its cache (a feasibility preview) when
// replica A re-imports the period with other figures, then suspends the
// commune's convention, reinstates it, terminates it: B's very next extract
// uses the new figures, is refused, served again, refused.
TEST_F(ReplicasTest,
       AReimportASuspensionAndATerminationOnOneReplicaBindTheOther) {
  LoadData();
  std::string id = Approved(BouscatScope(), 3);
  auto reviewer_b = ctg::v1::DataRequests::NewStub(b_->Channel("reviewer"));
  ctg::v1::PreviewFeasibilityRequest preview_request;
  preview_request.set_id(id);
  ctg::v1::FeasibilityPreview preview;
  grpc::Status s = reviewer_b->PreviewFeasibility(Deadline(60).get(),
                                                  preview_request, &preview);
  ASSERT_TRUE(s.ok()) << s.error_message();

  auto revised = synth::GenerateDemo(synth::kDefaultSeed + 1, "2023");
  ASSERT_TRUE(revised.ok()) << revised.status();
  std::string path = a_->dir() + "/revised-2023.csv";
  std::ofstream(path) << statbase::CanonicalCsv(*revised);
  RunResult import =
      a_->Ctg("admin", {"admin", "import", path, "--period", "2023"});
  ASSERT_EQ(import.exit_code, 0) << import.err;

  Received got = Download(*b_, id);
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  int published = 0, changed = 0;
  for (const ctg::v1::ExtractCell& c : got.cells) {
    if (c.status() != ctg::v1::PUBLISHED) continue;
    auto now = revised->Find(c.territory(), c.indicator(), c.breakdown(),
                             c.category());
    auto before = bases_["2023"]->Find(c.territory(), c.indicator(),
                                       c.breakdown(), c.category());
    ASSERT_TRUE(now.ok() && before.ok());
    EXPECT_EQ(c.value(), now->count) << c.ShortDebugString();
    ++published;
    changed += now->count != before->count;
  }
  EXPECT_GT(published, 0);
  EXPECT_GT(changed, 0);  // the revision shows: not the figures cached

  RunResult suspend = a_->Ctg("admin", {"admin", "convention", "suspend",
                                        "CTG-33069-1", "--reason", "Contrôle"});
  ASSERT_EQ(suspend.exit_code, 0) << suspend.err;
  got = Download(*b_, id);
  EXPECT_EQ(got.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(got.status.error_message(), HasSubstr("suspended"));
  RunResult reinstate =
      a_->Ctg("admin", {"admin", "convention", "reinstate", "CTG-33069-1",
                        "--reason", "Contrôle terminé"});
  ASSERT_EQ(reinstate.exit_code, 0) << reinstate.err;
  EXPECT_TRUE(Download(*b_, id).status.ok());
  // A termination whose notice ran out long ago ends it at once, on B too.
  auto conventions = ctg::v1::Conventions::NewStub(a_->Channel("admin"));
  ctg::v1::TerminateConventionRequest terminate;
  terminate.set_id("CTG-33069-1");
  terminate.set_notice_date("2025-01-15");
  terminate.set_reason("Fin du partenariat");
  ctg::v1::Convention ended;
  ASSERT_TRUE(
      conventions->TerminateConvention(Deadline().get(), terminate, &ended)
          .ok());
  got = Download(*b_, id);
  EXPECT_EQ(got.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(got.status.error_message(), HasSubstr("ended on"));
  EXPECT_EQ(GetRequest(*a_, id).approval().downloads_used(), 2);
}

}  // namespace
}  // namespace ctg::testing
