#include "audit/merkle_tree.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "audit/merkle_frontier.h"
#include "audit/merkle_proof.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

Hash H(absl::string_view hex) {
  auto h = HashFromHex(hex);
  EXPECT_TRUE(h.ok()) << hex;
  return h.ok() ? *h : Hash{};
}

std::vector<Hash> Hs(std::initializer_list<absl::string_view> hexes) {
  std::vector<Hash> out;
  for (absl::string_view h : hexes) out.push_back(H(h));
  return out;
}

// The 8-leaf reference tree of the RFC 6962 test vectors, as published in
// transparency-dev/merkle (proof/verify_test.go) and certificate-transparency.
std::vector<std::string> ReferenceLeaves() {
  const char* hex[] = {"",
                       "00",
                       "10",
                       "2021",
                       "3031",
                       "40414243",
                       "5051525354555657",
                       "606162636465666768696a6b6c6d6e6f"};
  std::vector<std::string> out;
  for (const char* h : hex) out.push_back(absl::HexStringToBytes(h));
  return out;
}

const char* kReferenceRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

MerkleTree ReferenceTree() {
  MerkleTree tree;
  for (const std::string& leaf : ReferenceLeaves()) tree.Append(LeafHash(leaf));
  return tree;
}

TEST(MerkleTreeTest, EmptyTreeRootIsSha256OfNothing) {
  MerkleTree tree;
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(HashToHex(tree.Root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CTG_ASSERT_OK_AND_ASSIGN(Hash root0, tree.RootAt(0));
  EXPECT_EQ(root0, EmptyTreeRoot());
}

TEST(MerkleTreeTest, ReferenceRootsForEverySize) {
  MerkleTree tree = ReferenceTree();
  ASSERT_EQ(tree.size(), 8u);
  for (uint64_t size = 1; size <= 8; ++size) {
    CTG_ASSERT_OK_AND_ASSIGN(Hash root, tree.RootAt(size));
    EXPECT_EQ(HashToHex(root), kReferenceRoots[size - 1]) << "size " << size;
  }
  EXPECT_EQ(HashToHex(tree.Root()), kReferenceRoots[7]);
}

TEST(MerkleTreeTest, FrontierMatchesReferenceRoots) {
  MerkleFrontier frontier;
  EXPECT_EQ(frontier.Root(), EmptyTreeRoot());
  for (const std::string& leaf : ReferenceLeaves()) {
    frontier.Append(LeafHash(leaf));
    EXPECT_EQ(HashToHex(frontier.Root()), kReferenceRoots[frontier.size() - 1]);
  }
}

struct InclusionVector {
  uint64_t index;
  uint64_t size;
  std::vector<Hash> proof;
};

std::vector<InclusionVector> ReferenceInclusionProofs() {
  return {
      {0, 1, {}},
      {0, 8,
       Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e"
           "4"})},
      {5, 8,
       Hs({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b"
           "7"})},
      {2, 3,
       Hs({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c12"
           "5"})},
      {1, 5,
       Hs({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6"
           "b"})},
  };
}

struct ConsistencyVector {
  uint64_t size1;
  uint64_t size2;
  std::vector<Hash> proof;
};

std::vector<ConsistencyVector> ReferenceConsistencyProofs() {
  return {
      {1, 1, {}},
      {1, 8,
       Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e"
           "4"})},
      {6, 8,
       Hs({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b"
           "7"})},
      {2, 5,
       Hs({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6"
           "b"})},
      {6, 7,
       Hs({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
           "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b"
           "7"})},
  };
}

TEST(MerkleTreeTest, ReferenceInclusionProofs) {
  MerkleTree tree = ReferenceTree();
  const std::vector<std::string> leaves = ReferenceLeaves();
  for (const InclusionVector& v : ReferenceInclusionProofs()) {
    SCOPED_TRACE(absl::StrCat("leaf ", v.index, " size ", v.size));
    CTG_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                             tree.InclusionProof(v.index, v.size));
    EXPECT_THAT(proof, ElementsAreArray(v.proof));
    EXPECT_THAT(VerifyInclusion(v.index, v.size, LeafHash(leaves[v.index]),
                                v.proof, H(kReferenceRoots[v.size - 1])),
                IsOk());
  }
}

