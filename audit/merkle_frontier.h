// The right edge ("compact range") of an append-only RFC 6962 tree: one hash
// per set bit of the size, enough to extend the tree and compute its root in
// O(log N) memory. The offline verifier uses it to recompute the root of an
// export incrementally, checkpoint after checkpoint.
//
// Thread-compatible: a value type; distinct objects may be used from
// distinct threads.
#ifndef CTG_AUDIT_MERKLE_FRONTIER_H_
#define CTG_AUDIT_MERKLE_FRONTIER_H_

#include <cstdint>
#include <vector>

#include "audit/hash.h"

namespace ctg::audit {

class MerkleFrontier {
 public:
  // Appends one leaf hash. Amortised one node hash per call.
  void Append(const Hash& leaf_hash);

  uint64_t size() const { return size_; }

  // MTH of all leaves appended so far (EmptyTreeRoot() when none):
  // O(log N) node hashes.
  Hash Root() const;

 private:
  // Roots of the complete subtrees that make up the tree, largest (leftmost)
  // first: nodes_[i] covers 2^(bit i from the top) leaves.
  std::vector<Hash> nodes_;
  uint64_t size_ = 0;
};

}  // namespace ctg::audit

#endif  // CTG_AUDIT_MERKLE_FRONTIER_H_
