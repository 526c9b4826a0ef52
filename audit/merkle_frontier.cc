#include "audit/merkle_frontier.h"

namespace ctg::audit {

void MerkleFrontier::Append(const Hash& leaf_hash) {
  nodes_.push_back(leaf_hash);
  // Each trailing one bit of the old size is a complete subtree of the same
  // height as the node just completed: merge them pairwise.
  for (uint64_t s = size_; s & 1; s >>= 1) {
    const Hash right = nodes_.back();
    nodes_.pop_back();
    nodes_.back() = NodeHash(nodes_.back(), right);
  }
  ++size_;
}

Hash MerkleFrontier::Root() const {
  if (nodes_.empty()) return EmptyTreeRoot();
  Hash acc = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) acc = NodeHash(nodes_[i], acc);
  return acc;
}

}  // namespace ctg::audit
