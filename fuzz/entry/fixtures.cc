#include "fuzz/entry/fixtures.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/merkle_tree.h"
#include "tests/testing/ed25519_pem.h"

namespace ctg::fuzz {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "ctg-fuzz fixture: %s\n", what);
  std::abort();
}

const audit::NoteSigner* MakeSigner(uint8_t byte) {
  auto signer = audit::NoteSigner::FromPrivateKeyPem(
      kAuditOrigin, ::ctg::testing::Ed25519PemFromByte(byte));
  if (!signer.ok()) Die("NoteSigner::FromPrivateKeyPem failed");
  return signer->release();
}

audit::Event MakeEvent(uint64_t seq) {
  audit::Event e;
  e.sequence = seq;
  e.time_micros = 1795217424123456 + static_cast<int64_t>(seq) * 1733;
  e.caller = absl::StrCat(
      "spiffe://caf33.example/commune/33069/requester/agent", seq % 3);
  e.cert_sha256 = std::string(64, "0123456789abcdef"[seq % 16]);
  e.peer = absl::StrCat("ipv4:10.0.0.7:", 40000 + seq);
  e.method = seq % 3 == 0 ? "/ctg.v1.Extracts/GetExtract"
                          : "/ctg.v1.DataRequests/SubmitRequest";
  e.target_kind = "request";
  e.target_id = absl::StrCat("req-", seq / 3);
  e.code = seq % 5 == 0 ? 7 : 0;
  e.message = seq % 5 == 0 ? "role requester may not call this method" : "";
  if (seq % 2 == 0) {
    e.facts = {{"objective", "Petite enfance"},
               {"purpose", "Diagnostic partagé: \"quartiers\"\tprioritaires"}};
  }
  return e;
}

}  // namespace

const AuditKeys& FuzzAuditKeys() {
  static const AuditKeys* keys = [] {
    const audit::NoteSigner* signer = MakeSigner(0x2a);
    auto verifier = audit::NoteVerifier::FromRawPublicKey(signer->public_key(),
                                                          signer->name());
    if (!verifier.ok()) Die("NoteVerifier::FromRawPublicKey failed");
    return new AuditKeys{signer, new audit::NoteVerifier(*std::move(verifier)),
                         MakeSigner(0x17)};
  }();
  return *keys;
}

const ExportFixture& FuzzExport() {
  static const ExportFixture* fixture = [] {
    const audit::NoteSigner& signer = *FuzzAuditKeys().signer;
    auto* f = new ExportFixture;
    audit::MerkleTree tree;
    auto sign = [&](uint64_t size) {
      auto note = audit::SignCheckpoint(
          {.origin = kAuditOrigin, .size = size, .root = tree.Root()}, signer);
      if (!note.ok()) Die("SignCheckpoint failed");
      return *note;
    };
    f->checkpoints.push_back(sign(0));
    for (uint64_t seq = 1; seq <= kExportEvents; ++seq) {
      audit::ExportRecord r;
      r.event = MakeEvent(seq);
      if (!audit::ValidateEvent(r.event).ok()) Die("fixture event invalid");
      r.leaf_hash = audit::EventLeafHash(r.event);
      tree.Append(r.leaf_hash);
      f->checkpoints.push_back(sign(seq));
      if (seq % kExportCheckpointEvery == 0)
        r.checkpoint = f->checkpoints.back();
      f->lines.push_back(audit::FormatExportLine(r));
      f->text += f->lines.back();
      f->records.push_back(std::move(r));
    }
    return f;
  }();
  return *fixture;
}

}  // namespace ctg::fuzz
