#include "audit/note_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "audit/hash.h"
#include "audit/internal/utf8.h"

namespace ctg::audit {
namespace internal {
void PkeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
}  // namespace internal

namespace {

using internal::PkeyPtr;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Drains OpenSSL's thread-local error queue into a short description.
std::string OpensslError() {
  std::string out;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no detail" : out;
}

// Refuses to prompt for a passphrase: encrypted keys fail to load.
int NoPassword(char*, int, int, void*) { return 0; }

// Decodes one UTF-8 code point at s[*i] (s is valid UTF-8).
char32_t NextCodePoint(absl::string_view s, size_t* i) {
  const auto c = static_cast<uint8_t>(s[*i]);
  int len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
  char32_t cp = len == 1   ? c
                : len == 2 ? (c & 0x1f)
                : len == 3 ? (c & 0x0f)
                           : (c & 0x07);
  for (int k = 1; k < len; ++k)
    cp = cp << 6 | (static_cast<uint8_t>(s[*i + k]) & 0x3f);
  *i += len;
  return cp;
}

// Unicode White_Space (what Go's unicode.IsSpace reports).
bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
         c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

absl::StatusOr<Ed25519PublicKey> RawPublicKey(EVP_PKEY* key) {
  Ed25519PublicKey raw;
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, raw.data(), &len) != 1 ||
      len != raw.size()) {
    return absl::InternalError(
        absl::StrCat("cannot read the Ed25519 public key: ", OpensslError()));
  }
  return raw;
}

std::string VerifierKeyString(absl::string_view name,
                              const Ed25519PublicKey& key) {
  std::string encoded(1, static_cast<char>(kNoteEd25519));
  encoded.append(reinterpret_cast<const char*>(key.data()), key.size());
  return absl::StrFormat("%s+%08x+%s", name, NoteKeyId(name, key),
                         absl::Base64Escape(encoded));
}

}  // namespace

absl::Status ValidateKeyName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("key name is empty");
  if (!internal::IsValidUtf8(name)) {
    return absl::InvalidArgumentError("key name is not valid UTF-8");
  }
  for (size_t i = 0; i < name.size();) {
    const char32_t c = NextCodePoint(name, &i);
    if (c == '+' || c < 0x20 || c == 0x7f || IsUnicodeSpace(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat("key name \"", name,
                       "\" contains a space, '+' or a control character"));
    }
  }
  return absl::OkStatus();
}

uint32_t NoteKeyId(absl::string_view name, const Ed25519PublicKey& key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(kNoteEd25519));
  input.append(reinterpret_cast<const char*>(key.data()), key.size());
  const Hash h = Sha256(input);
  return uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 | uint32_t{h[2]} << 8 |
         uint32_t{h[3]};
}

// ---- NoteSigner -------------------------------------------------------------

NoteSigner::NoteSigner(std::string name, PkeyPtr key,
                       const Ed25519PublicKey& public_key)
    : name_(std::move(name)),
      key_(std::move(key)),
      public_key_(public_key),
      key_id_(NoteKeyId(name_, public_key_)) {}

absl::StatusOr<std::unique_ptr<NoteSigner>> NoteSigner::FromPrivateKeyPem(
    absl::string_view name, absl::string_view pem) {
  if (auto s = ValidateKeyName(name); !s.ok()) return s;
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot read an unencrypted PEM private key (expected the output of "
        "`openssl genpkey -algorithm ed25519`): ",
        OpensslError()));
  }
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError(
        absl::StrCat("the private key is ",
                     OBJ_nid2sn(EVP_PKEY_get_id(key.get())), ", not Ed25519"));
  }
  absl::StatusOr<Ed25519PublicKey> pub = RawPublicKey(key.get());
  if (!pub.ok()) return pub.status();
  return std::unique_ptr<NoteSigner>(
      new NoteSigner(std::string(name), std::move(key), *pub));
}

std::string NoteSigner::VerifierKey() const {
  return VerifierKeyString(name_, public_key_);
}

std::string NoteSigner::PublicKeyPem() const {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::StatusOr<std::string> NoteSigner::Sign(absl::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::string sig(kEd25519SignatureBytes, '\0');
  size_t len = sig.size();
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      len != kEd25519SignatureBytes) {
    return absl::InternalError(
        absl::StrCat("Ed25519 signing failed: ", OpensslError()));
  }
  return sig;
}

// ---- NoteVerifier -----------------------------------------------------------

NoteVerifier::NoteVerifier(std::string name, PkeyPtr key,
                           const Ed25519PublicKey& public_key)
    : name_(std::move(name)), key_(std::move(key)), public_key_(public_key) {}

