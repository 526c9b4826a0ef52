#include "store/postgres/pg_audit.h"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_database.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::ctg::store::postgres::testing;

std::string Leaf(uint64_t seq, const std::string& who) {
  std::string h = absl::StrCat(who, ":", seq);
  h.resize(32, '.');
  return h;
}

AuditRow Row(uint64_t seq, const std::string& who) {
  AuditRow r;
  r.seq = seq;
  r.method = "/ctg.v1.Test/" + who;
  r.canonical = std::string("\x01\x00", 2) + who;
  r.leaf_hash = Leaf(seq, who);
  return r;
}

// Appends one event at the next sequence number; returns that number.
absl::StatusOr<uint64_t> Append(PgDatabase& db, const std::string& who) {
  uint64_t seq = 0;
  CTG_RETURN_IF_ERROR(db.Write([&](PgTransaction& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(seq, tx.NextAuditSeq());
    return InsertPgAuditRow(tx, Row(seq, who));
  }));
  return seq;
}

TEST(PgAuditTest, NumbersHandedOutInAGroupFollowTheSequencer) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  ASSERT_THAT(Append(*pg, "a"), IsOk());
  // Concurrent writers: some groups hold several functions, some of which
  // fail after taking a number; every committed event is dense anyway.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        absl::Status s = pg->Write([&](PgTransaction& tx) -> absl::Status {
          uint64_t seq = tx.TakeAuditSeq();
          CTG_RETURN_IF_ERROR(InsertPgAuditRow(tx, Row(seq, "t")));
          if ((t + i) % 5 == 0)
            return absl::AbortedError("failed after its event");
          return absl::OkStatus();
        });
        if (s.ok()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  uint64_t size = 0;
  ASSERT_THAT(pg->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(size, PgTrailSize(s));
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(size, 1u + ok.load());
  EXPECT_EQ(ok.load(), 8 * 20 - 32);
}

TEST(PgAuditTest, ARolledBackEventLeavesNoGap) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  ASSERT_THAT(Append(*pg, "a"), IsOk());
  EXPECT_THAT(pg->Write([&](PgTransaction& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(uint64_t seq, tx.NextAuditSeq());
    EXPECT_EQ(seq, 2u);
    CTG_RETURN_IF_ERROR(InsertPgAuditRow(tx, Row(seq, "failed")));
    return absl::AbortedError("the call failed after its event");
  }),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<uint64_t> next = Append(*pg, "b");
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(*next, 2u);
  EXPECT_THAT(pg->Write([&](PgTransaction& tx) {
    return InsertPgAuditRow(tx, Row(5, "gap"));
  }),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("without gaps")));
}

// Two replicas (two PgDatabase on one database), each with several threads
// appending at once: one dense total order, no number given twice.
TEST(PgAuditTest, ReplicasShareOneDenseTotalOrder) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto a, PgDatabase::Open(GatewayOptions(db)));
  CTG_ASSERT_OK_AND_ASSIGN(auto b, PgDatabase::Open(GatewayOptions(db)));
  constexpr int kThreads = 4, kEach = 40;
  std::mutex mu;
  std::map<uint64_t, std::string> acknowledged;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreads; ++t) {
    PgDatabase* replica = t % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([&, replica, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string who = absl::StrCat(t % 2 == 0 ? "A" : "B", t, "-", i);
        absl::StatusOr<uint64_t> seq = Append(*replica, who);
        ASSERT_THAT(seq, IsOk());
        std::lock_guard<std::mutex> lock(mu);
        EXPECT_TRUE(acknowledged.emplace(*seq, who).second)
            << "sequence given twice: " << *seq;
      }
    });
  }
  for (auto& t : threads) t.join();
  const uint64_t total = 2 * kThreads * kEach;
  ASSERT_EQ(acknowledged.size(), total);
  EXPECT_EQ(acknowledged.begin()->first, 1u);
  EXPECT_EQ(acknowledged.rbegin()->first, total);
  // Each replica reads the events the other appended, in order: what it
  // needs to extend its tree before a proof or a checkpoint.
  std::vector<std::string> leaves;
  ASSERT_THAT(a->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(uint64_t size, PgTrailSize(s));
    EXPECT_EQ(size, total);
    CTG_ASSIGN_OR_RETURN(leaves, ReadPgLeafHashes(s, 1, total));
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_EQ(leaves.size(), total);
  for (const auto& [seq, who] : acknowledged)
    EXPECT_EQ(leaves[seq - 1], Leaf(seq, who));
}

