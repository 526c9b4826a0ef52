#include "gateway/audit_log.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/merkle_proof.h"
#include "audit/note_key.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/audit_trail_store.h"
#include "store/sqlite/sqlite_backend.h"
#include "tests/testing/ed25519_pem.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "test.example/ctg-audit";

// A test-only Ed25519 signer (seed of 32 bytes 0x07).
const audit::NoteSigner& Signer() {
  static const audit::NoteSigner* signer = [] {
    const std::string pem = ::ctg::testing::Ed25519PemFromByte(7);
    return audit::NoteSigner::FromPrivateKeyPem(kOrigin, pem)->release();
  }();
  return *signer;
}

absl::StatusOr<std::string> Sign(uint64_t size, const audit::Hash& root) {
  return audit::SignCheckpoint({.origin = kOrigin, .size = size, .root = root},
                               Signer());
}

audit::NoteVerifier Verifier() {
  return *audit::NoteVerifier::FromRawPublicKey(Signer().public_key(), kOrigin);
}

uint64_t NoteSize(const std::string& note) {
  absl::StatusOr<audit::Checkpoint> checkpoint =
      audit::OpenCheckpoint(note, Verifier());
  return checkpoint.ok() ? checkpoint->size : 0;
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
    auto db = store::sqlite::OpenBackend({.path = dir_.path() + "/a.db"});
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    auto log = AuditLog::Open(db_.get(), Options());
    ASSERT_THAT(log, IsOk());
    log_ = std::move(*log);
  }
  static AuditLogOptions Options() {
    return {.sign = Sign, .keys = {Verifier()}};
  }
  // Appends Entry(i) in a transaction of its own; returns its sequence.
  uint64_t AppendOne(int i) {
    uint64_t seq = 0;
    EXPECT_THAT(db_->Write([&](store::WriteSession& tx) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(seq, log_->Append(tx, Entry(i)));
      return absl::OkStatus();
    }),
                IsOk());
    return seq;
  }

  ctg::testing::TempDir dir_;
  std::unique_ptr<store::Backend> db_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, ConcurrentAppendsGetDenseSequencesAndProvableLeaves) {
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_THAT(db_->Write([&](store::WriteSession& tx) {
          return log_->Append(tx, Entry(t * kPerThread + i)).status();
        }),
                    IsOk());
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
  EXPECT_THAT(
      audit::VerifyConsistency(10, log_->size(), *proof, *old_root, *root),
      IsOk());
}

TEST_F(AuditLogTest, RolledBackAppendsLeaveNoGap) {
  ASSERT_THAT(db_->Write([&](store::WriteSession& tx) {
    return log_->Append(tx, Entry(1)).status();
  }),
              IsOk());
  // An append whose transaction fails afterwards is rolled back with it.
  EXPECT_FALSE(db_->Write([&](store::WriteSession& tx) -> absl::Status {
                    auto seq = log_->Append(tx, Entry(2));
                    EXPECT_THAT(seq, IsOk());
                    return absl::AbortedError("the state change failed");
                  })
                   .ok());
  EXPECT_EQ(AppendOne(3), 2u);
  EXPECT_EQ(log_->size(), 2u);
}

