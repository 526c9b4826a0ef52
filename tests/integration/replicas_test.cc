// Several gateways on one PostgreSQL database (run with CTG_TEST_PG_DIR, as
// the ctest tests prefixed "postgres." are; skipped on SQLite).
#include <stdlib.h>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/hash.h"
#include "audit/merkle_proof.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

audit::Hash ToHash(const std::string& bytes) {
  audit::Hash h{};
  if (bytes.size() == h.size())
    std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

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

  std::unique_ptr<TestGateway> a_, b_;
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
  // Asked of B, about A's checkpoint and its own.
  auto stub = ctg::v1::Audit::NewStub(b_->Channel("auditor"));
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
                  .ok());
  // A restarted replica checks the shared trail (every leaf, both
  // checkpoints) before serving again.
  ASSERT_EQ(a_->Stop(), 0);
  ASSERT_TRUE(a_->Restart().ok());
  ASSERT_TRUE(ListConventions(*a_).ok());
}

}  // namespace
}  // namespace ctg::testing
