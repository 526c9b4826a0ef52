#include "audit/hash.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace ctg::audit {
namespace {

[[noreturn]] void Die(const char* what) {
  // Only reachable when OpenSSL itself is broken (no SHA-256 provider, out
  // of memory): there is no way to keep an audit trail without it.
  std::fprintf(stderr, "ctg::audit: OpenSSL failure: %s\n", what);
  std::abort();
}

Sha256Hasher& ThreadHasher() {
  thread_local Sha256Hasher hasher;
  return hasher;
}

constexpr char kHexDigits[] = "0123456789abcdef";

// Lower-case hex digit values; 0xff for every other byte. A table keeps
// decoding branch-free: hex digits of hashes are random, and a branch on
// "digit or letter" would mispredict half the time.
struct HexTable {
  uint8_t value[256];
  constexpr HexTable() : value() {
    for (int c = 0; c < 256; ++c) value[c] = 0xff;
    for (int c = '0'; c <= '9'; ++c) value[c] = static_cast<uint8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c)
      value[c] = static_cast<uint8_t>(c - 'a' + 10);
  }
};
constexpr HexTable kHexTable;

}  // namespace

Sha256Hasher::Sha256Hasher()
    : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
  if (md_ == nullptr || ctx_ == nullptr) Die("SHA-256 unavailable");
}

Sha256Hasher::~Sha256Hasher() {
  EVP_MD_CTX_free(ctx_);
  EVP_MD_free(md_);
}

Hash Sha256Hasher::Run(uint8_t prefix, bool use_prefix, const void* a,
                       size_t a_len, const void* b, size_t b_len) {
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1 ||
      (use_prefix && EVP_DigestUpdate(ctx_, &prefix, 1) != 1) ||
      (a_len > 0 && EVP_DigestUpdate(ctx_, a, a_len) != 1) ||
      (b_len > 0 && EVP_DigestUpdate(ctx_, b, b_len) != 1) ||
      EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 || len != kHashSize) {
    Die("SHA-256 digest");
  }
  return out;
}

Hash Sha256Hasher::Digest(absl::string_view data) {
  return Run(0, false, data.data(), data.size(), nullptr, 0);
}

Hash Sha256Hasher::Leaf(absl::string_view leaf) {
  return Run(kLeafHashPrefix, true, leaf.data(), leaf.size(), nullptr, 0);
}

Hash Sha256Hasher::Node(const Hash& left, const Hash& right) {
  // One contiguous 65-byte buffer: a single update call is measurably
  // cheaper than three for such a short input.
  uint8_t buf[1 + 2 * kHashSize];
  buf[0] = kNodeHashPrefix;
  std::memcpy(buf + 1, left.data(), kHashSize);
  std::memcpy(buf + 1 + kHashSize, right.data(), kHashSize);
  return Run(0, false, buf, sizeof(buf), nullptr, 0);
}

Sha256Stream::Sha256Stream()
    : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
  if (md_ == nullptr || ctx_ == nullptr ||
      EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1) {
    Die("SHA-256 unavailable");
  }
}

Sha256Stream::~Sha256Stream() {
  EVP_MD_CTX_free(ctx_);
  EVP_MD_free(md_);
}

void Sha256Stream::Update(absl::string_view piece) {
  if (!piece.empty() && EVP_DigestUpdate(ctx_, piece.data(), piece.size()) != 1)
    Die("SHA-256 update");
}

Hash Sha256Stream::Finish() {
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 || len != kHashSize)
    Die("SHA-256 digest");
  return out;
}

Hash Sha256(absl::string_view data) { return ThreadHasher().Digest(data); }
Hash LeafHash(absl::string_view leaf) { return ThreadHasher().Leaf(leaf); }
Hash NodeHash(const Hash& left, const Hash& right) {
  return ThreadHasher().Node(left, right);
}

void LeafHashes(absl::Span<const absl::string_view> leaves,
                absl::Span<Hash> out) {
  Sha256Hasher& hasher = ThreadHasher();
  const size_t n = leaves.size() < out.size() ? leaves.size() : out.size();
  for (size_t i = 0; i < n; ++i) out[i] = hasher.Leaf(leaves[i]);
}

const Hash& EmptyTreeRoot() {
  static const Hash kEmpty = Sha256("");
  return kEmpty;
}

std::string HashToHex(const Hash& hash) {
  std::string out(2 * kHashSize, '\0');
  for (size_t i = 0; i < kHashSize; ++i) {
    out[2 * i] = kHexDigits[hash[i] >> 4];
    out[2 * i + 1] = kHexDigits[hash[i] & 0xf];
  }
  return out;
}

absl::StatusOr<Hash> HashFromHex(absl::string_view hex) {
  if (hex.size() != 2 * kHashSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected 64 lower-case hex digits, got ", hex.size(), " characters"));
  }
  Hash out;
  uint8_t bad = 0;
  for (size_t i = 0; i < kHashSize; ++i) {
    const uint8_t hi = kHexTable.value[static_cast<uint8_t>(hex[2 * i])];
    const uint8_t lo = kHexTable.value[static_cast<uint8_t>(hex[2 * i + 1])];
    bad |= hi | lo;
    out[i] = static_cast<uint8_t>(hi << 4 | (lo & 0xf));
  }
  if (bad & 0xf0) {
    size_t at = 0;
    while (kHexTable.value[static_cast<uint8_t>(hex[at])] != 0xff) ++at;
    return absl::InvalidArgumentError(
        absl::StrCat("not a lower-case hex digit at offset ", at));
  }
  return out;
}

std::string HashToBase64(const Hash& hash) {
  return absl::Base64Escape(AsBytes(hash));
}

absl::StatusOr<Hash> HashFromBase64(absl::string_view b64) {
  std::string raw;
  if (b64.size() != 44 || !absl::Base64Unescape(b64, &raw) ||
      raw.size() != kHashSize || absl::Base64Escape(raw) != b64) {
    return absl::InvalidArgumentError(
        "expected the standard base64 encoding of 32 bytes (44 characters)");
  }
  Hash out;
  std::memcpy(out.data(), raw.data(), kHashSize);
  return out;
}

}  // namespace ctg::audit
