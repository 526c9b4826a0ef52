// Proof lengths for trees larger than 2^63 leaves (a fuzzer found the
// shift by 64 that made them wrong; fuzz/regressions/audit_parsers/).
#include "audit/merkle_proof.h"
#include "gtest/gtest.h"

namespace ctg::audit {
namespace {

TEST(MerkleProofEdgeTest, LengthsBeyondTwoToTheSixtyThree) {
  constexpr uint64_t kBig = (uint64_t{1} << 63) + 1;
  // Leaf 1 of a tree of 2^63 + 1 leaves: 63 levels in the left subtree of
  // 2^63 leaves, plus the single right leaf.
  EXPECT_EQ(InclusionProofLength(1, kBig), 64);
  EXPECT_EQ(InclusionProofLength(kBig - 1, kBig), 1);
  EXPECT_EQ(ConsistencyProofLength(255, kBig), 65);
  EXPECT_EQ(ConsistencyProofLength(uint64_t{1} << 63, kBig), 1);
}

}  // namespace
}  // namespace ctg::audit
