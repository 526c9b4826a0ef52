// Ed25519 note keys and signed notes, including the published example of
// golang.org/x/mod/sumdb/note (byte-for-byte interoperability).
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_replace.h"
#include "audit/note_key.h"
#include "audit/signed_note.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

// golang.org/x/mod/sumdb/note's documented example: the signer key
// "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
// holds the Ed25519 seed below (base64 of 0x01 || seed).
constexpr char kGoSignerKeyB64[] =
    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kGoVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnA"
    "M=\n";

// A key pair in OpenSSL's PEM forms, generated for this run.
const testing::Ed25519Pems& OpensslPems() {
  static const testing::Ed25519Pems* pems =
      new testing::Ed25519Pems(testing::GenerateEd25519Pems());
  return *pems;
}
constexpr char kP256PublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQQzabgNvtbUD95xRRkpndjr60y41\n"
    "0PW5uJHrhM+qjs3m7NEn4ae4P7/1dqoFHj34ByhnYcWrH7tACGq1Q5ectw==\n"
    "-----END PUBLIC KEY-----\n";

std::unique_ptr<NoteSigner> GoSigner() {
  std::string raw;
  EXPECT_TRUE(absl::Base64Unescape(kGoSignerKeyB64, &raw));
  std::array<uint8_t, 32> seed;
  std::copy(raw.begin() + 1, raw.end(), seed.begin());
  auto signer = NoteSigner::FromPrivateKeyPem(
      "PeterNeumann", testing::Ed25519PemFromSeed(seed));
  EXPECT_TRUE(signer.ok()) << signer.status();
  return signer.ok() ? *std::move(signer) : nullptr;
}

TEST(NoteKeyTest, ReproducesGoSumdbNoteExample) {
  auto signer = GoSigner();
  ASSERT_NE(signer, nullptr);
  EXPECT_EQ(signer->VerifierKey(), kGoVerifierKey);
  EXPECT_EQ(signer->key_id(), 0xc74f20a3u);
  CTG_ASSERT_OK_AND_ASSIGN(std::string note, SignNote(kGoText, *signer));
  EXPECT_EQ(note, kGoNote);
}

TEST(NoteKeyTest, OpensGoSumdbNoteExample) {
  CTG_ASSERT_OK_AND_ASSIGN(NoteVerifier v,
                           NoteVerifier::FromVerifierKey(kGoVerifierKey));
  EXPECT_EQ(v.name(), "PeterNeumann");
  EXPECT_EQ(v.VerifierKey(), kGoVerifierKey);
  CTG_ASSERT_OK_AND_ASSIGN(VerifiedNote opened, OpenNote(kGoNote, v));
  EXPECT_EQ(opened.text, kGoText);
  EXPECT_EQ(opened.key_name, "PeterNeumann");
  const std::string altered =
      absl::StrReplaceAll(kGoNote, {{"cryptography", "cryptographY"}});
  EXPECT_THAT(
      OpenNote(altered, v),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("bad signature: the signature by key \"PeterNeumann\" "
                         "(key id c74f20a3) does not verify")));
}

TEST(NoteKeyTest, LoadsOpensslPemKeys) {
  CTG_ASSERT_OK_AND_ASSIGN(
      auto signer, NoteSigner::FromPrivateKeyPem("caf33.example/log",
                                                 OpensslPems().private_pem));
  CTG_ASSERT_OK_AND_ASSIGN(
      NoteVerifier v, NoteVerifier::FromPublicKeyPem(OpensslPems().public_pem));
  EXPECT_EQ(v.public_key(), signer->public_key());
  EXPECT_EQ(signer->PublicKeyPem(), OpensslPems().public_pem);
  CTG_ASSERT_OK_AND_ASSIGN(std::string note, SignNote("hello\n", *signer));
  // A bare PEM key (no name) accepts the signer's name via the key ID.
  CTG_ASSERT_OK_AND_ASSIGN(VerifiedNote opened, OpenNote(note, v));
  EXPECT_EQ(opened.key_name, "caf33.example/log");
  // FromKeyText picks the right parser.
  CTG_ASSERT_OK_AND_ASSIGN(
      NoteVerifier from_pem,
      NoteVerifier::FromKeyText("\n" + OpensslPems().public_pem));
  EXPECT_THAT(OpenNote(note, from_pem), IsOk());
  CTG_ASSERT_OK_AND_ASSIGN(
      NoteVerifier from_vkey,
      NoteVerifier::FromKeyText(signer->VerifierKey() + "\n"));
  EXPECT_THAT(OpenNote(note, from_vkey), IsOk());
}

