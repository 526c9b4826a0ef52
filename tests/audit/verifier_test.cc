// Tamper tests at the library level: edit, delete, insert, swap and
// truncate events of a signed export and check that the verifier names the
// right first sequence number.
#include "audit/verifier.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/audit_log_format.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/export_line.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using Records = std::vector<ExportRecord>;

class VerifierTest : public ::testing::TestWithParam<int> {
 protected:
  VerifierTest()
      : signer_(testing::MakeSigner(7)), key_(testing::VerifierOf(*signer_)) {}

  // N events, a periodic checkpoint every 10.
  testing::TestLog Log(uint64_t n = 100, uint64_t every = 10) {
    return testing::BuildLog(n, every, *signer_);
  }

  // Options with the thread count under test.
  static VerifyOptions Options(const std::string& checkpoint = "") {
    VerifyOptions options;
    options.checkpoint_note = checkpoint;
    options.threads = GetParam();
    return options;
  }

  VerifyReport Verify(const Records& records,
                      const std::string& checkpoint = "") {
    const VerifyOptions options = Options(checkpoint);
    absl::StatusOr<VerifyReport> report =
        VerifyExport(testing::ToJsonl(records), key_, options);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : VerifyReport{};
  }

  // Renumbers records[from..] to follow records[from-1] and rewrites their
  // leaf hashes, as an attacker with database access would.
  static void Renumber(Records& records, size_t from) {
    for (size_t i = from; i < records.size(); ++i) {
      records[i].event.sequence = i + 1;
      records[i].leaf_hash = EventLeafHash(records[i].event);
    }
  }

  std::unique_ptr<NoteSigner> signer_;
  NoteVerifier key_;
};

TEST_P(VerifierTest, IntactExportVerifies) {
  testing::TestLog log = Log();
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.events, 100u);
  EXPECT_EQ(r.tree_size, 100u);
  EXPECT_EQ(r.checkpoints_checked, 11u);  // 10 periodic + the supplied one
  EXPECT_EQ(r.verified_size, 100u);
  EXPECT_EQ(r.origin, testing::kOrigin);
  CTG_ASSERT_OK_AND_ASSIGN(Checkpoint latest,
                           OpenCheckpoint(log.latest_checkpoint, key_));
  EXPECT_EQ(r.root, latest.root);
  EXPECT_THAT(r.ToStatus(), IsOk());
  EXPECT_THAT(r.Summary(), HasSubstr("OK: 100 events, tree size 100"));
}

TEST_P(VerifierTest, StreamAndMemoryAgree) {
  testing::TestLog log = Log(57, 5);
  std::istringstream in(testing::ToJsonl(log.records));
  VerifyOptions options = Options(log.latest_checkpoint);
  CTG_ASSERT_OK_AND_ASSIGN(VerifyReport from_stream,
                           VerifyExport(in, key_, options));
  VerifyReport from_memory = Verify(log.records, log.latest_checkpoint);
  EXPECT_TRUE(from_stream.ok()) << from_stream.Summary();
  EXPECT_EQ(from_stream.root, from_memory.root);
  EXPECT_EQ(from_stream.checkpoints_checked, from_memory.checkpoints_checked);
}

TEST_P(VerifierTest, UncoveredTailIsReportedButNotAnError) {
  testing::TestLog log = Log(105);
  VerifyReport r = Verify(log.records);
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.verified_size, 100u);
  EXPECT_THAT(
      r.Summary(),
      HasSubstr("events 101..105 are not covered by a signed checkpoint"));
}

TEST_P(VerifierTest, EditedEventIsPinpointed) {
  testing::TestLog log = Log();
  log.records[36].event.message = "nothing to see";  // event 37
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kAlteredEvent);
  EXPECT_EQ(r.first_bad_sequence, 37u);
  EXPECT_EQ(r.line, 37u);
  EXPECT_THAT(r.reason, HasSubstr("event 37 was altered"));
  EXPECT_THAT(r.ToStatus(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("FAILED at sequence 37: event altered")));
}

TEST_P(VerifierTest, EditedEventWithRewrittenLeafHashIsBoundedByCheckpoints) {
  testing::TestLog log = Log();
  log.records[36].event.facts[1].value = "another purpose";
  log.records[36].leaf_hash = EventLeafHash(log.records[36].event);
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kAlteredInRange);
  EXPECT_EQ(r.first_bad_sequence, 31u);
  EXPECT_EQ(r.last_bad_sequence, 40u);
  EXPECT_EQ(r.line, 40u);
  EXPECT_THAT(r.reason, HasSubstr("previous checkpoint (size 30) matched"));
  EXPECT_THAT(r.Summary(),
              HasSubstr("FAILED at sequence 31 (somewhere in 31..40)"));
}

