#include "audit/stored_trail.h"

#include <string>
#include <vector>

#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/merkle_frontier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

// One stored row, as the gateway keeps it.
struct Row {
  uint64_t seq = 0;
  std::string canonical;
  std::string leaf_hash;
  std::string caller;
  std::string organisation;
  Event event;
};

std::string Bytes(const Hash& h) { return std::string(h.begin(), h.end()); }

class StoredTrailTest : public ::testing::Test {
 protected:
  // Events 1..n with a stored checkpoint every `every` events.
  void Build(uint64_t n, uint64_t every) {
    testing::TestLog log = testing::BuildLog(n, every, *signer_);
    for (const ExportRecord& r : log.records) {
      Row row{.seq = r.event.sequence, .event = r.event};
      SetCanonical(row, r.event);
      row.caller = r.event.caller;
      rows_.push_back(row);
      if (!r.checkpoint.empty())
        checkpoints_.push_back({r.event.sequence, r.checkpoint});
    }
  }
  static void SetCanonical(Row& row, const Event& event) {
    row.event = event;
    row.canonical = EncodeCanonical(event);
    row.leaf_hash = Bytes(LeafHash(row.canonical));
  }
  // Runs the checker over rows_ as the gateway does.
  absl::Status Check(bool with_key = true, bool require_known_key = true) {
    StoredTrailChecker checker(
        "t.db", checkpoints_,
        {.keys = with_key ? absl::MakeConstSpan(&verifier_, 1)
                          : absl::Span<const NoteVerifier>(),
         .require_known_key = require_known_key});
    MerkleFrontier tree;
    auto root = [&tree] { return tree.Root(); };
    if (auto s = checker.CheckCheckpointsAt(0, root); !s.ok()) return s;
    for (const Row& row : rows_) {
      const StoredColumns columns{.time_us = row.event.time_micros,
                                  .caller = row.caller,
                                  .organisation = row.organisation,
                                  .method = row.event.method,
                                  .target_kind = row.event.target_kind,
                                  .target_id = row.event.target_id,
                                  .code = row.event.code};
      absl::StatusOr<Hash> leaf =
          checker.CheckEvent(row.seq, row.canonical, row.leaf_hash, &columns);
      if (!leaf.ok()) return leaf.status();
      tree.Append(*leaf);
      if (auto s = checker.CheckCheckpointsAt(tree.size(), root); !s.ok())
        return s;
    }
    matched_ = checker.checkpoints_matched();
    signatures_ = checker.signatures_verified();
    return checker.Finish(tree.size());
  }
  // Rewrites event `seq`'s caller (canonical bytes, leaf hash and column),
  // as an attacker without the key can.
  void EditAndRehash(uint64_t seq) {
    Row& row = rows_[seq - 1];
    Event edited = row.event;
    edited.caller = "spiffe://caf33.example/caf/33/admin/someone.else";
    SetCanonical(row, edited);
    row.caller = edited.caller;
  }

  std::unique_ptr<NoteSigner> signer_ = testing::MakeSigner();
  NoteVerifier verifier_ = testing::VerifierOf(*signer_);
  std::vector<Row> rows_;
  std::vector<StoredCheckpointNote> checkpoints_;
  uint64_t matched_ = 0;
  uint64_t signatures_ = 0;
};

TEST_F(StoredTrailTest, IntactTrailPassesWithEveryCheckpointVerified) {
  Build(20, 5);
  EXPECT_THAT(Check(), IsOk());
  EXPECT_EQ(matched_, 4u);
  EXPECT_EQ(signatures_, 4u);
}

TEST_F(StoredTrailTest, SwappedRowsAreNamedAtTheFirstMovedRow) {
  Build(10, 5);
  std::swap(rows_[2].canonical, rows_[3].canonical);
  std::swap(rows_[2].leaf_hash, rows_[3].leaf_hash);
  std::swap(rows_[2].event, rows_[3].event);
  std::swap(rows_[2].caller, rows_[3].caller);
  EXPECT_THAT(
      Check(),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("event 3 was altered or moved: row 3 holds the "
                         "canonical bytes of event 4")));
}

TEST_F(StoredTrailTest, EditedAndRehashedEventIsNamedBetweenTwoCheckpoints) {
  Build(10, 1);  // a checkpoint on every event: the range is one event
  EditAndRehash(6);
  EXPECT_THAT(
      Check(),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("event 6 was altered, its leaf hash rewritten")));
}

