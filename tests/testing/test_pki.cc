#include "tests/testing/test_pki.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace ctg::testing {
namespace {

[[noreturn]] void Fail(const char* what) {
  fprintf(stderr, "test_pki: %s failed\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

void Check(bool ok, const char* what) {
  if (!ok) Fail(what);
}

std::string Pem(int (*write)(BIO*, void*), void* object) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(write(bio, object) == 1, "PEM write");
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(length));
  BIO_free(bio);
  return out;
}

int WriteCert(BIO* bio, void* cert) {
  return PEM_write_bio_X509(bio, static_cast<X509*>(cert));
}
int WriteKey(BIO* bio, void* key) {
  return PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(key), nullptr,
                                  nullptr, 0, nullptr, nullptr);
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  if (value.empty()) return;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr, "extension");
  Check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

}  // namespace

CertSpec ClientSpec(const std::string& spiffe_id) {
  CertSpec spec;
  spec.subject_alt_name = "URI:" + spiffe_id;
  return spec;
}

PemPair IssueCertificate(const CertSpec& spec, const PemPair* issuer) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr, "EVP_EC_gen");
  X509* cert = X509_new();
  Check(X509_set_version(cert, 2) == 1, "X509_set_version");
  unsigned char serial[16];
  Check(RAND_bytes(serial, sizeof serial) == 1, "RAND_bytes");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), spec.not_before_offset_seconds);
  X509_gmtime_adj(X509_getm_notAfter(cert),
                  spec.not_before_offset_seconds + spec.valid_seconds);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(
      name, "O", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("ctg tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(
      name, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1,
      0);
  Check(X509_set_pubkey(cert, key) == 1, "X509_set_pubkey");

  X509* issuer_cert = cert;
  EVP_PKEY* issuer_key = key;
  if (issuer != nullptr) {
    BIO* bio = BIO_new_mem_buf(issuer->cert.data(),
                               static_cast<int>(issuer->cert.size()));
    issuer_cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    bio = BIO_new_mem_buf(issuer->key.data(),
                          static_cast<int>(issuer->key.size()));
    issuer_key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    Check(issuer_cert != nullptr && issuer_key != nullptr,
          "reading the issuer");
  }
  Check(X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert)) == 1,
        "issuer name");
  AddExtension(cert, issuer_cert, NID_basic_constraints,
               spec.basic_constraints);
  AddExtension(cert, issuer_cert, NID_key_usage, spec.key_usage);
  AddExtension(cert, issuer_cert, NID_ext_key_usage, spec.extended_key_usage);
  AddExtension(cert, issuer_cert, NID_subject_alt_name, spec.subject_alt_name);
  AddExtension(cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer != nullptr) {
    AddExtension(cert, issuer_cert, NID_authority_key_identifier, "keyid");
  }
  Check(X509_sign(cert, issuer_key, EVP_sha256()) > 0, "X509_sign");

  PemPair out{Pem(WriteCert, cert), Pem(WriteKey, key)};
  if (issuer != nullptr) {
    X509_free(issuer_cert);
    EVP_PKEY_free(issuer_key);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

std::string MakeEmptyCrl(const PemPair& ca, long valid_seconds) {
  BIO* bio = BIO_new_mem_buf(ca.cert.data(), static_cast<int>(ca.cert.size()));
  X509* ca_cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  bio = BIO_new_mem_buf(ca.key.data(), static_cast<int>(ca.key.size()));
  EVP_PKEY* ca_key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  Check(ca_cert != nullptr && ca_key != nullptr, "reading the CA");
  X509_CRL* crl = X509_CRL_new();
  Check(X509_CRL_set_version(crl, 1) == 1, "X509_CRL_set_version");
  Check(X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca_cert)) == 1,
        "CRL issuer");
  ASN1_TIME* t = ASN1_TIME_new();
  X509_gmtime_adj(t, -3600);
  X509_CRL_set1_lastUpdate(crl, t);
  X509_gmtime_adj(t, valid_seconds);
  X509_CRL_set1_nextUpdate(crl, t);
  ASN1_TIME_free(t);
  Check(X509_CRL_sign(crl, ca_key, EVP_sha256()) > 0, "X509_CRL_sign");
  BIO* out = BIO_new(BIO_s_mem());
  Check(PEM_write_bio_X509_CRL(out, crl) == 1, "PEM_write_bio_X509_CRL");
  char* data = nullptr;
  long length = BIO_get_mem_data(out, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(out);
  X509_CRL_free(crl);
  X509_free(ca_cert);
  EVP_PKEY_free(ca_key);
  return pem;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  Check(static_cast<bool>(out), "writing a file");
}

}  // namespace ctg::testing