TEST_P(VerifierTest, AlteredRecordedLeafHashOnly) {
  testing::TestLog log = Log();
  log.records[36].leaf_hash[0] ^= 1;
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kAlteredEvent);
  EXPECT_EQ(r.first_bad_sequence, 37u);
  EXPECT_THAT(r.reason, HasSubstr("its recorded leaf hash was altered"));
  EXPECT_EQ(r.checkpoints_checked, 11u);
}

TEST_P(VerifierTest, DeletedEventIsPinpointed) {
  testing::TestLog log = Log();
  log.records.erase(log.records.begin() + 36);
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kMissingEvent);
  EXPECT_EQ(r.first_bad_sequence, 37u);
  EXPECT_THAT(r.reason,
              HasSubstr("expected sequence 37, found 38: event 37 is missing"));
}

TEST_P(VerifierTest, DeletedEventWithRenumberingIsBoundedByCheckpoints) {
  testing::TestLog log = Log();
  log.records.erase(log.records.begin() + 36);
  Renumber(log.records, 36);
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kAlteredInRange);
  EXPECT_EQ(r.first_bad_sequence, 31u);
  EXPECT_LE(r.last_bad_sequence, 40u);
  EXPECT_GE(r.last_bad_sequence, 37u);
}

TEST_P(VerifierTest, InsertedEventWithRenumberingIsBoundedByCheckpoints) {
  testing::TestLog log = Log();
  ExportRecord fake;
  fake.event = testing::MakeEvent(37);
  fake.event.message = "forged";
  log.records.insert(log.records.begin() + 36, fake);
  Renumber(log.records, 36);
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kAlteredInRange);
  EXPECT_EQ(r.first_bad_sequence, 31u);
  EXPECT_GE(r.last_bad_sequence, 37u);
  EXPECT_LE(r.last_bad_sequence, 41u);
}

TEST_P(VerifierTest, InsertedDuplicateAfterAuthenticatedEvent) {
  testing::TestLog log = Log();
  log.records.insert(log.records.begin() + 50,
                     log.records[19]);  // copy of 20 after 50
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kInsertedOrReordered);
  EXPECT_EQ(r.first_bad_sequence, 51u);
  EXPECT_THAT(r.reason,
              HasSubstr("sequence 20 appears again after sequence 50"));
}

TEST_P(VerifierTest, InsertedDuplicateBeforeAnyCheckpoint) {
  testing::TestLog log = Log();
  ExportRecord fake =
      log.records[2];  // a forged event 3, placed before the real one
  fake.event.message = "forged";
  fake.leaf_hash = EventLeafHash(fake.event);
  log.records.insert(log.records.begin() + 2, fake);
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kInsertedOrReordered);
  EXPECT_EQ(r.first_bad_sequence, 3u);
  EXPECT_THAT(r.reason, HasSubstr("one of the two events numbered 3"));
}

TEST_P(VerifierTest, SwappedEventsArePinpointed) {
  testing::TestLog log = Log();
  std::swap(log.records[36], log.records[37]);
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kMissingEvent);
  EXPECT_EQ(r.first_bad_sequence, 37u);
  EXPECT_THAT(r.reason, HasSubstr("reordered"));
}

TEST_P(VerifierTest, SwappedContentWithRenumberingIsBounded) {
  testing::TestLog log = Log();
  std::swap(log.records[36].event, log.records[37].event);
  Renumber(log.records, 36);
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kAlteredInRange);
  EXPECT_EQ(r.first_bad_sequence, 31u);
  EXPECT_EQ(r.last_bad_sequence, 40u);
}

TEST_P(VerifierTest, TruncatedExportIsCaughtByTheSuppliedCheckpoint) {
  testing::TestLog log = Log();
  log.records.resize(95);
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kTruncated);
  EXPECT_EQ(r.first_bad_sequence, 96u);
  EXPECT_EQ(r.last_bad_sequence, 100u);
  EXPECT_THAT(r.reason, HasSubstr("events 96..100 were removed from the end"));
  // Without it, only the coverage tells.
  VerifyReport alone = Verify(log.records);
  EXPECT_TRUE(alone.ok());
  EXPECT_EQ(alone.verified_size, 90u);
}

TEST_P(VerifierTest, EverythingDeleted) {
  testing::TestLog log = Log();
  VerifyReport r = Verify({}, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kTruncated);
  EXPECT_EQ(r.first_bad_sequence, 1u);
}

TEST_P(VerifierTest, EmptyLogWithEmptyCheckpoint) {
  testing::TestLog log = Log(0);
  VerifyReport r = Verify({}, log.latest_checkpoint);
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.root, EmptyTreeRoot());
  EXPECT_EQ(r.checkpoints_checked, 1u);
}