TEST(MerkleTreeTest, ReferenceConsistencyProofs) {
  MerkleTree tree = ReferenceTree();
  for (const ConsistencyVector& v : ReferenceConsistencyProofs()) {
    SCOPED_TRACE(absl::StrCat("sizes ", v.size1, " ", v.size2));
    CTG_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                             tree.ConsistencyProof(v.size1, v.size2));
    EXPECT_THAT(proof, ElementsAreArray(v.proof));
    EXPECT_THAT(VerifyConsistency(v.size1, v.size2, v.proof,
                                  H(kReferenceRoots[v.size1 - 1]),
                                  H(kReferenceRoots[v.size2 - 1])),
                IsOk());
  }
}

TEST(MerkleTreeTest, OutOfRangeRequestsNameTheValues) {
  MerkleTree tree = ReferenceTree();
  EXPECT_THAT(
      tree.RootAt(9),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("tree size 9 exceeds the current tree size 8")));
  EXPECT_THAT(tree.InclusionProof(8, 8),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("leaf index 8 is not below the tree size 8")));
  EXPECT_THAT(
      tree.InclusionProof(0, 0),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("leaf index 0")));
  EXPECT_THAT(
      tree.InclusionProof(0, 9),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tree size 9")));
  EXPECT_THAT(tree.ConsistencyProof(5, 4),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("first size 5 exceeds the second size 4")));
  EXPECT_THAT(
      tree.ConsistencyProof(2, 100),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("second size 100 exceeds the current tree size 8")));
  EXPECT_THAT(
      tree.ConsistencyProof(UINT64_MAX, UINT64_MAX),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("second size")));
  EXPECT_THAT(tree.LeafAt(8), StatusIs(absl::StatusCode::kInvalidArgument,
                                       HasSubstr("leaf index 8")));
  EXPECT_THAT(MerkleTree().InclusionProof(0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MerkleTreeTest, TrivialConsistencyProofsAreEmpty) {
  MerkleTree tree = ReferenceTree();
  for (uint64_t n = 0; n <= 8; ++n) {
    CTG_ASSERT_OK_AND_ASSIGN(auto from_zero, tree.ConsistencyProof(0, n));
    EXPECT_TRUE(from_zero.empty());
    CTG_ASSERT_OK_AND_ASSIGN(auto same, tree.ConsistencyProof(n, n));
    EXPECT_TRUE(same.empty());
  }
}

// ---- Against a naive recursive reference, every size 1..300 ---------------

// RFC 6962 §2.1 written as literally as possible, memoising MTH(D[lo:hi]).
class NaiveTree {
 public:
  explicit NaiveTree(std::vector<Hash> leaves) : leaves_(std::move(leaves)) {}

  Hash Mth(uint64_t lo, uint64_t hi) {
    if (hi - lo == 1) return leaves_[lo];
    auto it = memo_.find({lo, hi});
    if (it != memo_.end()) return it->second;
    uint64_t k = 1;
    while (k * 2 < hi - lo) k *= 2;
    const Hash h = NodeHash(Mth(lo, lo + k), Mth(lo + k, hi));
    memo_[{lo, hi}] = h;
    return h;
  }

  std::vector<Hash> Path(uint64_t m, uint64_t lo, uint64_t hi) {
    const uint64_t n = hi - lo;
    if (n == 1) return {};
    uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    std::vector<Hash> out;
    if (m < k) {
      out = Path(m, lo, lo + k);
      out.push_back(Mth(lo + k, hi));
    } else {
      out = Path(m - k, lo + k, hi);
      out.push_back(Mth(lo, lo + k));
    }
    return out;
  }

  std::vector<Hash> Subproof(uint64_t m, uint64_t lo, uint64_t hi, bool b) {
    const uint64_t n = hi - lo;
    if (m == n) {
      if (b) return {};
      return {Mth(lo, hi)};
    }
    uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    std::vector<Hash> out;
    if (m <= k) {
      out = Subproof(m, lo, lo + k, b);
      out.push_back(Mth(lo + k, hi));
    } else {
      out = Subproof(m - k, lo + k, hi, false);
      out.push_back(Mth(lo, lo + k));
    }
    return out;
  }

 private:
  std::vector<Hash> leaves_;
  std::map<std::pair<uint64_t, uint64_t>, Hash> memo_;
};

constexpr uint64_t kMaxNaiveSize = 300;

TEST(MerkleTreeTest, MatchesNaiveReferenceForEverySizeUpTo300) {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < kMaxNaiveSize; ++i) {
    leaves.push_back(LeafHash(absl::StrCat("leaf-", i)));
  }
  NaiveTree naive(leaves);
  MerkleTree tree;
  MerkleFrontier frontier;
  std::vector<Hash> roots(kMaxNaiveSize + 1);
  roots[0] = EmptyTreeRoot();
  for (uint64_t n = 1; n <= kMaxNaiveSize; ++n) {
    tree.Append(leaves[n - 1]);
    frontier.Append(leaves[n - 1]);
    roots[n] = naive.Mth(0, n);
    ASSERT_EQ(tree.Root(), roots[n]) << "size " << n;
    ASSERT_EQ(frontier.Root(), roots[n]) << "size " << n;
  }
  // Proofs are asked of the full tree for every earlier size.
  uint64_t inclusion = 0, consistency = 0;
  for (uint64_t n = 1; n <= kMaxNaiveSize; ++n) {
    CTG_ASSERT_OK_AND_ASSIGN(Hash root, tree.RootAt(n));
    ASSERT_EQ(root, roots[n]);
    for (uint64_t i = 0; i < n; ++i) {
      CTG_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                               tree.InclusionProof(i, n));
      ASSERT_EQ(proof, naive.Path(i, 0, n)) << "leaf " << i << " size " << n;
      ASSERT_EQ(static_cast<int>(proof.size()), InclusionProofLength(i, n));
      ASSERT_THAT(VerifyInclusion(i, n, leaves[i], proof, roots[n]), IsOk())
          << "leaf " << i << " size " << n;
      ++inclusion;
    }
    for (uint64_t m = 1; m <= n; ++m) {
      CTG_ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                               tree.ConsistencyProof(m, n));
      const std::vector<Hash> want =
          m == n ? std::vector<Hash>{} : naive.Subproof(m, 0, n, true);
      ASSERT_EQ(proof, want) << "sizes " << m << " " << n;
      ASSERT_EQ(static_cast<int>(proof.size()), ConsistencyProofLength(m, n));
      ASSERT_THAT(VerifyConsistency(m, n, proof, roots[m], roots[n]), IsOk())
          << "sizes " << m << " " << n;
      ++consistency;
    }
  }
  EXPECT_EQ(inclusion, kMaxNaiveSize * (kMaxNaiveSize + 1) / 2);
  EXPECT_EQ(consistency, kMaxNaiveSize * (kMaxNaiveSize + 1) / 2);
}

