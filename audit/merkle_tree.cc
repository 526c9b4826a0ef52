#include "audit/merkle_tree.h"

#include <bit>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ctg::audit {
namespace {

// Largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

uint64_t MerkleTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // Every time a level gets an even count, its last two nodes complete a
  // node one level up.
  for (size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    if (k + 1 == levels_.size()) levels_.emplace_back();
    const std::deque<Hash>& level = levels_[k];
    const Hash parent = NodeHash(level[level.size() - 2], level.back());
    levels_[k + 1].push_back(parent);
  }
  return levels_[0].size();
}

absl::Status MerkleTree::Truncate(uint64_t new_size) {
  if (new_size > size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "truncate: size ", new_size, " exceeds the current tree size ", size()));
  }
  // Level k holds one node per complete run of 2^k leaves.
  for (size_t k = 0; k < levels_.size(); ++k) levels_[k].resize(new_size >> k);
  while (!levels_.empty() && levels_.back().empty()) levels_.pop_back();
  return absl::OkStatus();
}

Hash MerkleTree::Subtree(uint64_t lo, uint64_t hi) const {
  const uint64_t n = hi - lo;
  if (std::has_single_bit(n)) {
    const int k = std::countr_zero(n);
    return levels_[k][lo >> k];
  }
  const uint64_t split = SplitPoint(n);
  return NodeHash(Subtree(lo, lo + split), Subtree(lo + split, hi));
}

Hash MerkleTree::Root() const {
  const uint64_t n = size();
  return n == 0 ? EmptyTreeRoot() : Subtree(0, n);
}

absl::StatusOr<Hash> MerkleTree::RootAt(uint64_t tree_size) const {
  if (tree_size > size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("root: tree size ", tree_size,
                     " exceeds the current tree size ", size()));
  }
  return tree_size == 0 ? EmptyTreeRoot() : Subtree(0, tree_size);
}

absl::StatusOr<Hash> MerkleTree::LeafAt(uint64_t index) const {
  if (index >= size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf index ", index, " is not below the tree size ", size()));
  }
  return levels_[0][index];
}

void MerkleTree::Path(uint64_t index, uint64_t lo, uint64_t hi,
                      std::vector<Hash>* out) const {
  // RFC 6962 §2.1.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k,
  // PATH(m - k, D[k:n]) : MTH(D[0:k]) otherwise.
  const uint64_t n = hi - lo;
  if (n <= 1) return;
  const uint64_t split = SplitPoint(n);
  if (index < lo + split) {
    Path(index, lo, lo + split, out);
    out->push_back(Subtree(lo + split, hi));
  } else {
    Path(index, lo + split, hi, out);
    out->push_back(Subtree(lo, lo + split));
  }
}

absl::StatusOr<std::vector<Hash>> MerkleTree::InclusionProof(
    uint64_t index, uint64_t tree_size) const {
  if (tree_size > size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof: tree size ", tree_size,
                     " exceeds the current tree size ", size()));
  }
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof: leaf index ", index,
                     " is not below the tree size ", tree_size));
  }
  std::vector<Hash> proof;
  proof.reserve(64);
  Path(index, 0, tree_size, &proof);
  return proof;
}

void MerkleTree::SubProof(uint64_t m, uint64_t lo, uint64_t hi, bool whole,
                          std::vector<Hash>* out) const {
  // RFC 6962 §2.1.2 SUBPROOF(m, D[lo:hi], b), m relative to lo.
  const uint64_t n = hi - lo;
  if (m == n) {
    if (!whole) out->push_back(Subtree(lo, hi));
    return;
  }
  const uint64_t split = SplitPoint(n);
  if (m <= split) {
    SubProof(m, lo, lo + split, whole, out);
    out->push_back(Subtree(lo + split, hi));
  } else {
    SubProof(m - split, lo + split, hi, false, out);
    out->push_back(Subtree(lo, lo + split));
  }
}

absl::StatusOr<std::vector<Hash>> MerkleTree::ConsistencyProof(
    uint64_t size1, uint64_t size2) const {
  if (size2 > size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof: second size ", size2,
                     " exceeds the current tree size ", size()));
  }
  if (size1 > size2) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof: first size ", size1,
                     " exceeds the second size ", size2));
  }
  std::vector<Hash> proof;
  if (size1 == 0 || size1 == size2) return proof;
  proof.reserve(64);
  SubProof(size1, 0, size2, /*whole=*/true, &proof);
  return proof;
}

}  // namespace ctg::audit
