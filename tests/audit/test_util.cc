#include "tests/audit/test_util.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/merkle_tree.h"

namespace ctg::audit::testing {

namespace {

// The PEM of `key`'s private (PKCS#8) or public (SubjectPublicKeyInfo) half.
std::string PemOf(EVP_PKEY* key, bool private_half) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (key == nullptr || bio == nullptr ||
      (private_half ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0,
                                               nullptr, nullptr)
                    : PEM_write_bio_PUBKEY(bio, key)) != 1) {
    std::abort();
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return pem;
}

}  // namespace

Ed25519Pems GenerateEd25519Pems() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  Ed25519Pems out{PemOf(key, /*private_half=*/true),
                  PemOf(key, /*private_half=*/false)};
  EVP_PKEY_free(key);
  return out;
}

std::array<uint8_t, 32> Seed(uint8_t byte) {
  std::array<uint8_t, 32> seed;
  seed.fill(byte);
  return seed;
}

std::unique_ptr<NoteSigner> MakeSigner(uint8_t byte, const std::string& name) {
  auto signer =
      NoteSigner::FromPrivateKeyPem(name, Ed25519PemFromSeed(Seed(byte)));
  if (!signer.ok()) std::abort();
  return *std::move(signer);
}

NoteVerifier VerifierOf(const NoteSigner& signer) {
  auto v = NoteVerifier::FromRawPublicKey(signer.public_key(), signer.name());
  if (!v.ok()) std::abort();
  return *std::move(v);
}

Event MakeEvent(uint64_t seq) {
  Event e;
  e.sequence = seq;
  e.time_micros = 1795217424123456 + static_cast<int64_t>(seq) * 1733;
  e.caller = absl::StrCat(
      "spiffe://caf33.example/commune/33069/requester/agent", seq % 7);
  e.cert_sha256 = std::string(64, "0123456789abcdef"[seq % 16]);
  e.peer = absl::StrCat("ipv4:10.0.", seq % 250, ".7:", 40000 + seq % 20000);
  e.method = seq % 3 == 0 ? "/ctg.v1.Extracts/GetExtract"
                          : "/ctg.v1.DataRequests/SubmitRequest";
  e.target_kind = "request";
  e.target_id = absl::StrCat("req-", seq / 3);
  e.code = seq % 5 == 0 ? 7 : 0;
  e.message = seq % 5 == 0 ? "role requester may not call this method" : "";
  e.facts = {{"objective", "Petite enfance: accueil du jeune enfant"},
             {"purpose",
              "Diagnostic partagé de la CTG: besoins de garde par IRIS, "
              "\"quartiers\" prioritaires\tet évolution 2019-2023"}};
  return e;
}

TestLog BuildLog(uint64_t n, uint64_t checkpoint_every,
                 const NoteSigner& signer) {
  TestLog log;
  MerkleTree tree;
  log.records.reserve(n);
  for (uint64_t seq = 1; seq <= n; ++seq) {
    ExportRecord r;
    r.event = MakeEvent(seq);
    r.leaf_hash = EventLeafHash(r.event);
    tree.Append(r.leaf_hash);
    if (checkpoint_every != 0 && seq % checkpoint_every == 0) {
      auto note = SignCheckpoint(
          {.origin = kOrigin, .size = seq, .root = tree.Root()}, signer);
      if (!note.ok()) std::abort();
      r.checkpoint = *note;
    }
    log.records.push_back(std::move(r));
  }
  auto latest = SignCheckpoint(
      {.origin = kOrigin, .size = n, .root = tree.Root()}, signer);
  if (!latest.ok()) std::abort();
  log.latest_checkpoint = *latest;
  return log;
}

std::string ToJsonl(const std::vector<ExportRecord>& records) {
  std::string out;
  for (const ExportRecord& r : records) AppendExportLine(r, &out);
  return out;
}

}  // namespace ctg::audit::testing