TEST(PgAuditTest, OneSizeOneRootEverAcrossReplicas) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto a, PgDatabase::Open(GatewayOptions(db)));
  CTG_ASSERT_OK_AND_ASSIGN(auto b, PgDatabase::Open(GatewayOptions(db)));
  for (int i = 0; i < 3; ++i) ASSERT_THAT(Append(*a, "e"), IsOk());
  const std::string root(32, 'R'), other(32, 'X');
  auto store = [&](PgDatabase& replica, uint64_t size, const std::string& r,
                   const std::string& note) {
    return replica.Write([&](PgTransaction& tx) {
      return StorePgCheckpoint(tx, size, r, 1, note);
    });
  };
  EXPECT_THAT(store(*a, 2, root, "note-a"), IsOk());
  // The same root again, from either replica: nothing new, the first note
  // stays.
  EXPECT_THAT(store(*b, 2, root, "note-b"), IsOk());
  EXPECT_THAT(store(*b, 2, other, "forged"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("second root")));
  EXPECT_THAT(
      store(*a, 4, root, "beyond"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("not in the trail")));
  EXPECT_THAT(
      store(*a, 3, std::string(31, 'R'), "short"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("31 bytes")));
  std::vector<PgCheckpoint> all;
  ASSERT_THAT(b->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(all, AllPgCheckpoints(s));
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].tree_size, 2u);
  EXPECT_EQ(all[0].root, root);
  EXPECT_EQ(all[0].note, "note-a");
}

// As on SQLite: the empty trail's checkpoint (size 0) can be stored, once.
TEST(PgAuditTest, TheEmptyTrailHasACheckpoint) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto a, PgDatabase::Open(GatewayOptions(db)));
  const std::string empty_root(32, 'E');
  auto store = [&](uint64_t size, const std::string& note) {
    return a->Write([&](PgTransaction& tx) {
      return StorePgCheckpoint(tx, size, empty_root, 1, note);
    });
  };
  ASSERT_THAT(store(0, "note-0"), IsOk());
  EXPECT_THAT(store(1, "beyond"), StatusIs(absl::StatusCode::kAborted,
                                           HasSubstr("not in the trail")));
  std::vector<PgCheckpoint> all;
  ASSERT_THAT(a->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(all, AllPgCheckpoints(s));
    return absl::OkStatus();
  }),
              IsOk());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].tree_size, 0u);
}