TEST_P(VerifierTest, NoCheckpointAtAllIsNotAuthenticated) {
  testing::TestLog log = Log(20, 0);
  VerifyReport r = Verify(log.records);
  EXPECT_EQ(r.problem, VerifyProblem::kNoCheckpoint);
  EXPECT_THAT(r.ToStatus(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                     HasSubstr("nothing is authenticated")));
}

TEST_P(VerifierTest, CorruptLinesNameTheLine) {
  testing::TestLog log = Log();
  std::string text = testing::ToJsonl(log.records);
  // Break line 50: drop its closing brace.
  size_t start = 0;
  for (int i = 0; i < 49; ++i) start = text.find('\n', start) + 1;
  const size_t end = text.find('\n', start);
  text.erase(end - 1, 1);
  VerifyOptions options = Options(log.latest_checkpoint);
  CTG_ASSERT_OK_AND_ASSIGN(VerifyReport r, VerifyExport(text, key_, options));
  EXPECT_EQ(r.problem, VerifyProblem::kMalformedLine);
  EXPECT_EQ(r.first_bad_sequence, 50u);
  EXPECT_EQ(r.line, 50u);
  EXPECT_THAT(r.reason,
              HasSubstr("line 50 (where event 50 is expected): column"));
  EXPECT_THAT(r.ToStatus(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(VerifierTest, BlankAndGarbageLines) {
  testing::TestLog log = Log(12, 5);
  const std::string text = testing::ToJsonl(log.records);
  for (const std::string& bad :
       {text + "\n", "\n" + text, text + "garbage\n",
        text.substr(0, text.size() / 2), std::string("\x00\x01", 2)}) {
    CTG_ASSERT_OK_AND_ASSIGN(VerifyReport r,
                             VerifyExport(bad, key_, Options()));
    EXPECT_EQ(r.problem, VerifyProblem::kMalformedLine) << r.Summary();
  }
}

TEST_P(VerifierTest, OverlongLine) {
  testing::TestLog log = Log(3, 1);
  const std::string text = testing::ToJsonl(log.records) +
                           std::string(kMaxExportLineBytes + 1, ' ') + "\n";
  CTG_ASSERT_OK_AND_ASSIGN(VerifyReport r, VerifyExport(text, key_, Options()));
  EXPECT_EQ(r.problem, VerifyProblem::kMalformedLine);
  EXPECT_EQ(r.first_bad_sequence, 4u);
  EXPECT_THAT(r.reason, HasSubstr("line 4: longer than"));
}

TEST_P(VerifierTest, WrongKey) {
  testing::TestLog log = Log();
  auto other = testing::MakeSigner(99);
  const NoteVerifier wrong = testing::VerifierOf(*other);
  CTG_ASSERT_OK_AND_ASSIGN(
      VerifyReport r,
      VerifyExport(testing::ToJsonl(log.records), wrong, Options()));
  EXPECT_EQ(r.problem, VerifyProblem::kBadCheckpoint);
  EXPECT_EQ(r.first_bad_sequence, 10u);
  EXPECT_THAT(r.reason, HasSubstr("wrong key"));
  VerifyOptions options = Options(log.latest_checkpoint);
  EXPECT_THAT(VerifyExport(testing::ToJsonl(log.records), wrong, options),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("supplied checkpoint: wrong key")));
}

TEST_P(VerifierTest, MalformedSuppliedCheckpoint) {
  testing::TestLog log = Log(5, 5);
  VerifyOptions options = Options("not a checkpoint");
  EXPECT_THAT(VerifyExport(testing::ToJsonl(log.records), key_, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("supplied checkpoint: malformed note")));
}

TEST_P(VerifierTest, TamperedEmbeddedCheckpoint) {
  testing::TestLog log = Log();
  std::string& note = log.records[59].checkpoint;  // size 60
  note.replace(note.find("\n60\n"), 4, "\n61\n");
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kBadCheckpoint);
  EXPECT_EQ(r.first_bad_sequence, 60u);
  EXPECT_THAT(r.reason, HasSubstr("bad signature"));
}

TEST_P(VerifierTest, MovedCheckpoint) {
  testing::TestLog log = Log();
  log.records[58].checkpoint =
      log.records[59].checkpoint;  // size 60 on event 59
  log.records[59].checkpoint.clear();
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kAlteredInRange);
  EXPECT_EQ(r.first_bad_sequence, 51u);
  EXPECT_THAT(r.reason,
              HasSubstr("attached to sequence 59 is for tree size 60"));
}

