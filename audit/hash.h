// SHA-256 and the RFC 6962 Merkle tree hash functions of the audit trail.
//
//   leaf hash = SHA-256(0x00 || canonical event bytes)
//   node hash = SHA-256(0x01 || left child hash || right child hash)
//   empty tree = SHA-256("")
//
// Hashing goes through OpenSSL's EVP interface with one reusable digest
// context per Sha256Hasher, which keeps the per-hash overhead small: a leaf
// hash of a few hundred bytes is dominated by the compression function.
#ifndef CTG_AUDIT_HASH_H_
#define CTG_AUDIT_HASH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;

namespace ctg::audit {

inline constexpr size_t kHashSize = 32;

// A SHA-256 digest: leaf hashes, node hashes and tree roots.
using Hash = std::array<uint8_t, kHashSize>;

// Domain-separation prefixes of RFC 6962 §2.1.
inline constexpr uint8_t kLeafHashPrefix = 0x00;
inline constexpr uint8_t kNodeHashPrefix = 0x01;

// Computes SHA-256 digests with one OpenSSL EVP context that is reused for
// every call. Not thread-safe: use one Sha256Hasher per thread (the free
// functions below use a thread-local one).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  // SHA-256(data).
  Hash Digest(absl::string_view data);
  // SHA-256(0x00 || leaf): the RFC 6962 leaf hash of `leaf`.
  Hash Leaf(absl::string_view leaf);
  // SHA-256(0x01 || left || right): the RFC 6962 interior node hash.
  Hash Node(const Hash& left, const Hash& right);

 private:
  // Runs one digest over up to two pieces (the second may be empty).
  Hash Run(uint8_t prefix, bool use_prefix, const void* a, size_t a_len,
           const void* b, size_t b_len);

  EVP_MD* md_;       // owned, fetched once
  EVP_MD_CTX* ctx_;  // owned, reused
};

// SHA-256 of bytes given piece by piece (a file received in chunks). Not
// thread-safe.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void Update(absl::string_view piece);
  // The digest of every piece given so far; call once.
  Hash Finish();

 private:
  EVP_MD* md_;       // owned
  EVP_MD_CTX* ctx_;  // owned
};

// Convenience wrappers over a thread-local Sha256Hasher; thread-safe.
Hash Sha256(absl::string_view data);
Hash LeafHash(absl::string_view leaf);
Hash NodeHash(const Hash& left, const Hash& right);

// Leaf hashes of many leaves at once: out[i] = LeafHash(leaves[i]). The fast
// path for the store (rehashing a batch read back from disk) and for bulk
// verification. Requires out.size() == leaves.size().
void LeafHashes(absl::Span<const absl::string_view> leaves,
                absl::Span<Hash> out);

// The root of the empty tree, SHA-256 of the empty string (RFC 6962 §2.1).
const Hash& EmptyTreeRoot();

// Lower-case hex, 64 characters.
std::string HashToHex(const Hash& hash);
// Parses exactly 64 lower-case hex digits. InvalidArgument otherwise (the
// message says what was wrong, not where: callers add the field name).
absl::StatusOr<Hash> HashFromHex(absl::string_view hex);

// Standard base64 (RFC 4648 §4, with padding), as in checkpoints.
std::string HashToBase64(const Hash& hash);
// Parses the canonical base64 of exactly 32 bytes (44 characters with one
// '='). InvalidArgument otherwise.
absl::StatusOr<Hash> HashFromBase64(absl::string_view b64);

// Views a hash as bytes.
inline absl::string_view AsBytes(const Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()),
                           hash.size());
}

}  // namespace ctg::audit

#endif  // CTG_AUDIT_HASH_H_