TEST_F(AuditLogTest, CheckpointsAreStoredAndTheTreeSurvivesReopen) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(db_->Write([&](store::WriteSession& tx) {
      return log_->Append(tx, Entry(i)).status();
    }),
                IsOk());
  }
  auto checkpoint = log_->Checkpoint();
  ASSERT_THAT(checkpoint, IsOk());
  EXPECT_EQ(checkpoint->size, 5u);
  EXPECT_EQ(NoteSize(checkpoint->note), 5u);
  audit::Hash root = checkpoint->root;
  log_.reset();
  auto reopened = AuditLog::Open(db_.get(), Options());
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
    ASSERT_THAT(db_->Write([&](store::WriteSession& tx) -> absl::Status {
      for (int i = done; i < done + 500; ++i) {
        CTG_RETURN_IF_ERROR(log_->Append(tx, Entry(i)).status());
      }
      return absl::OkStatus();
    }),
                IsOk());
  }
  audit::MerkleTree full;
  ASSERT_THAT(db_->Read([&](store::ReadSession& session) {
    return session.audit().ScanLeaves(
        [&](uint64_t, const std::string&, const std::string& leaf) {
          audit::Hash h;
          std::memcpy(h.data(), leaf.data(), h.size());
          full.Append(h);
          return absl::OkStatus();
        });
  }),
              IsOk());
  ASSERT_EQ(full.size(), uint64_t{kEvents});
  const uint64_t size = log_->size();
  for (uint64_t index : {0u, 1u, 255u, 256u, 1000u, 4095u, 4999u}) {
    auto proof = log_->InclusionProof(index, size);
    ASSERT_THAT(proof, IsOk()) << index;
    EXPECT_EQ(*proof, *full.InclusionProof(index, size)) << index;
    EXPECT_THAT(audit::VerifyInclusion(index, size, *full.LeafAt(index), *proof,
                                       full.Root()),
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
  EXPECT_EQ(NoteSize(covering_third->note), 3u);
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

TEST_F(AuditLogTest, ReopenRefusesAStoredCheckpointOfAnotherRoot) {
  for (int i = 0; i < 5; ++i) AppendOne(i);
  // A signed checkpoint of size 3 whose root is not the trail's: the trail
  // was altered (or forked) after it was signed. Only the latest
  // checkpoint's size used to be compared.
  ASSERT_THAT(db_->Write([&](store::WriteSession& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(std::string note,
                         Sign(3, audit::Sha256("another trail")));
    return tx.audit().InsertCheckpoint(3, 0, note);
  }),
              IsOk());
  ASSERT_THAT(log_->Checkpoint(), IsOk());  // size 5 matches
  log_.reset();
  EXPECT_THAT(
      AuditLog::Open(db_.get(), Options()),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("an event in 1..3 was altered, inserted or removed")));
}

TEST_F(AuditLogTest, NeverSignsASecondRootForASize) {
  for (int i = 0; i < 5; ++i) AppendOne(i);
  // A checkpoint of size 6 appears in the store with another root while the
  // gateway runs; the tree then reaches size 6.
  ASSERT_THAT(db_->Write([&](store::WriteSession& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(std::string note,
                         Sign(6, audit::Sha256("another trail")));
    return tx.audit().InsertCheckpoint(6, 0, note);
  }),
              IsOk());
  AppendOne(6);
  EXPECT_THAT(log_->Checkpoint(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("refusing to sign a checkpoint of size 6")));
  // The periodic checkpoint reports it too, for the gateway's health.
  EXPECT_THAT(log_->PeriodicCheckpoint(),
              StatusIs(absl::StatusCode::kDataLoss));
  // A size without a stored checkpoint is signed as usual.
  AppendOne(7);
  EXPECT_THAT(log_->PeriodicCheckpoint(), IsOk());
}

TEST_F(AuditLogTest, AProofReadingAnOldBlockDoesNotHoldUpTheWriter) {
  constexpr int kEvents = 5000;  // more than the 16 recent blocks of 256
  ASSERT_THAT(db_->Write([&](store::WriteSession& tx) -> absl::Status {
    for (int i = 0; i < kEvents; ++i)
      CTG_RETURN_IF_ERROR(log_->Append(tx, Entry(i)).status());
    return absl::OkStatus();
  }),
              IsOk());
  const uint64_t size = log_->size();
  auto old_root = log_->RootAt(size);
  ASSERT_THAT(old_root, IsOk());
  // While the proof of event 1 reads its block back, an append commits: it
  // needs the log's lock, so the read must not hold it (before, the block
  // was read under the lock and this append waited for the read).
  absl::Notification appended;
  std::thread writer;
  int reads = 0;
  log_->SetBlockReadHookForTesting([&] {
    if (reads++ > 0) return;
    writer = std::thread([&] {
      AppendOne(kEvents);
      appended.Notify();
    });
    EXPECT_TRUE(appended.WaitForNotificationWithTimeout(absl::Seconds(60)))
        << "the append waited for the proof's read";
  });
  auto proof = log_->InclusionProof(0, size);
  writer.join();
  EXPECT_EQ(reads, 1);
  ASSERT_THAT(proof, IsOk());
  EXPECT_EQ(log_->size(), size + 1);
  audit::Hash leaf;
  ASSERT_THAT(db_->Read([&](store::ReadSession& session) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(auto hashes, session.audit().LeafHashes(1, 1));
    std::memcpy(leaf.data(), hashes[0].data(), leaf.size());
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(audit::VerifyInclusion(0, size, leaf, *proof, *old_root), IsOk());
}

TEST_F(AuditLogTest, AClaimedCallerIsAFactNotTheCaller) {
  AuditEntry refused;
  refused.event.method = "/ctg.v1.Audit/ListEvents";
  refused.event.code = 16;
  refused.claimed_caller = "spiffe://t/commune/33069/requester/alice";
  AuditEntry verified = Entry(1);
  verified.event.caller = "spiffe://t/commune/33069/requester/alice";
  verified.organisation = "commune/33069";
  ASSERT_THAT(db_->Write([&](store::WriteSession& tx) -> absl::Status {
    CTG_RETURN_IF_ERROR(log_->Append(tx, refused).status());
    return log_->Append(tx, verified).status();
  }),
              IsOk());
  auto scan = [&](store::AuditFilter filter) {
    std::vector<uint64_t> seqs;
    EXPECT_THAT(db_->Read([&](store::ReadSession& session) {
      return session.audit().Scan(filter, [&](const store::AuditRow& row) {
        seqs.push_back(row.seq);
        return absl::OkStatus();
      });
    }),
                IsOk());
    return seqs;
  };
  EXPECT_EQ(scan({.caller = "spiffe://t/commune/33069/requester/alice"}),
            std::vector<uint64_t>{2});
  EXPECT_EQ(
      scan({.claimed_caller = "spiffe://t/commune/33069/requester/alice"}),
      std::vector<uint64_t>{1});
  absl::StatusOr<store::AuditRow> row;
  ASSERT_THAT(db_->Read([&](store::ReadSession& session) -> absl::Status {
    row = session.audit().Get(1);
    return row.status();
  }),
              IsOk());
  auto event = audit::DecodeCanonical(row->canonical);
  ASSERT_THAT(event, IsOk());
  EXPECT_EQ(event->caller, "");
  EXPECT_EQ(event->facts, (std::vector<audit::Fact>{{audit::kClaimedCallerFact,
                                                     refused.claimed_caller}}));
  // The trail still checks at start-up.
  log_.reset();
  EXPECT_THAT(AuditLog::Open(db_.get(), Options()), IsOk());
}

}  // namespace
}  // namespace ctg::gateway