// Filters mean what they mean on SQLite (store::ScanAuditRows).
TEST(PgAuditTest, FilteredScanLookupsAndLatestCheckpoint) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  struct Spec {
    const char* caller;
    const char* organisation;
    const char* request;
    int32_t code;
    const char* sha;
  };
  const Spec specs[] = {
      {"spiffe://td/commune/33069/requester/a", "commune/33069", "REQ-000001",
       0, ""},
      {"spiffe://td/commune/33069/requester/a", "", "", 16,
       ""},  // a refused claim
      {"spiffe://td/caf/33/reviewer/r", "caf/33", "REQ-000001", 7, ""},
      {"spiffe://td/commune/33069/requester/a", "commune/33069", "REQ-000001",
       0, "d1"},
      {"spiffe://td/commune/33162/requester/b", "commune/33162", "REQ-000002",
       0, ""},
  };
  for (size_t i = 0; i < std::size(specs); ++i) {
    ASSERT_THAT(pg->Write([&](PgTransaction& tx) {
      AuditRow r = Row(tx.TakeAuditSeq(), "x");
      r.time_us = 100 * static_cast<int64_t>(r.seq);
      r.caller = specs[i].caller;
      r.organisation = specs[i].organisation;
      r.request_id = specs[i].request;
      r.code = specs[i].code;
      r.extract_sha256 = specs[i].sha;
      return InsertPgAuditRow(tx, r);
    }),
                IsOk());
  }
  ASSERT_THAT(pg->Write([](PgTransaction& tx) {
    return StorePgCheckpoint(tx, 4, std::string(32, 'r'), 0, "note-4");
  }),
              IsOk());
  auto seqs = [&](const AuditFilter& f) {
    std::vector<uint64_t> out;
    EXPECT_THAT(pg->Read([&](PgReadSession& s) {
      return ScanPgAuditRows(s, f, [&](const AuditRow& r) {
        out.push_back(r.seq);
        return absl::OkStatus();
      });
    }),
                IsOk());
    return out;
  };
  EXPECT_THAT(seqs({}), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(seqs({.caller = "spiffe://td/commune/33069/requester/a"}),
              ElementsAre(1, 4));
  EXPECT_THAT(seqs({.claimed_caller = "spiffe://td/commune/33069/requester/a"}),
              ElementsAre(2));
  EXPECT_THAT(seqs({.organisation = "commune/33069"}), ElementsAre(1, 4));
  EXPECT_THAT(seqs({.request_id = "REQ-000001",
                    .outcome = AuditFilter::Outcome::kDenied}),
              ElementsAre(3));
  EXPECT_THAT(seqs({.outcome = AuditFilter::Outcome::kAllowed}),
              ElementsAre(1, 4, 5));
  EXPECT_THAT(seqs({.start_time_us = 200, .end_time_us = 500}),
              ElementsAre(2, 3, 4));
  EXPECT_THAT(seqs({.from_seq = 2, .to_seq = 4}), ElementsAre(2, 3, 4));
  EXPECT_THAT(seqs({.from_seq = 2, .limit = 2}), ElementsAre(2, 3));
  ASSERT_THAT(pg->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(AuditRow four, GetPgAuditRow(s, 4));
    EXPECT_EQ(four.checkpoint, "note-4");
    EXPECT_EQ(four.extract_sha256, "d1");
    EXPECT_THAT(GetPgAuditRow(s, 9).status(),
                StatusIs(absl::StatusCode::kNotFound));
    CTG_ASSIGN_OR_RETURN(uint64_t release, FindPgReleaseSeq(s, "d1"));
    EXPECT_EQ(release, 4u);
    EXPECT_THAT(FindPgReleaseSeq(s, "d2").status(),
                StatusIs(absl::StatusCode::kNotFound));
    CTG_ASSIGN_OR_RETURN(std::optional<PgCheckpoint> latest,
                         LatestPgCheckpoint(s));
    EXPECT_TRUE(latest.has_value() && latest->tree_size == 4 &&
                latest->note == "note-4");
    return absl::OkStatus();
  }),
              IsOk());
}

TEST(PgAuditTest, ScanVisitsEveryEventInOrder) {
  std::string db = NewDatabase();
  CTG_ASSERT_OK_AND_ASSIGN(auto pg, PgDatabase::Open(GatewayOptions(db)));
  for (const char* who : {"x", "y", "z"}) ASSERT_THAT(Append(*pg, who), IsOk());
  std::vector<std::string> methods;
  ASSERT_THAT(pg->Read([&](PgReadSession& s) {
    return ScanPgTrail(s, [&](const AuditRow& r) {
      methods.push_back(absl::StrCat(r.seq, r.method));
      EXPECT_EQ(r.leaf_hash, Leaf(r.seq, r.method.substr(13)));
      return absl::OkStatus();
    });
  }),
              IsOk());
  EXPECT_THAT(methods, ElementsAre("1/ctg.v1.Test/x", "2/ctg.v1.Test/y",
                                   "3/ctg.v1.Test/z"));
}

}  // namespace
}  // namespace ctg::store::postgres
