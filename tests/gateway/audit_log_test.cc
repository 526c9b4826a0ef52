#include "gateway/audit_log.h"

#include <cstring>
#include <thread>
#include <vector>

#include "audit/merkle_proof.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/audit_table.h"
#include "store/schema.h"
#include "base/status_macros.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::IsOk;

absl::StatusOr<std::string> FakeSign(uint64_t size, const audit::Hash&) {
  return absl::StrCat("checkpoint of ", size, "\n");
}

AuditEntry Entry(int i) {
  AuditEntry e;
  e.event.method = "/ctg.v1.Catalogue/ListIndicators";
  e.event.caller = absl::StrCat("spiffe://t/caf/33/auditor/p", i);
  e.event.facts = {{"i", absl::StrCat(i)}};
  return e;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open({.path = dir_.path() + "/a.db"}, store::GatewayMigrations());
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    auto log = AuditLog::Open(db_.get(), FakeSign);
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
  }
  // Appends Entry(i) in a transaction of its own; returns its sequence.
  uint64_t AppendOne(int i) {
    uint64_t seq = 0;
    EXPECT_THAT(db_->Write([&](store::Transaction& tx) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(seq, log_->Append(tx, Entry(i)));
      return absl::OkStatus();
    }), IsOk());
    return seq;
  }

  ctg::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, ConcurrentAppendsGetDenseSequencesAndProvableLeaves) {
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_THAT(db_->Write([&](store::Transaction& tx) {
          return log_->Append(tx, Entry(t * kPerThread + i)).status();
        }), IsOk());
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(log_->size(), uint64_t{kThreads * kPerThread});
  auto root = log_->RootAt(log_->size());
  ASSERT_THAT(root, IsOk());
  auto proof = log_->ConsistencyProof(10, log_->size());
  ASSERT_THAT(proof, IsOk());
  auto old_root = log_->RootAt(10);
  EXPECT_THAT(audit::VerifyConsistency(10, log_->size(), *proof, *old_root, *root), IsOk());
}

TEST_F(AuditLogTest, RolledBackAppendsLeaveNoGap) {
  ASSERT_THAT(db_->Write([&](store::Transaction& tx) { return log_->Append(tx, Entry(1)).status(); }),
              IsOk());
  // An append whose transaction fails afterwards is rolled back with it.
  EXPECT_FALSE(db_->Write([&](store::Transaction& tx) -> absl::Status {
    auto seq = log_->Append(tx, Entry(2));
    EXPECT_THAT(seq, IsOk());
    return absl::AbortedError("the state change failed");
  }).ok());
  EXPECT_EQ(AppendOne(3), 2u);
  EXPECT_EQ(log_->size(), 2u);
}

TEST_F(AuditLogTest, CheckpointsAreStoredAndTheTreeSurvivesReopen) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(db_->Write([&](store::Transaction& tx) { return log_->Append(tx, Entry(i)).status(); }),
                IsOk());
  }
  auto checkpoint = log_->Checkpoint();
  ASSERT_THAT(checkpoint, IsOk());
  EXPECT_EQ(checkpoint->size, 5u);
  EXPECT_EQ(checkpoint->note, "checkpoint of 5\n");
  audit::Hash root = checkpoint->root;
  log_.reset();
  auto reopened = AuditLog::Open(db_.get(), FakeSign);
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ((*reopened)->size(), 5u);
  EXPECT_EQ(*(*reopened)->RootAt(5), root);
  EXPECT_THAT((*reopened)->PeriodicCheckpoint(), IsOk());  // nothing new: no-op
}

TEST_F(AuditLogTest, ProofsOfOldEventsReadTheirLeavesBack) {
  // More events than the tree keeps whole (16 blocks of 256): early ones
  // are proved from leaf hashes read back from the database.
  constexpr int kEvents = 5000;
  for (int done = 0; done < kEvents; done += 500) {
    ASSERT_THAT(db_->Write([&](store::Transaction& tx) -> absl::Status {
      for (int i = done; i < done + 500; ++i) {
        CTG_RETURN_IF_ERROR(log_->Append(tx, Entry(i)).status());
      }
      return absl::OkStatus();
    }), IsOk());
  }
  audit::MerkleTree full;
  ASSERT_THAT(db_->Read([&](store::Connection& conn) {
    return store::ScanAllLeaves(conn, [&](uint64_t, const std::string&, const std::string& leaf) {
      audit::Hash h;
      std::memcpy(h.data(), leaf.data(), h.size());
      full.Append(h);
      return absl::OkStatus();
    });
  }), IsOk());
  ASSERT_EQ(full.size(), uint64_t{kEvents});
  const uint64_t size = log_->size();
  for (uint64_t index : {0u, 1u, 255u, 256u, 1000u, 4095u, 4999u}) {
    auto proof = log_->InclusionProof(index, size);
    ASSERT_THAT(proof, IsOk()) << index;
    EXPECT_EQ(*proof, *full.InclusionProof(index, size)) << index;
    EXPECT_THAT(audit::VerifyInclusion(index, size, *full.LeafAt(index), *proof, full.Root()),
                IsOk());
  }
  for (uint64_t old_size : {1u, 300u, 2049u}) {
    auto proof = log_->ConsistencyProof(old_size, size);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(*proof, *full.ConsistencyProof(old_size, size));
    EXPECT_EQ(*log_->RootAt(old_size), *full.RootAt(old_size));
  }
}

TEST_F(AuditLogTest, ReceiptsShareACheckpointThatCoversTheirEvent) {
  const uint64_t first = AppendOne(1);
  const uint64_t second = AppendOne(2);
  auto covering_second = log_->CheckpointCovering(second);
  ASSERT_THAT(covering_second, IsOk());
  EXPECT_EQ(covering_second->size, 2u);
  // The first event is covered by the checkpoint already signed: no new one.
  auto covering_first = log_->CheckpointCovering(first);
  ASSERT_THAT(covering_first, IsOk());
  EXPECT_EQ(covering_first->note, covering_second->note);
  // A later event needs a new checkpoint, signed after it.
  const uint64_t third = AppendOne(3);
  auto covering_third = log_->CheckpointCovering(third);
  ASSERT_THAT(covering_third, IsOk());
  EXPECT_EQ(covering_third->size, 3u);
  EXPECT_EQ(covering_third->note, "checkpoint of 3\n");
}

TEST_F(AuditLogTest, ConcurrentReceiptsGetCheckpointsCoveringTheirEvents) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const uint64_t seq = AppendOne(t * 10 + i);
        ASSERT_GT(seq, 0u);
        auto checkpoint = log_->CheckpointCovering(seq);
        ASSERT_THAT(checkpoint, IsOk());
        EXPECT_GE(checkpoint->size, seq);
        auto proof = log_->InclusionProof(seq - 1, checkpoint->size);
        EXPECT_THAT(proof, IsOk());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(log_->size(), uint64_t{kThreads * 10});
}

}  // namespace
}  // namespace ctg::gateway
