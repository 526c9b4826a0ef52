// Ed25519 keys for C2SP signed notes (https://c2sp.org/signed-note): the
// gateway's checkpoint signer and the auditors' verifier.
//
//   key ID       = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]
//   verifier key = "<name>+<8 hex digits of key ID>+<base64(0x01 || public
//   key)>"
//
// Keys are PEM files as made by `openssl genpkey -algorithm ed25519` (private,
// "BEGIN PRIVATE KEY", unencrypted PKCS#8) and `openssl pkey -pubout` (public,
// "BEGIN PUBLIC KEY").
#ifndef CTG_AUDIT_NOTE_KEY_H_
#define CTG_AUDIT_NOTE_KEY_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace ctg::audit {

// Signature type byte of Ed25519 in signed notes.
inline constexpr uint8_t kNoteEd25519 = 0x01;
inline constexpr size_t kEd25519PublicKeyBytes = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;

using Ed25519PublicKey = std::array<uint8_t, kEd25519PublicKeyBytes>;

// OK iff `name` is a valid key name: non-empty UTF-8 without Unicode spaces,
// '+' or control characters. InvalidArgument saying why otherwise.
absl::Status ValidateKeyName(absl::string_view name);

// The key ID of an Ed25519 key under `name`, as a big-endian uint32.
uint32_t NoteKeyId(absl::string_view name, const Ed25519PublicKey& key);

namespace internal {
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
}  // namespace internal

// Signs note texts with an Ed25519 private key under a key name. Immutable
// after creation; thread-safe (each Sign() uses its own OpenSSL context).
// The gateway creates one at start-up from the PEM file named in its config
// (key name = checkpoint origin, by convention) and shares it.
class NoteSigner {
 public:
  // `pem` holds an unencrypted Ed25519 private key. InvalidArgument for a
  // bad key name, unreadable PEM, an encrypted key or another algorithm.
  static absl::StatusOr<std::unique_ptr<NoteSigner>> FromPrivateKeyPem(
      absl::string_view name, absl::string_view pem);

  NoteSigner(const NoteSigner&) = delete;
  NoteSigner& operator=(const NoteSigner&) = delete;

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const Ed25519PublicKey& public_key() const { return public_key_; }
  // The note verifier key string "<name>+<hex id>+<base64(0x01||key)>".
  std::string VerifierKey() const;
  // The public key as PEM ("BEGIN PUBLIC KEY"), to hand to auditors.
  std::string PublicKeyPem() const;

  // The 64-byte Ed25519 signature of `message`. Internal error only if
  // OpenSSL fails.
  absl::StatusOr<std::string> Sign(absl::string_view message) const;

 private:
  NoteSigner(std::string name, internal::PkeyPtr key,
             const Ed25519PublicKey& public_key);

  std::string name_;
  internal::PkeyPtr key_;
  Ed25519PublicKey public_key_;
  uint32_t key_id_;
};

// Verifies Ed25519 note signatures of one public key. Copyable; immutable;
// thread-safe.
//
// With a key name (from a verifier key string, or given with the PEM) it
// accepts only signature lines of that name. Without one (a bare PEM public
// key) it accepts a signature line under any name whose key ID matches this
// key for that name, which binds the name to the key just as well.
class NoteVerifier {
 public:
  // `name` may be empty (see above). InvalidArgument for unreadable PEM, a
  // non-Ed25519 key, or a bad name.
  static absl::StatusOr<NoteVerifier> FromPublicKeyPem(
      absl::string_view pem, absl::string_view name = "");
  // Parses "<name>+<hex id>+<base64(0x01||key)>". InvalidArgument if
  // malformed, of another algorithm, or if the key ID does not match.
  static absl::StatusOr<NoteVerifier> FromVerifierKey(absl::string_view vkey);
  // Either of the above, chosen by content (a PEM block or a verifier key
  // string, surrounding whitespace ignored): for `--key FILE`.
  static absl::StatusOr<NoteVerifier> FromKeyText(absl::string_view text);
  static absl::StatusOr<NoteVerifier> FromRawPublicKey(
      const Ed25519PublicKey& key, absl::string_view name = "");

  NoteVerifier(const NoteVerifier& other);
  NoteVerifier& operator=(const NoteVerifier& other);
  NoteVerifier(NoteVerifier&&) = default;
  NoteVerifier& operator=(NoteVerifier&&) = default;

  // Empty when not bound to a name.
  const std::string& name() const { return name_; }
  const Ed25519PublicKey& public_key() const { return public_key_; }
  // Key ID for `name` (or for name() when empty and bound).
  uint32_t KeyIdFor(absl::string_view name) const;
  // True iff a signature line (name, key_id) claims to be from this key.
  bool Matches(absl::string_view name, uint32_t key_id) const;
  // True iff `signature` is a valid Ed25519 signature of `message`.
  bool Verify(absl::string_view message, absl::string_view signature) const;
  // "<name>+<hex id>+<base64>"; requires a name.
  std::string VerifierKey() const;

 private:
  NoteVerifier(std::string name, internal::PkeyPtr key,
               const Ed25519PublicKey& public_key);

  std::string name_;
  internal::PkeyPtr key_;
  Ed25519PublicKey public_key_;
};

}  // namespace ctg::audit

#endif  // CTG_AUDIT_NOTE_KEY_H_
