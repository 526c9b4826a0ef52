// The gateway's in-memory RFC 6962 Merkle tree over audit event leaf hashes:
// append-only, with the root, inclusion proofs and consistency proofs for
// ANY size up to the current one.
//
// It keeps every complete-subtree hash, level by level (level 0 = leaves,
// level k = hashes of aligned runs of 2^k leaves): about 2N hashes, 64 bytes
// per event, in chunked storage (std::deque) so that growing never copies a
// level nor needs twice its memory for a moment. Any RFC 6962 node MTH(D[lo:hi]) is then either one lookup
// (a complete subtree) or, on the right edge of a smaller tree, a fold of at
// most log2(N) lookups; a root, an inclusion proof or a consistency proof
// costs O(log N) lookups and O(log N) hashes.
//
// On start-up the gateway rebuilds it by appending the persisted leaf hashes
// in sequence order (leaf i = event with sequence i + 1). During a group
// commit it may append the batch's leaves first (to sign a checkpoint that
// ends inside the batch) and Truncate() them if the transaction fails.
//
// Thread-compatible: const methods may run concurrently with each other
// (they hash with thread-local state), but Append() needs exclusive access.
// The gateway guards a tree with one mutex (ctg::Mutex) for Append, roots
// and proofs.
#ifndef CTG_AUDIT_MERKLE_TREE_H_
#define CTG_AUDIT_MERKLE_TREE_H_

#include <cstdint>
#include <deque>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/hash.h"

namespace ctg::audit {

class MerkleTree {
 public:
  MerkleTree() = default;
  // Movable (cheap), not copyable (it may hold gigabytes).
  MerkleTree(MerkleTree&&) = default;
  MerkleTree& operator=(MerkleTree&&) = default;
  MerkleTree(const MerkleTree&) = delete;
  MerkleTree& operator=(const MerkleTree&) = delete;

  // Appends a leaf hash (LeafHash(canonical bytes)); returns the new size,
  // i.e. the sequence number of the event just appended. Amortised O(1).
  uint64_t Append(const Hash& leaf_hash);

  // Drops the leaves after the first `size`, e.g. to undo the appends of a
  // group commit whose transaction failed. InvalidArgument if
  // size > this->size(). O(log N).
  absl::Status Truncate(uint64_t size);

  // Number of leaves.
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  // Root of the current tree (EmptyTreeRoot() when empty).
  Hash Root() const;

  // Root of the tree made of the first `size` leaves.
  // InvalidArgument if size > this->size().
  absl::StatusOr<Hash> RootAt(uint64_t size) const;

  // The leaf hash at 0-based `index`. InvalidArgument if index >= size().
  absl::StatusOr<Hash> LeafAt(uint64_t index) const;

  // RFC 6962 §2.1.1 audit path of leaf `index` in the tree of the first
  // `size` leaves, leaf-side first. InvalidArgument naming the values if
  // index >= size or size > this->size().
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index,
                                                   uint64_t size) const;

  // RFC 6962 §2.1.2 consistency proof between the trees of the first
  // `size1` and `size2` leaves. Empty when size1 == 0 or size1 == size2.
  // InvalidArgument naming the values if size1 > size2 or
  // size2 > this->size().
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1,
                                                     uint64_t size2) const;

 private:
  // MTH(D[lo:hi]) for a node of an RFC 6962 tree: 0 <= lo < hi <= size()
  // and lo a multiple of the largest power of two below hi - lo.
  Hash Subtree(uint64_t lo, uint64_t hi) const;
  void Path(uint64_t index, uint64_t lo, uint64_t hi,
            std::vector<Hash>* out) const;
  void SubProof(uint64_t m, uint64_t lo, uint64_t hi, bool whole,
                std::vector<Hash>* out) const;

  // levels_[k][i] = MTH of leaves [i * 2^k, (i + 1) * 2^k).
  std::vector<std::deque<Hash>> levels_;
};

}  // namespace ctg::audit

#endif  // CTG_AUDIT_MERKLE_TREE_H_