TEST_F(StoredTrailTest, EditedAndRehashedEventIsBoundedByTheCheckpoints) {
  Build(10, 5);
  EditAndRehash(7);
  EXPECT_THAT(Check(), StatusIs(absl::StatusCode::kDataLoss,
                                HasSubstr("an event in 6..10 was altered")));
}

TEST_F(StoredTrailTest, EditedEventWithoutItsColumnsIsNamed) {
  Build(10, 5);
  Row& row = rows_[6];
  Event edited = row.event;
  edited.caller = "spiffe://caf33.example/caf/33/admin/x";
  SetCanonical(row, edited);  // row.caller, the column, keeps the old caller
  EXPECT_THAT(Check(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("event 7 was altered: its caller column")));
}

TEST_F(StoredTrailTest, ClaimedCallerIsTheCallerColumnOfAnUnverifiedCall) {
  Build(3, 0);
  Row& row = rows_[1];
  Event refused = row.event;
  refused.caller.clear();
  refused.code = 16;
  refused.facts = {{kClaimedCallerFact,
                    "spiffe://caf33.example/commune/33069/requester/alice"}};
  SetCanonical(row, refused);
  row.caller = "spiffe://caf33.example/commune/33069/requester/alice";
  EXPECT_THAT(Check(), IsOk());
  // An organisation next to an unverified caller is not what was recorded.
  row.organisation = "commune/33069";
  EXPECT_THAT(
      Check(),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("event 2 was altered: its organisation column")));
}

TEST_F(StoredTrailTest, MissingRowAndChangedLeafHashAreNamed) {
  Build(10, 5);
  std::vector<Row> all = rows_;
  rows_.erase(rows_.begin() + 4);
  EXPECT_THAT(Check(), StatusIs(absl::StatusCode::kDataLoss,
                                HasSubstr("event 5 is missing")));
  rows_ = all;
  rows_[8].leaf_hash[0] ^= 1;
  EXPECT_THAT(Check(), StatusIs(absl::StatusCode::kDataLoss,
                                HasSubstr("event 9 was altered")));
}

TEST_F(StoredTrailTest, EventsCutAfterACheckpointAreNamed) {
  Build(10, 5);
  rows_.resize(8);
  EXPECT_THAT(Check(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("events 9..10 were removed from the end")));
}

TEST_F(StoredTrailTest, ForgedCheckpointFailsItsSignatureNotOnlyItsRoot) {
  Build(10, 5);
  EditAndRehash(7);
  // The attacker also rewrites the note's root to match: the text no longer
  // matches its signature.
  MerkleFrontier tree;
  for (const Row& row : rows_) {
    Hash h;
    std::copy(row.leaf_hash.begin(), row.leaf_hash.end(), h.begin());
    tree.Append(h);
  }
  absl::StatusOr<Checkpoint> genuine =
      OpenCheckpoint(checkpoints_[1].note, verifier_);
  ASSERT_THAT(genuine, IsOk());
  const std::string forged_text = *FormatCheckpointBody(
      {.origin = genuine->origin, .size = 10, .root = tree.Root()});
  const std::string& note = checkpoints_[1].note;
  checkpoints_[1].note = forged_text + note.substr(note.find("\n\n") + 1);
  EXPECT_THAT(
      Check(),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("the stored checkpoint of size 10 does not verify")));
  // Without the key only the roots are compared, and the forgery passes:
  // the gateway is given its key.
  EXPECT_THAT(Check(/*with_key=*/false), IsOk());
}

TEST_F(StoredTrailTest, CheckpointsOfARotatedKeyAreCheckedByTheirRoots) {
  Build(10, 5);
  auto old_signer = testing::MakeSigner(9);
  testing::TestLog old_log = testing::BuildLog(10, 5, *old_signer);
  checkpoints_[0].note = old_log.records[4].checkpoint;  // same events, old key
  EXPECT_THAT(Check(/*with_key=*/true, /*require_known_key=*/false), IsOk());
  EXPECT_EQ(signatures_, 1u);
  EXPECT_THAT(
      Check(/*with_key=*/true, /*require_known_key=*/true),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("the stored checkpoint of size 5 does not verify")));
}

}  // namespace
}  // namespace ctg::audit