TEST(NoteKeyTest, BadKeysAreRejectedClearly) {
  EXPECT_THAT(
      NoteSigner::FromPrivateKeyPem("n", "not a pem"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("cannot read an unencrypted PEM private key")));
  EXPECT_THAT(NoteSigner::FromPrivateKeyPem("n", OpensslPems().public_pem),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      NoteSigner::FromPrivateKeyPem("bad name", OpensslPems().private_pem),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("space")));
  EXPECT_THAT(NoteSigner::FromPrivateKeyPem("a+b", OpensslPems().private_pem),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'+'")));
  EXPECT_THAT(NoteSigner::FromPrivateKeyPem("", OpensslPems().private_pem),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(
      NoteVerifier::FromPublicKeyPem(kP256PublicPem),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not Ed25519")));
  EXPECT_THAT(NoteVerifier::FromPublicKeyPem(OpensslPems().private_pem),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cannot read a PEM public key")));
  EXPECT_THAT(ValidateKeyName("a\xe2\x80\x83"
                              "b"),  // U+2003 EM SPACE
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateKeyName("caf33.example/ctg-audit"), IsOk());
}

TEST(NoteKeyTest, BadVerifierKeysAreRejected) {
  const std::string good = kGoVerifierKey;
  EXPECT_THAT(NoteVerifier::FromVerifierKey("PeterNeumann+c74f20a3"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected <name>")));
  EXPECT_THAT(
      NoteVerifier::FromVerifierKey(
          absl::StrReplaceAll(good, {{"c74f20a3", "c74f20a4"}})),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr(
              "key id c74f20a4 does not match the key (expected c74f20a3)")));
  EXPECT_THAT(NoteVerifier::FromVerifierKey(
                  absl::StrReplaceAll(good, {{"c74f20a3", "c74f20"}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not 8 hex digits")));
  EXPECT_THAT(NoteVerifier::FromVerifierKey(
                  absl::StrReplaceAll(good, {{"+ARpc", "+AhpC"}})),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(NoteVerifier::FromVerifierKey(good.substr(0, good.size() - 4)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // Every truncation of a good key fails without crashing.
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(NoteVerifier::FromVerifierKey(good.substr(0, n)).ok()) << n;
  }
}

TEST(SignedNoteTest, WrongKeyNamesTheSigners) {
  auto signer = testing::MakeSigner(1, "caf33.example/log");
  auto other = testing::MakeSigner(2, "caf33.example/log");
  CTG_ASSERT_OK_AND_ASSIGN(std::string note, SignNote("text\n", *signer));
  EXPECT_THAT(OpenNote(note, testing::VerifierOf(*other)),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("wrong key: the note is not signed by key "
                                 "\"caf33.example/log\"")));
  CTG_ASSERT_OK_AND_ASSIGN(NoteVerifier unnamed,
                           NoteVerifier::FromRawPublicKey(other->public_key()));
  EXPECT_THAT(
      OpenNote(note, unnamed),
      StatusIs(absl::StatusCode::kDataLoss,
               HasSubstr("not signed by the given public key; it is signed by "
                         "\"caf33.example/log\" (key id")));
}

TEST(SignedNoteTest, IgnoresCosignaturesOfOtherKeys) {
  auto log = testing::MakeSigner(1, "log.example");
  auto witness = testing::MakeSigner(2, "witness.example");
  CTG_ASSERT_OK_AND_ASSIGN(std::string by_witness,
                           SignNote("text\n", *witness));
  CTG_ASSERT_OK_AND_ASSIGN(std::string by_log, SignNote("text\n", *log));
  // Witness line first, then the log's line.
  const std::string both = by_witness + by_log.substr(by_log.find("\n\n") + 2);
  CTG_ASSERT_OK_AND_ASSIGN(VerifiedNote v,
                           OpenNote(both, testing::VerifierOf(*log)));
  EXPECT_EQ(v.key_name, "log.example");
  CTG_ASSERT_OK_AND_ASSIGN(ParsedNote parsed, ParseNote(both));
  EXPECT_EQ(parsed.signatures.size(), 2u);
}

TEST(SignedNoteTest, MalformedNotesAreRejected) {
  auto signer = testing::MakeSigner(1, "k");
  const NoteVerifier v = testing::VerifierOf(*signer);
  CTG_ASSERT_OK_AND_ASSIGN(std::string good, SignNote("a\nb\n", *signer));
  const std::string sig_line = good.substr(good.find("\n\n") + 2);
  const std::pair<std::string, std::string> cases[] = {
      {"a\nb\n", "no blank line"},
      {"a\nb\n\n", "no signature lines"},
      {good.substr(0, good.size() - 1), "does not end in a newline"},
      {"a\n\n- k AAAAAAA=\n", "does not start with"},
      {"a\n\n\xe2\x80\x94 kAAAA\n", "no space between key name and signature"},
      {"a\n\n\xe2\x80\x94 k AAAA\n", "shorter than 5 bytes"},
      {"a\n\n\xe2\x80\x94 k not*base64\n", "not standard base64"},
      {"a\n\n\xe2\x80\x94 k+x AAAAAAA=\n", "'+'"},
      {"a\tb\n\n" + sig_line, "control character 0x09"},
      {"a\xff\n\n" + sig_line, "not valid UTF-8"},
      {"a\r\n\n" + sig_line, "control character 0x0d"},
      {std::string(20000, 'a') + "\n\n" + sig_line, "more than the limit"},
  };
  for (const auto& [note, error] : cases) {
    EXPECT_THAT(OpenNote(note, v),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(error)))
        << note.substr(0, 60);
  }
  // Every truncation and every single-byte change fails cleanly.
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(OpenNote(good.substr(0, n), v).ok()) << n;
    std::string m = good;
    m[n] = static_cast<char>(m[n] ^ 0x01);
    EXPECT_FALSE(OpenNote(m, v).ok()) << n;
  }
  EXPECT_THAT(SignNote("no newline", *signer),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("end in a newline")));
  EXPECT_THAT(SignNote("", *signer),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ctg::audit