TEST(MerkleTreeTest, TruncateUndoesAppends) {
  MerkleTree tree;
  std::vector<Hash> roots = {tree.Root()};
  for (int i = 0; i < 70; ++i) {
    tree.Append(LeafHash(absl::StrCat("a", i)));
    roots.push_back(tree.Root());
  }
  for (uint64_t size : {69u, 64u, 33u, 1u, 0u}) {
    ASSERT_THAT(tree.Truncate(size), IsOk());
    EXPECT_EQ(tree.size(), size);
    EXPECT_EQ(tree.Root(), roots[size]) << size;
  }
  // Appending again after truncation gives the same trees.
  for (int i = 0; i < 70; ++i) tree.Append(LeafHash(absl::StrCat("a", i)));
  EXPECT_EQ(tree.Root(), roots[70]);
  CTG_ASSERT_OK_AND_ASSIGN(auto proof, tree.ConsistencyProof(40, 70));
  EXPECT_THAT(VerifyConsistency(40, 70, proof, roots[40], roots[70]), IsOk());
  EXPECT_THAT(tree.Truncate(71),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("size 71 exceeds the current tree size 70")));
}

// A compact tree answers exactly as a full one, reading old blocks back.
struct CompactCase {
  int floor_level;
  uint64_t recent_blocks;
};

class CompactMerkleTreeTest : public ::testing::TestWithParam<CompactCase> {};

