// Test-only Ed25519 keys from a fixed seed, as PEM (PKCS#8), for the audit
// signers of tests, fuzz fixtures and benchmarks: the same seed always gives
// the same key. Aborts when OpenSSL fails (a broken test environment).
#ifndef CTG_TESTS_TESTING_ED25519_PEM_H_
#define CTG_TESTS_TESTING_ED25519_PEM_H_

#include <array>
#include <cstdint>
#include <string>

namespace ctg::testing {

std::string Ed25519PemFromSeed(const std::array<uint8_t, 32>& seed);
// The seed of 32 bytes `byte`.
std::string Ed25519PemFromByte(uint8_t byte);

}  // namespace ctg::testing

#endif  // CTG_TESTS_TESTING_ED25519_PEM_H_
