#include "audit/merkle_tree.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::audit {
namespace {

// Largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

MerkleTree MerkleTree::Compact(int floor_level, uint64_t recent_blocks,
                               LeafSource source) {
  MerkleTree tree;
  tree.floor_ = std::clamp(floor_level, 1, 20);
  tree.recent_blocks_ = std::max<uint64_t>(recent_blocks, 1);
  tree.source_ = std::move(source);
  return tree;
}

uint64_t MerkleTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) {
    levels_.emplace_back();
    first_.push_back(0);
  }
  levels_[0].push_back(leaf_hash);
  // Every time a level gets an even count, its last two nodes complete a
  // node one level up (both in memory: the current block is never dropped).
  for (size_t k = 0; Count(k) % 2 == 0; ++k) {
    if (k + 1 == levels_.size()) {
      levels_.emplace_back();
      first_.push_back(0);
    }
    const std::deque<Hash>& level = levels_[k];
    levels_[k + 1].push_back(NodeHash(level[level.size() - 2], level.back()));
  }
  if (floor_ > 0) ForgetOldBlocks();
  return size();
}

void MerkleTree::ForgetOldBlocks() {
  const uint64_t blocks = size() >> floor_;
  if (blocks <= recent_blocks_) return;
  const uint64_t keep_from_block = blocks - recent_blocks_;
  for (size_t k = 0; k < static_cast<size_t>(floor_) && k < levels_.size();
       ++k) {
    const uint64_t keep_from = keep_from_block << (floor_ - k);
    while (first_[k] < keep_from && !levels_[k].empty()) {
      levels_[k].pop_front();
      ++first_[k];
    }
  }
}

absl::Status MerkleTree::Truncate(uint64_t new_size) {
  if (new_size > size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("truncate: size ", new_size,
                     " exceeds the current tree size ", size()));
  }
  if (!levels_.empty() && new_size < first_[0]) {
    return absl::FailedPreconditionError(
        absl::StrCat("truncate: size ", new_size,
                     " is in a block this compact tree no longer holds"));
  }
  // Level k holds one node per complete run of 2^k leaves.
  for (size_t k = 0; k < levels_.size(); ++k) {
    levels_[k].resize((new_size >> k) - std::min(first_[k], new_size >> k));
  }
  while (!levels_.empty() && Count(levels_.size() - 1) == 0) {
    levels_.pop_back();
    first_.pop_back();
  }
  block_index_ = UINT64_MAX;
  return absl::OkStatus();
}

absl::Status MerkleTree::LoadBlock(uint64_t block) const {
  if (block_index_ == block) return absl::OkStatus();
  const uint64_t width = uint64_t{1} << floor_;
  const uint64_t first = block << floor_;
  if (!source_)
    return absl::InternalError("merkle tree: no leaf source for an old block");
  CTG_ASSIGN_OR_RETURN(std::vector<Hash> leaves, source_(first, width));
  if (leaves.size() != width) {
    return absl::DataLossError(absl::StrCat("audit leaves ", first, "..",
                                            first + width - 1, ": ",
                                            leaves.size(), " read back"));
  }
  std::vector<std::vector<Hash>> levels(static_cast<size_t>(floor_));
  levels[0] = std::move(leaves);
  for (size_t k = 1; k < levels.size(); ++k) {
    const std::vector<Hash>& below = levels[k - 1];
    for (size_t i = 0; i + 1 < below.size(); i += 2) {
      levels[k].push_back(NodeHash(below[i], below[i + 1]));
    }
  }
  const std::vector<Hash>& top = levels.back();
  // The block's own node is in memory: what was read back must match it.
  if (NodeHash(top[0], top[1]) != levels_[floor_][block]) {
    return absl::DataLossError(
        absl::StrCat("audit leaves ", first, "..", first + width - 1,
                     " read back do not match the tree"));
  }
  block_ = std::move(levels);
  block_index_ = block;
  return absl::OkStatus();
}