NoteVerifier::NoteVerifier(const NoteVerifier& other)
    : name_(other.name_), public_key_(other.public_key_) {
  if (other.key_ != nullptr && EVP_PKEY_up_ref(other.key_.get()) == 1) {
    key_.reset(other.key_.get());
  }
}

NoteVerifier& NoteVerifier::operator=(const NoteVerifier& other) {
  if (this != &other) {
    NoteVerifier copy(other);
    *this = std::move(copy);
  }
  return *this;
}

absl::StatusOr<NoteVerifier> NoteVerifier::FromRawPublicKey(
    const Ed25519PublicKey& key, absl::string_view name) {
  if (!name.empty()) {
    if (auto s = ValidateKeyName(name); !s.ok()) return s;
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                           key.data(), key.size()));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a usable Ed25519 public key: ", OpensslError()));
  }
  return NoteVerifier(std::string(name), std::move(pkey), key);
}

absl::StatusOr<NoteVerifier> NoteVerifier::FromPublicKeyPem(
    absl::string_view pem, absl::string_view name) {
  if (!name.empty()) {
    if (auto s = ValidateKeyName(name); !s.ok()) return s;
  }
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassword, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot read a PEM public key (\"BEGIN PUBLIC KEY\", e.g. from "
        "`openssl pkey -pubout`): ",
        OpensslError()));
  }
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError(
        absl::StrCat("the public key is ",
                     OBJ_nid2sn(EVP_PKEY_get_id(key.get())), ", not Ed25519"));
  }
  absl::StatusOr<Ed25519PublicKey> pub = RawPublicKey(key.get());
  if (!pub.ok()) return pub.status();
  return NoteVerifier(std::string(name), std::move(key), *pub);
}

absl::StatusOr<NoteVerifier> NoteVerifier::FromVerifierKey(
    absl::string_view vkey) {
  const std::vector<absl::string_view> parts = absl::StrSplit(vkey, '+');
  // The base64 part may itself contain '+': rejoin everything after the
  // second separator.
  if (parts.size() < 3) {
    return absl::InvalidArgumentError(
        "verifier key: expected <name>+<hex key id>+<base64 key>");
  }
  const absl::string_view name = parts[0];
  const absl::string_view id_hex = parts[1];
  const absl::string_view b64 =
      vkey.substr(name.size() + 1 + id_hex.size() + 1);
  if (auto s = ValidateKeyName(name); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key: ", s.message()));
  }
  uint32_t id = 0;
  if (id_hex.size() != 8 || !absl::SimpleHexAtoi(id_hex, &id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "verifier key: key id \"", id_hex, "\" is not 8 hex digits"));
  }
  std::string raw;
  if (!absl::Base64Unescape(b64, &raw) || absl::Base64Escape(raw) != b64) {
    return absl::InvalidArgumentError(
        "verifier key: key is not standard base64");
  }
  if (raw.size() != 1 + kEd25519PublicKeyBytes ||
      static_cast<uint8_t>(raw[0]) != kNoteEd25519) {
    return absl::InvalidArgumentError(
        "verifier key: not an Ed25519 key (expected base64 of 0x01 followed "
        "by 32 bytes)");
  }
  Ed25519PublicKey key;
  std::memcpy(key.data(), raw.data() + 1, key.size());
  if (NoteKeyId(name, key) != id) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "verifier key: key id %08x does not match the key (expected %08x)", id,
        NoteKeyId(name, key)));
  }
  return FromRawPublicKey(key, name);
}

absl::StatusOr<NoteVerifier> NoteVerifier::FromKeyText(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (absl::StartsWith(text, "-----BEGIN")) return FromPublicKeyPem(text);
  return FromVerifierKey(text);
}

uint32_t NoteVerifier::KeyIdFor(absl::string_view name) const {
  return NoteKeyId(name.empty() ? absl::string_view(name_) : name, public_key_);
}

bool NoteVerifier::Matches(absl::string_view name, uint32_t key_id) const {
  if (!name_.empty() && name != name_) return false;
  return NoteKeyId(name, public_key_) == key_id;
}

bool NoteVerifier::Verify(absl::string_view message,
                          absl::string_view signature) const {
  if (signature.size() != kEd25519SignatureBytes || key_ == nullptr)
    return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) ==
          1 &&
      EVP_DigestVerify(ctx.get(),
                       reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string NoteVerifier::VerifierKey() const {
  return VerifierKeyString(name_, public_key_);
}

}  // namespace ctg::audit