TEST_P(CompactMerkleTreeTest, SameRootsAndProofsAsTheFullTree) {
  constexpr uint64_t kSize = 150;
  std::vector<Hash> leaves;
  int reads = 0;
  MerkleTree full;
  MerkleTree compact = MerkleTree::Compact(
      GetParam().floor_level, GetParam().recent_blocks,
      [&](uint64_t first, uint64_t count) -> absl::StatusOr<std::vector<Hash>> {
        ++reads;
        EXPECT_LE(first + count, leaves.size());
        return std::vector<Hash>(leaves.begin() + first,
                                 leaves.begin() + first + count);
      });
  for (uint64_t n = 1; n <= kSize; ++n) {
    leaves.push_back(LeafHash(absl::StrCat("leaf-", n)));
    full.Append(leaves.back());
    ASSERT_EQ(compact.Append(leaves.back()), n);
    ASSERT_EQ(compact.Root(), full.Root()) << "size " << n;
  }
  EXPECT_EQ(reads, 0);  // appends and current roots never read back
  for (uint64_t n = 1; n <= kSize; ++n) {
    ASSERT_EQ(*compact.RootAt(n), *full.RootAt(n)) << "size " << n;
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_EQ(*compact.InclusionProof(i, n), *full.InclusionProof(i, n))
          << "leaf " << i << " size " << n;
      ASSERT_EQ(*compact.ConsistencyProof(i + 1, n),
                *full.ConsistencyProof(i + 1, n))
          << "sizes " << i + 1 << " " << n;
    }
    ASSERT_EQ(*compact.LeafAt(n - 1), leaves[n - 1]);
  }
  // Blocks older than the recent ones were read back (none in a tree too
  // small to have forgotten any).
  const bool forgot =
      (kSize >> GetParam().floor_level) > GetParam().recent_blocks;
  EXPECT_EQ(reads > 0, forgot);
}

INSTANTIATE_TEST_SUITE_P(
    FloorsAndRecentBlocks, CompactMerkleTreeTest,
    ::testing::Values(CompactCase{1, 1}, CompactCase{2, 1}, CompactCase{3, 2},
                      CompactCase{4, 3}, CompactCase{8, 16}),
    [](const ::testing::TestParamInfo<CompactCase>& param) {
      return absl::StrCat("floor", param.param.floor_level, "_recent",
                          param.param.recent_blocks);
    });

TEST(CompactMerkleTreeTest, LeavesReadBackThatDoNotMatchAreDataLoss) {
  std::vector<Hash> leaves;
  bool tamper = false, short_read = false;
  MerkleTree tree = MerkleTree::Compact(
      2, 1,
      [&](uint64_t first, uint64_t count) -> absl::StatusOr<std::vector<Hash>> {
        std::vector<Hash> out(leaves.begin() + first,
                              leaves.begin() + first + count);
        if (tamper) out[1] = LeafHash("forged");
        if (short_read) out.pop_back();
        return out;
      });
  for (int i = 0; i < 20; ++i) {
    leaves.push_back(LeafHash(absl::StrCat(i)));
    tree.Append(leaves.back());
  }
  tamper = true;
  EXPECT_THAT(tree.InclusionProof(1, 20),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("read back do not match")));
  tamper = false;
  short_read = true;
  EXPECT_THAT(tree.LeafAt(5),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("3 read back")));
  short_read = false;
  EXPECT_THAT(tree.LeafAt(5), IsOk());
  // The current root never needs the source, even when it fails.
  tamper = true;
  MerkleTree full;
  for (const Hash& h : leaves) full.Append(h);
  EXPECT_EQ(tree.Root(), full.Root());
}

TEST(CompactMerkleTreeTest, TruncateOnlyWithinTheBlocksStillHeld) {
  MerkleTree tree = MerkleTree::Compact(
      2, 1, [](uint64_t, uint64_t) -> absl::StatusOr<std::vector<Hash>> {
        return absl::UnavailableError("no source in this test");
      });
  MerkleTree full;
  for (int i = 0; i < 22; ++i) {
    tree.Append(LeafHash(absl::StrCat(i)));
    full.Append(LeafHash(absl::StrCat(i)));
  }
  // Blocks of 4: 0..15 forgotten below level 2, 16..19 the recent block, 20..21
  // current.
  EXPECT_THAT(tree.Truncate(15),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(tree.Truncate(17), IsOk());
  ASSERT_THAT(full.Truncate(17), IsOk());
  EXPECT_EQ(tree.Root(), full.Root());
  EXPECT_THAT(tree.InclusionProof(3, 17),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace ctg::audit
