// Helpers shared by the audit tests: deterministic keys and events, and
// signed exports built the way the gateway will build them.
#ifndef CTG_TESTS_AUDIT_TEST_UTIL_H_
#define CTG_TESTS_AUDIT_TEST_UTIL_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audit/event.h"
#include "audit/export_line.h"
#include "audit/note_key.h"
#include "tests/testing/ed25519_pem.h"

namespace ctg::audit::testing {

inline constexpr char kOrigin[] = "caf33.example/ctg-audit";

using ::ctg::testing::Ed25519PemFromSeed;  // tests/testing/ed25519_pem.h
// A fresh Ed25519 key pair, as `openssl genpkey -algorithm ed25519` and
// `openssl pkey -pubout` write it (PKCS#8 and SubjectPublicKeyInfo PEM):
// generated at run time, so that no private key is committed.
struct Ed25519Pems {
  std::string private_pem;
  std::string public_pem;
};
Ed25519Pems GenerateEd25519Pems();
// A seed made of `byte` repeated.
std::array<uint8_t, 32> Seed(uint8_t byte);
// A signer named kOrigin from Seed(byte).
std::unique_ptr<NoteSigner> MakeSigner(uint8_t byte = 7,
                                       const std::string& name = kOrigin);
// The signer's verifier, bound to its name.
NoteVerifier VerifierOf(const NoteSigner& signer);

// A realistic event with the given sequence (valid, deterministic).
Event MakeEvent(uint64_t sequence);

// An export of events 1..n with a periodic checkpoint every
// `checkpoint_every` events (0: none), like the gateway writes it.
struct TestLog {
  std::vector<ExportRecord> records;
  // Signed checkpoint of the whole log (size n), as `ctg audit checkpoint`.
  std::string latest_checkpoint;
};
TestLog BuildLog(uint64_t n, uint64_t checkpoint_every,
                 const NoteSigner& signer);

// Records as JSON Lines.
std::string ToJsonl(const std::vector<ExportRecord>& records);

}  // namespace ctg::audit::testing

#endif  // CTG_TESTS_AUDIT_TEST_UTIL_H_