absl::StatusOr<Hash> MerkleTree::Node(size_t k, uint64_t index) const {
  if (index >= first_[k]) return levels_[k][index - first_[k]];
  // Only levels below floor_ forget nodes: rebuild the old block's.
  const uint64_t block = (index << k) >> floor_;
  CTG_RETURN_IF_ERROR(LoadBlock(block));
  return block_[k][index - (block << (floor_ - k))];
}

absl::StatusOr<Hash> MerkleTree::Subtree(uint64_t lo, uint64_t hi) const {
  const uint64_t n = hi - lo;
  if (std::has_single_bit(n)) {
    const int k = std::countr_zero(n);
    return Node(static_cast<size_t>(k), lo >> k);
  }
  const uint64_t split = SplitPoint(n);
  CTG_ASSIGN_OR_RETURN(Hash left, Subtree(lo, lo + split));
  CTG_ASSIGN_OR_RETURN(Hash right, Subtree(lo + split, hi));
  return NodeHash(left, right);
}

Hash MerkleTree::Root() const {
  absl::StatusOr<Hash> root = RootAt(size());
  if (!root.ok()) {
    // Unreachable: the right edge of the tree is always in memory.
    std::fprintf(stderr, "merkle tree: %s\n", root.status().ToString().c_str());
    std::abort();
  }
  return *root;
}

absl::StatusOr<Hash> MerkleTree::RootAt(uint64_t tree_size) const {
  if (tree_size > size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("root: tree size ", tree_size,
                     " exceeds the current tree size ", size()));
  }
  if (tree_size == 0) return EmptyTreeRoot();
  return Subtree(0, tree_size);
}

absl::StatusOr<Hash> MerkleTree::LeafAt(uint64_t index) const {
  if (index >= size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf index ", index, " is not below the tree size ", size()));
  }
  return Node(0, index);
}

absl::Status MerkleTree::Path(uint64_t index, uint64_t lo, uint64_t hi,
                              std::vector<Hash>* out) const {
  // RFC 6962 §2.1.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k,
  // PATH(m - k, D[k:n]) : MTH(D[0:k]) otherwise.
  const uint64_t n = hi - lo;
  if (n <= 1) return absl::OkStatus();
  const uint64_t split = SplitPoint(n);
  if (index < lo + split) {
    CTG_RETURN_IF_ERROR(Path(index, lo, lo + split, out));
    CTG_ASSIGN_OR_RETURN(Hash sibling, Subtree(lo + split, hi));
    out->push_back(sibling);
  } else {
    CTG_RETURN_IF_ERROR(Path(index, lo + split, hi, out));
    CTG_ASSIGN_OR_RETURN(Hash sibling, Subtree(lo, lo + split));
    out->push_back(sibling);
  }
  return absl::OkStatus();
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
  CTG_RETURN_IF_ERROR(Path(index, 0, tree_size, &proof));
  return proof;
}

absl::Status MerkleTree::SubProof(uint64_t m, uint64_t lo, uint64_t hi,
                                  bool whole, std::vector<Hash>* out) const {
  // RFC 6962 §2.1.2 SUBPROOF(m, D[lo:hi], b), m relative to lo.
  const uint64_t n = hi - lo;
  if (m == n) {
    if (whole) return absl::OkStatus();
    CTG_ASSIGN_OR_RETURN(Hash node, Subtree(lo, hi));
    out->push_back(node);
    return absl::OkStatus();
  }
  const uint64_t split = SplitPoint(n);
  if (m <= split) {
    CTG_RETURN_IF_ERROR(SubProof(m, lo, lo + split, whole, out));
    CTG_ASSIGN_OR_RETURN(Hash right, Subtree(lo + split, hi));
    out->push_back(right);
  } else {
    CTG_RETURN_IF_ERROR(SubProof(m - split, lo + split, hi, false, out));
    CTG_ASSIGN_OR_RETURN(Hash left, Subtree(lo, lo + split));
    out->push_back(left);
  }
  return absl::OkStatus();
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
  CTG_RETURN_IF_ERROR(SubProof(size1, 0, size2, /*whole=*/true, &proof));
  return proof;
}

}  // namespace ctg::audit
