#include "tests/testing/ed25519_pem.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>

namespace ctg::testing {

std::string Ed25519PemFromSeed(const std::array<uint8_t, 32>& seed) {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                               seed.data(), seed.size());
  BIO* bio = BIO_new(BIO_s_mem());
  if (key == nullptr || bio == nullptr ||
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    std::fprintf(stderr, "cannot make an Ed25519 PEM\n");
    std::abort();
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string Ed25519PemFromByte(uint8_t byte) {
  std::array<uint8_t, 32> seed;
  seed.fill(byte);
  return Ed25519PemFromSeed(seed);
}

}  // namespace ctg::testing
