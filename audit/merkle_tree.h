// The gateway's in-memory RFC 6962 Merkle tree over audit event leaf hashes:
// append-only, with the root, inclusion proofs and consistency proofs for
// ANY size up to the current one.
//
// It keeps every complete-subtree hash, level by level (level 0 = leaves,
// level k = hashes of aligned runs of 2^k leaves): about 2N hashes, 64 bytes
// per event, in chunked storage (std::deque) so that growing never copies a
// level nor needs twice its memory for a moment. Any RFC 6962 node
// MTH(D[lo:hi]) is then either one lookup (a complete subtree) or, on the
// right edge of a smaller tree, a fold of at most log2(N) lookups; a root, an
// inclusion proof or a consistency proof costs O(log N) lookups and O(log N)
// hashes.
//
// A compact tree (Compact()) keeps only the nodes of subtrees of 2^floor
// leaves or more, plus every node of the last few blocks of 2^floor leaves:
// with floor 8, about 0.25 bytes per event (the full tree: 64). A proof or an
// old root that needs a node inside an older block reads that block's leaf
// hashes back from a LeafSource (the gateway: its audit_events table),
// rebuilds the block and checks it against the block's node kept in memory.
//
// On start-up the gateway rebuilds it by appending the persisted leaf hashes
// in sequence order (leaf i = event with sequence i + 1), and appends each
// event's leaf once its transaction has committed.
//
// Thread-compatible: a full tree's const methods may run concurrently with
// each other (they hash with thread-local state), but Append() needs
// exclusive access; a compact tree caches the last block it read back, so
// every call needs exclusive access. The gateway guards a tree with one
// mutex (ctg::Mutex) for Append, roots and proofs.
#ifndef CTG_AUDIT_MERKLE_TREE_H_
#define CTG_AUDIT_MERKLE_TREE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/hash.h"

namespace ctg::audit {

class MerkleTree {
 public:
  // Reads back leaf hashes [first, first + count) (0-based leaf indices).
  using LeafSource = std::function<absl::StatusOr<std::vector<Hash>>(
      uint64_t first, uint64_t count)>;

  // A full tree: every node in memory.
  MerkleTree() = default;

  // A compact tree (see above): blocks of 2^floor_level leaves (1..20), the
  // last `recent_blocks` (>= 1) of them kept whole in memory.
  static MerkleTree Compact(int floor_level, uint64_t recent_blocks,
                            LeafSource source);

  // Movable (cheap), not copyable (it may hold gigabytes).
  MerkleTree(MerkleTree&&) = default;
  MerkleTree& operator=(MerkleTree&&) = default;
  MerkleTree(const MerkleTree&) = delete;
  MerkleTree& operator=(const MerkleTree&) = delete;

  // Appends a leaf hash (LeafHash(canonical bytes)); returns the new size,
  // i.e. the sequence number of the event just appended. Amortised O(1).
  uint64_t Append(const Hash& leaf_hash);

  // Drops the leaves after the first `size`. InvalidArgument if
  // size > this->size(); FailedPrecondition if a compact tree no longer
  // holds the block `size` falls in. O(log N).
  absl::Status Truncate(uint64_t size);

  // Number of leaves.
  uint64_t size() const {
    return levels_.empty() ? 0 : first_[0] + levels_[0].size();
  }

  // Root of the current tree (EmptyTreeRoot() when empty). Never reads the
  // leaf source: the right edge of the tree is always in memory.
  Hash Root() const;

  // Root of the tree made of the first `size` leaves.
  // InvalidArgument if size > this->size().
  absl::StatusOr<Hash> RootAt(uint64_t size) const;

  // The leaf hash at 0-based `index`. InvalidArgument if index >= size().
  // A compact tree may read it back (errors: the source's, or kDataLoss
  // when what it returns does not match the tree).
  absl::StatusOr<Hash> LeafAt(uint64_t index) const;

  // RFC 6962 §2.1.1 audit path of leaf `index` in the tree of the first
  // `size` leaves, leaf-side first. InvalidArgument naming the values if
  // index >= size or size > this->size(). A compact tree may read leaves
  // back, and fail as LeafAt() does.
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index,
                                                   uint64_t size) const;

  // RFC 6962 §2.1.2 consistency proof between the trees of the first
  // `size1` and `size2` leaves. Empty when size1 == 0 or size1 == size2.
  // InvalidArgument naming the values if size1 > size2 or
  // size2 > this->size().
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1,
                                                     uint64_t size2) const;

 private:
  // Nodes per level and block: kept for level k >= floor_, or index >=
  // first_[k].
  uint64_t Count(size_t k) const { return first_[k] + levels_[k].size(); }
  absl::StatusOr<Hash> Node(size_t k, uint64_t index) const;
  // Reads block `block` back into block_ (unless it is there already).
  absl::Status LoadBlock(uint64_t block) const;
  // Drops the low levels of blocks older than the recent ones.
  void ForgetOldBlocks();

  // MTH(D[lo:hi]) for a node of an RFC 6962 tree: 0 <= lo < hi <= size()
  // and lo a multiple of the largest power of two below hi - lo.
  absl::StatusOr<Hash> Subtree(uint64_t lo, uint64_t hi) const;
  absl::Status Path(uint64_t index, uint64_t lo, uint64_t hi,
                    std::vector<Hash>* out) const;
  absl::Status SubProof(uint64_t m, uint64_t lo, uint64_t hi, bool whole,
                        std::vector<Hash>* out) const;

  // levels_[k][i] = MTH of leaves [(first_[k] + i) * 2^k, (first_[k] + i + 1) *
  // 2^k).
  std::vector<std::deque<Hash>> levels_;
  std::vector<uint64_t> first_;
  // Compact trees only (floor_ == 0: a full tree).
  int floor_ = 0;
  uint64_t recent_blocks_ = 0;
  LeafSource source_;
  // The last block read back: its levels 0..floor_-1.
  mutable uint64_t block_index_ = UINT64_MAX;
  mutable std::vector<std::vector<Hash>> block_;
};

}  // namespace ctg::audit

#endif  // CTG_AUDIT_MERKLE_TREE_H_
