// Verification of RFC 6962 inclusion and consistency proofs, following the
// algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2. For auditors and the CLI;
// MerkleTree (merkle_tree.h) produces the proofs.
//
// Error codes: InvalidArgument when the request itself is impossible
// (index >= size, size1 > size2) or the proof has the wrong number of
// hashes for the sizes; DataLoss when the proof is well-formed but does not
// lead to the given root(s), i.e. the log or the proof was tampered with.
// All functions are thread-safe.
#ifndef CTG_AUDIT_MERKLE_PROOF_H_
#define CTG_AUDIT_MERKLE_PROOF_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "audit/hash.h"

namespace ctg::audit {

// Number of hashes in the inclusion proof of leaf `index` in a tree of
// `size` leaves (requires index < size).
int InclusionProofLength(uint64_t index, uint64_t size);

// Number of hashes in the consistency proof between sizes `size1` and
// `size2` (requires size1 <= size2); 0 when size1 is 0 or equals size2.
int ConsistencyProofLength(uint64_t size1, uint64_t size2);

// The root that `proof` leads to from `leaf_hash` at `index` in a tree of
// `size` leaves. InvalidArgument if index >= size or the proof length is
// wrong.
absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                            const Hash& leaf_hash,
                                            absl::Span<const Hash> proof);

// OK iff `proof` shows that `leaf_hash` is leaf `index` of the tree of
// `size` leaves with root `root`.
absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root);

// OK iff `proof` shows that the tree of `size1` leaves with root `root1` is
// a prefix of the tree of `size2` leaves with root `root2`. With size1 == 0
// the proof must be empty (any tree extends the empty one); with size1 ==
// size2 it must be empty and the roots equal.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               absl::Span<const Hash> proof, const Hash& root1,
                               const Hash& root2);

}  // namespace ctg::audit

#endif  // CTG_AUDIT_MERKLE_PROOF_H_
