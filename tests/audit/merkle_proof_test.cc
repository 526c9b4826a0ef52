#include "audit/merkle_proof.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/merkle_tree.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

struct Fixture {
  MerkleTree tree;
  std::vector<Hash> leaves;
  explicit Fixture(int n) {
    for (int i = 0; i < n; ++i) {
      leaves.push_back(LeafHash(absl::StrCat("event ", i)));
      tree.Append(leaves.back());
    }
  }
  Hash Root(uint64_t size) const { return *tree.RootAt(size); }
};

Hash Flip(Hash h, int bit) {
  h[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

// Every mutation of a good inclusion proof must fail.
void ExpectInclusionProbesFail(const Fixture& f, uint64_t index,
                               uint64_t size) {
  const std::vector<Hash> proof = *f.tree.InclusionProof(index, size);
  const Hash root = f.Root(size);
  const Hash leaf = f.leaves[index];
  ASSERT_THAT(VerifyInclusion(index, size, leaf, proof, root), IsOk());
  auto fails = [&](uint64_t i, uint64_t n, const Hash& l,
                   const std::vector<Hash>& p, const Hash& r,
                   const char* what) {
    EXPECT_FALSE(VerifyInclusion(i, n, l, p, r).ok())
        << what << " (leaf " << index << ", size " << size << ")";
  };
  if (index > 0) fails(index - 1, size, leaf, proof, root, "index - 1");
  fails(index + 1, size, leaf, proof, root, "index + 1");
  if ((index ^ 2) != index)
    fails(index ^ 2, size, leaf, proof, root, "index ^ 2");
  fails(index, size * 2, leaf, proof, root, "size * 2");
  if (size / 2 > index) fails(index, size / 2, leaf, proof, root, "size / 2");
  fails(index, size, LeafHash("wrong"), proof, root, "wrong leaf");
  fails(index, size, leaf, proof, EmptyTreeRoot(), "empty root");
  fails(index, size, leaf, proof, Flip(root, 3), "flipped root");
  auto extended = proof;
  extended.push_back(root);
  fails(index, size, leaf, extended, root, "trailing hash");
  auto prepended = proof;
  prepended.insert(prepended.begin(), root);
  fails(index, size, leaf, prepended, root, "preceding hash");
  for (size_t i = 0; i < proof.size(); ++i) {
    auto wrong = proof;
    wrong[i] = Flip(wrong[i], 3);
    fails(index, size, leaf, wrong, root, "flipped proof element");
  }
  if (!proof.empty()) {
    auto shorter = proof;
    shorter.pop_back();
    fails(index, size, leaf, shorter, root, "removed element");
  }
}

TEST(MerkleProofTest, InclusionProbesFail) {
  Fixture f(20);
  for (uint64_t size = 1; size <= 20; ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      ExpectInclusionProbesFail(f, index, size);
    }
  }
}

TEST(MerkleProofTest, InclusionErrorsSayWhat) {
  Fixture f(8);
  const auto proof = *f.tree.InclusionProof(3, 8);
  EXPECT_THAT(VerifyInclusion(8, 8, f.leaves[3], proof, f.Root(8)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("leaf index 8 is not below the tree size 8")));
  EXPECT_THAT(VerifyInclusion(3, 8, f.leaves[3], {}, f.Root(8)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("proof has 0 hashes, expected 3")));
  EXPECT_THAT(
      VerifyInclusion(3, 8, f.leaves[4], proof, f.Root(8)),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("leads to root")));
  EXPECT_THAT(VerifyInclusion(0, 0, f.leaves[0], {}, EmptyTreeRoot()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // A one-leaf tree: the root is the leaf hash and the proof is empty.
  EXPECT_THAT(VerifyInclusion(0, 1, f.leaves[0], {}, f.leaves[0]), IsOk());
  EXPECT_THAT(VerifyInclusion(0, 1, f.leaves[0], {}, f.leaves[1]),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(MerkleProofTest, ConsistencyProbesFail) {
  Fixture f(20);
  for (uint64_t size2 = 2; size2 <= 20; ++size2) {
    for (uint64_t size1 = 1; size1 < size2; ++size1) {
      const std::vector<Hash> proof = *f.tree.ConsistencyProof(size1, size2);
      const Hash r1 = f.Root(size1), r2 = f.Root(size2);
      ASSERT_THAT(VerifyConsistency(size1, size2, proof, r1, r2), IsOk());
      auto fails = [&](uint64_t a, uint64_t b, const std::vector<Hash>& p,
                       const Hash& x, const Hash& y, const char* what) {
        EXPECT_FALSE(VerifyConsistency(a, b, p, x, y).ok())
            << what << " (" << size1 << ", " << size2 << ")";
      };
      fails(size1 - 1, size2, proof, r1, r2, "size1 - 1");
      fails(size1 + 1, size2, proof, r1, r2, "size1 + 1");
      if ((size1 ^ 2) != size1)
        fails(size1 ^ 2, size2, proof, r1, r2, "size1 ^ 2");
      fails(size1, size2 * 2, proof, r1, r2, "size2 * 2");
      if (size2 / 2 >= size1 && size2 / 2 != size2) {
        fails(size1, size2 / 2, proof, r1, r2, "size2 / 2");
      }
      fails(size1, size2, proof, Flip(r1, 0), r2, "wrong root1");
      fails(size1, size2, proof, r1, Flip(r2, 0), "wrong root2");
      fails(size1, size2, proof, r2, r1, "swapped roots");
      fails(size1, size2, {}, r1, r2, "empty proof");
      auto extended = proof;
      extended.push_back(r1);
      fails(size1, size2, extended, r1, r2, "trailing root1");
      auto prepended = proof;
      prepended.insert(prepended.begin(), proof[0]);
      fails(size1, size2, prepended, r1, r2, "preceding proof[0]");
      auto shorter = proof;
      shorter.pop_back();
      fails(size1, size2, shorter, r1, r2, "truncated proof");
      for (size_t i = 0; i < proof.size(); ++i) {
        auto wrong = proof;
        wrong[i] = Flip(wrong[i], 4);
        fails(size1, size2, wrong, r1, r2, "flipped proof element");
      }
    }
  }
}

TEST(MerkleProofTest, ConsistencyEdgeCases) {
  Fixture f(4);
  const Hash r1 = f.Root(1), r2 = f.Root(2);
  // Always consistent with the empty tree; the proof must be empty.
  EXPECT_THAT(VerifyConsistency(0, 0, {}, EmptyTreeRoot(), EmptyTreeRoot()),
              IsOk());
  EXPECT_THAT(VerifyConsistency(0, 2, {}, EmptyTreeRoot(), r2), IsOk());
  EXPECT_THAT(VerifyConsistency(0, 2, {r1}, EmptyTreeRoot(), r2),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("proof has 1 hashes, expected 0")));
  // Equal sizes: empty proof and equal roots.
  EXPECT_THAT(VerifyConsistency(2, 2, {}, r2, r2), IsOk());
  EXPECT_THAT(
      VerifyConsistency(2, 2, {}, r1, r2),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("different roots")));
  EXPECT_THAT(VerifyConsistency(2, 2, {r1}, r2, r2),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // Time travel.
  EXPECT_THAT(VerifyConsistency(3, 2, {}, r1, r2),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("first size exceeds the second")));
  EXPECT_THAT(VerifyConsistency(1, 2, {}, r1, r2),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("proof has 0 hashes, expected 1")));
}

TEST(MerkleProofTest, ProofLengths) {
  EXPECT_EQ(InclusionProofLength(0, 1), 0);
  EXPECT_EQ(InclusionProofLength(0, 8), 3);
  EXPECT_EQ(InclusionProofLength(2, 3), 1);
  EXPECT_EQ(InclusionProofLength(1, 5), 3);
  EXPECT_EQ(ConsistencyProofLength(6, 8), 3);
  EXPECT_EQ(ConsistencyProofLength(2, 5), 2);
  EXPECT_EQ(ConsistencyProofLength(0, 5), 0);
  EXPECT_EQ(ConsistencyProofLength(5, 5), 0);
  // Large sizes stay logarithmic.
  EXPECT_LE(InclusionProofLength(123456789, 1ull << 40), 40);
  EXPECT_LE(ConsistencyProofLength(123456789, 1ull << 40), 41);
}

}  // namespace
}  // namespace ctg::audit
