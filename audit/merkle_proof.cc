#include "audit/merkle_proof.h"

#include <bit>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ctg::audit {
namespace {

absl::Status WrongLength(absl::string_view what, size_t got, int want) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": proof has ", got, " hashes, expected ", want));
}

// `value >> bits`, 0 when bits is 64 (a plain shift by the width of the
// type is undefined, and x86 would take it modulo 64).
uint64_t ShiftRight(uint64_t value, int bits) {
  return bits >= 64 ? 0 : value >> bits;
}

}  // namespace

int InclusionProofLength(uint64_t index, uint64_t size) {
  const int inner = std::bit_width(index ^ (size - 1));
  return inner + std::popcount(ShiftRight(index, inner));
}

int ConsistencyProofLength(uint64_t size1, uint64_t size2) {
  if (size1 == 0 || size1 >= size2) return 0;
  const int inner_full = std::bit_width((size1 - 1) ^ (size2 - 1));
  const int border = std::popcount(ShiftRight(size1 - 1, inner_full));
  const int shift = std::countr_zero(size1);
  const int start = std::has_single_bit(size1) ? 0 : 1;
  return start + (inner_full - shift) + border;
}

absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                            const Hash& leaf_hash,
                                            absl::Span<const Hash> proof) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof: leaf index ", index,
                     " is not below the tree size ", size));
  }
  const int want = InclusionProofLength(index, size);
  if (proof.size() != static_cast<size_t>(want)) {
    return WrongLength(
        absl::StrCat("inclusion proof of leaf ", index, " in tree size ", size),
        proof.size(), want);
  }
  // RFC 9162 §2.1.3.2.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return absl::InvalidArgumentError("inclusion proof: too many hashes");
    }
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError("inclusion proof: too few hashes");
  }
  return r;
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root) {
  absl::StatusOr<Hash> got =
      RootFromInclusionProof(index, size, leaf_hash, proof);
  if (!got.ok()) return got.status();
  if (*got != root) {
    return absl::DataLossError(
        absl::StrCat("inclusion proof of leaf ", index, " in tree size ", size,
                     " leads to root ", HashToHex(*got), ", not the expected ",
                     HashToHex(root)));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               absl::Span<const Hash> proof, const Hash& root1,
                               const Hash& root2) {
  const std::string what =
      absl::StrCat("consistency proof from size ", size1, " to ", size2);
  if (size1 > size2) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the first size exceeds the second"));
  }
  const int want = ConsistencyProofLength(size1, size2);
  if (proof.size() != static_cast<size_t>(want)) {
    return WrongLength(what, proof.size(), want);
  }
  if (size1 == 0) return absl::OkStatus();
  if (size1 == size2) {
    if (root1 != root2) {
      return absl::DataLossError(
          absl::StrCat(what, ": equal sizes but different roots ",
                       HashToHex(root1), " and ", HashToHex(root2)));
    }
    return absl::OkStatus();
  }
  // RFC 9162 §2.1.4.2.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) path.push_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": too many hashes"));
    }
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": too few hashes"));
  }
  if (fr != root1) {
    return absl::DataLossError(
        absl::StrCat(what, ": proof leads to first root ", HashToHex(fr),
                     ", not the expected ", HashToHex(root1)));
  }
  if (sr != root2) {
    return absl::DataLossError(
        absl::StrCat(what, ": proof leads to second root ", HashToHex(sr),
                     ", not the expected ", HashToHex(root2)));
  }
  return absl::OkStatus();
}

}  // namespace ctg::audit