TEST_P(VerifierTest, OriginMismatch) {
  testing::TestLog log = Log(20, 10);
  VerifyOptions options = Options();
  options.origin = "other.example/log";
  CTG_ASSERT_OK_AND_ASSIGN(
      VerifyReport r,
      VerifyExport(testing::ToJsonl(log.records), key_, options));
  EXPECT_EQ(r.problem, VerifyProblem::kBadCheckpoint);
  EXPECT_THAT(r.reason,
              HasSubstr("origin \"caf33.example/ctg-audit\" differs"));
  options.checkpoint_note = log.latest_checkpoint;
  EXPECT_THAT(
      VerifyExport(testing::ToJsonl(log.records), key_, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("origin")));
}

TEST_P(VerifierTest, SmallestSequenceWinsWhenSeveralThingsAreWrong) {
  testing::TestLog log = Log();
  log.records[71].event.code = 0;                 // 72: leaf mismatch
  log.records[24].event.peer = "ipv4:6.6.6.6:1";  // 25: leaf mismatch
  log.records.erase(log.records.begin() + 80);    // 81 missing
  VerifyReport r = Verify(log.records, log.latest_checkpoint);
  EXPECT_EQ(r.problem, VerifyProblem::kAlteredEvent);
  EXPECT_EQ(r.first_bad_sequence, 25u);
  // Checkpoint 30 fails right after: verification stops there.
  EXPECT_EQ(r.altered_events, 1u);
}

// Exhaustive: in a 30-event log with checkpoints every 5 and a supplied
// latest checkpoint, each single edit, deletion or adjacent swap is
// reported at its own sequence number.
TEST_P(VerifierTest, EverySingleTamperingIsPinpointed) {
  const testing::TestLog log = Log(30, 5);
  for (size_t k = 0; k < 30; ++k) {
    const uint64_t seq = k + 1;
    Records edited = log.records;
    edited[k].event.target_id += "x";
    EXPECT_EQ(Verify(edited, log.latest_checkpoint).first_bad_sequence, seq)
        << "edit " << seq;

    Records deleted = log.records;
    deleted.erase(deleted.begin() + k);
    VerifyReport d = Verify(deleted, log.latest_checkpoint);
    EXPECT_EQ(d.first_bad_sequence, seq)
        << "delete " << seq << ": " << d.Summary();

    if (k + 1 < 30) {
      Records swapped = log.records;
      std::swap(swapped[k], swapped[k + 1]);
      EXPECT_EQ(Verify(swapped, log.latest_checkpoint).first_bad_sequence, seq)
          << "swap " << seq;
    }
  }
}

// Large enough to span several 1 MiB blocks in parallel mode.
TEST_P(VerifierTest, LargeExportAcrossBlocks) {
  testing::TestLog log = Log(12000, 1000);
  const std::string text = testing::ToJsonl(log.records);
  ASSERT_GT(text.size(), 3u << 20);
  CTG_ASSERT_OK_AND_ASSIGN(
      VerifyReport ok,
      VerifyExport(text, key_, Options(log.latest_checkpoint)));
  EXPECT_TRUE(ok.ok()) << ok.Summary();
  EXPECT_EQ(ok.events, 12000u);
  EXPECT_EQ(ok.checkpoints_checked, 13u);

  log.records[4320].event.message = "edited";  // event 4321
  const std::string tampered = testing::ToJsonl(log.records);
  CTG_ASSERT_OK_AND_ASSIGN(
      VerifyReport r,
      VerifyExport(tampered, key_, Options(log.latest_checkpoint)));
  EXPECT_EQ(r.first_bad_sequence, 4321u);
  EXPECT_EQ(r.line, 4321u);
  std::istringstream in(tampered);
  CTG_ASSERT_OK_AND_ASSIGN(
      VerifyReport s, VerifyExport(in, key_, Options(log.latest_checkpoint)));
  EXPECT_EQ(s.first_bad_sequence, 4321u);
  EXPECT_EQ(s.reason, r.reason);

  // A corrupt line deep inside: the line number is global, not per block.
  std::string broken = text;
  size_t at = 0;
  for (int i = 0; i < 9876; ++i) at = broken.find('\n', at) + 1;
  broken.insert(at, "x");
  std::istringstream in2(broken);
  CTG_ASSERT_OK_AND_ASSIGN(
      VerifyReport b, VerifyExport(in2, key_, Options(log.latest_checkpoint)));
  EXPECT_EQ(b.problem, VerifyProblem::kMalformedLine);
  EXPECT_EQ(b.line, 9877u);
  EXPECT_EQ(b.first_bad_sequence, 9877u);
}

INSTANTIATE_TEST_SUITE_P(Threads, VerifierTest, ::testing::Values(1, 3),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return absl::StrCat("threads", param.param);
                         });

}  // namespace
}  // namespace ctg::audit
