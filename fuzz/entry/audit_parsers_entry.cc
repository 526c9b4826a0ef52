// Fuzz entry 5: the audit trail's parsers and proof checkers.
//
// Input: a selector byte, then the bytes of one call:
//   0 ParseCheckpointBody(rest)     4 Merkle inclusion proof
//   1 OpenCheckpoint(rest)          5 Merkle consistency proof
//   2 OpenNote(rest)                6 DecodeCanonical(rest)
//   3 NoteVerifier::FromKeyText     7 ParseExportLine(rest)
//   8 SignCheckpoint / OpenCheckpoint round trip of a fuzzed checkpoint
// Notes are opened with the fixture key (fixtures.h); the seeds hold notes
// it signed, so mutations explore around valid signatures.
//
// Invariants:
//  - errors carry the documented codes (InvalidArgument for malformed input,
//    DataLoss for a bad signature, wrong key or a proof leading elsewhere);
//  - strict parsers are exact inverses: ParseCheckpointBody then
//    FormatCheckpointBody, ParseNote then re-serialisation, DecodeCanonical
//    then EncodeCanonical give back the input bytes; ParseExportLine's
//    result formats to a line that parses to the same record;
//  - an opened note carries a signature line equal to the one the fixture
//    key makes for its text (Ed25519 is deterministic): no forgery, and the
//    text is exactly what was signed;
//  - Merkle proofs made by MerkleTree for a tree built from the input
//    verify; any flipped bit in the leaf, a proof hash or a root makes them
//    fail with DataLoss (size1 > 0 for consistency: the empty tree's root is
//    not checked, as documented); fuzzed sizes and proofs never crash, and an
//    accepted proof has the documented length and leads to the root;
//  - a verifier key read by FromKeyText round-trips through VerifierKey().
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/export_line.h"
#include "audit/hash.h"
#include "audit/merkle_proof.h"
#include "audit/merkle_tree.h"
#include "audit/note_key.h"
#include "audit/signed_note.h"
#include "fuzz/entry/byte_reader.h"
#include "fuzz/entry/entry.h"
#include "fuzz/entry/fixtures.h"

namespace ctg::fuzz {
namespace {

using audit::Hash;

bool CodeIs(const absl::Status& s,
            std::initializer_list<absl::StatusCode> codes) {
  for (absl::StatusCode c : codes) {
    if (s.code() == c) return true;
  }
  return false;
}

std::string Unexpected(const char* what, const absl::Status& s) {
  return absl::StrCat(what, ": unexpected error code: ", s.ToString());
}

// The note re-serialised from its parts (signed_note.h's grammar).
std::string Reserialize(const audit::ParsedNote& note) {
  std::string out = absl::StrCat(note.text, "\n");
  for (const audit::NoteSignature& sig : note.signatures) {
    std::string blob(4, '\0');
    for (int i = 0; i < 4; ++i)
      blob[i] = static_cast<char>(sig.key_id >> (24 - 8 * i));
    blob += sig.signature;
    absl::StrAppend(&out, audit::kNoteSignaturePrefix, sig.key_name, " ",
                    absl::Base64Escape(blob), "\n");
  }
  return out;
}

// An opened note's text must carry the fixture key's own signature line
// under `name` (the key ID is the key's for that name).
std::string CheckGenuine(absl::string_view note, absl::string_view text,
                         absl::string_view name = kAuditOrigin) {
  const audit::NoteSigner& signer = *FuzzAuditKeys().signer;
  absl::StatusOr<audit::ParsedNote> parsed = audit::ParseNote(note);
  if (!parsed.ok()) return "opened a note that ParseNote refuses";
  if (parsed->text != text) return "opened text is not the note's text";
  absl::StatusOr<std::string> want = signer.Sign(text);
  if (!want.ok()) return "fixture signer failed";
  for (const audit::NoteSignature& sig : parsed->signatures) {
    if (sig.key_name == name &&
        sig.key_id == audit::NoteKeyId(name, signer.public_key()) &&
        sig.signature == *want) {
      return "";
    }
  }
  return "a note opened without the key's genuine signature of its text "
         "(forgery)";
}

std::string CheckCheckpointBody(absl::string_view text) {
  absl::StatusOr<audit::Checkpoint> cp = audit::ParseCheckpointBody(text);
  if (!cp.ok()) {
    return CodeIs(cp.status(), {absl::StatusCode::kInvalidArgument})
               ? ""
               : Unexpected("ParseCheckpointBody", cp.status());
  }
  absl::StatusOr<std::string> again = audit::FormatCheckpointBody(*cp);
  if (!again.ok())
    return absl::StrCat("parsed checkpoint does not format: ",
                        again.status().ToString());
  if (*again != text)
    return "ParseCheckpointBody is not the inverse of FormatCheckpointBody";
  return "";
}

std::string CheckOpenCheckpoint(absl::string_view note) {
  const audit::NoteVerifier& key = *FuzzAuditKeys().verifier;
  absl::StatusOr<audit::Checkpoint> cp = audit::OpenCheckpoint(note, key);
  if (!cp.ok()) {
    return CodeIs(cp.status(), {absl::StatusCode::kInvalidArgument,
                                absl::StatusCode::kDataLoss})
               ? ""
               : Unexpected("OpenCheckpoint", cp.status());
  }
  absl::StatusOr<audit::VerifiedNote> opened = audit::OpenNote(note, key);
  if (!opened.ok()) return "OpenCheckpoint accepted a note OpenNote refuses";
  if (std::string v = CheckGenuine(note, opened->text); !v.empty()) return v;
  absl::StatusOr<std::string> body = audit::FormatCheckpointBody(*cp);
  if (!body.ok() || *body != opened->text)
    return "checkpoint is not the signed text";
  return "";
}

std::string CheckOpenNote(absl::string_view note) {
  absl::StatusOr<audit::ParsedNote> parsed = audit::ParseNote(note);
  if (parsed.ok()) {
    if (Reserialize(*parsed) != note)
      return "ParseNote is not exact: re-serialised note differs";
    if (parsed->signatures.empty() ||
        parsed->signatures.size() > audit::kMaxNoteSignatures) {
      return "ParseNote: signature count out of bounds";
    }
    for (const audit::NoteSignature& sig : parsed->signatures) {
      if (!audit::ValidateKeyName(sig.key_name).ok())
        return "ParseNote: invalid key name kept";
    }
  } else if (!CodeIs(parsed.status(), {absl::StatusCode::kInvalidArgument})) {
    return Unexpected("ParseNote", parsed.status());
  }
  for (const audit::NoteVerifier* key :
       {FuzzAuditKeys().verifier,
        static_cast<const audit::NoteVerifier*>(nullptr)}) {
    absl::StatusOr<audit::NoteVerifier> unbound;
    if (key == nullptr) {  // the same key without a name (bare PEM)
      unbound = audit::NoteVerifier::FromRawPublicKey(
          FuzzAuditKeys().signer->public_key());
      if (!unbound.ok()) return "FromRawPublicKey failed";
      key = &*unbound;
    }
    absl::StatusOr<audit::VerifiedNote> opened = audit::OpenNote(note, *key);
    if (!opened.ok()) {
      if (!CodeIs(opened.status(), {absl::StatusCode::kInvalidArgument,
                                    absl::StatusCode::kDataLoss})) {
        return Unexpected("OpenNote", opened.status());
      }
      continue;
    }
    if (!parsed.ok()) return "OpenNote accepted a note ParseNote refuses";
    if (!key->name().empty() && opened->key_name != key->name()) {
      return "OpenNote: key name differs from the verifier's";
    }
    // Unbound: any name, but the key ID must be the key's for that name.
    if (std::string v = CheckGenuine(note, opened->text, opened->key_name);
        !v.empty()) {
      return v;
    }
  }
  return "";
}

std::string CheckKeyText(absl::string_view text) {
  absl::StatusOr<audit::NoteVerifier> v =
      audit::NoteVerifier::FromKeyText(text);
  if (!v.ok()) {
    return CodeIs(v.status(), {absl::StatusCode::kInvalidArgument})
               ? ""
               : Unexpected("FromKeyText", v.status());
  }
  if (!v->name().empty()) {
    if (!audit::ValidateKeyName(v->name()).ok())
      return "FromKeyText kept an invalid name";
    absl::StatusOr<audit::NoteVerifier> again =
        audit::NoteVerifier::FromVerifierKey(v->VerifierKey());
    if (!again.ok()) return "VerifierKey() does not parse back";
    if (again->name() != v->name() || again->public_key() != v->public_key()) {
      return "VerifierKey() round trip changed the key";
    }
  }
  // A verifier built from a text verifies exactly what its key signed.
  const bool same = v->public_key() == FuzzAuditKeys().signer->public_key();
  absl::StatusOr<std::string> sig = FuzzAuditKeys().signer->Sign("fuzz\n");
  if (sig.ok() && v->Verify("fuzz\n", *sig) != same) {
    return "Verify() disagrees with the public key";
  }
  return "";
}

// RFC 6962 §2.1.1 / §2.1.2 proof lengths by the RFC's own recursion (PATH
// and SUBPROOF), independent of the closed forms in merkle_proof.cc.
uint64_t LargestPowerOfTwoBelow(uint64_t n) {  // n >= 2
  uint64_t k = 1;
  while (k < n - k) k <<= 1;  // k < n/2 without overflow
  return k;
}

int ModelInclusionLength(uint64_t m, uint64_t n) {  // m < n
  int length = 0;
  while (n > 1) {
    const uint64_t k = LargestPowerOfTwoBelow(n);
    if (m < k) {
      n = k;
    } else {
      m -= k;
      n -= k;
    }
    ++length;
  }
  return length;
}

int ModelConsistencyLength(uint64_t m, uint64_t n) {  // 0 < m < n
  int length = 0;
  bool b = true;
  while (m != n) {
    const uint64_t k = LargestPowerOfTwoBelow(n);
    if (m <= k) {
      n = k;
    } else {
      m -= k;
      n -= k;
      b = false;
    }
    ++length;
  }
  return length + (b ? 0 : 1);
}

Hash HashFrom(ByteReader& r) {
  Hash h{};
  absl::string_view b = r.Bytes(h.size());
  for (size_t i = 0; i < b.size(); ++i) h[i] = static_cast<uint8_t>(b[i]);
  return h;
}

Hash Flip(Hash h, ByteReader& r) {
  const uint8_t b = r.Byte();
  h[(b >> 3) % h.size()] ^= static_cast<uint8_t>(1u << (b & 7));
  return h;
}

// A tree of 1-64 leaves whose hashes derive from the input.
audit::MerkleTree MakeTree(ByteReader& r) {
  audit::MerkleTree tree;
  const uint64_t n = static_cast<uint64_t>(r.Range(1, 64));
  const uint8_t salt = r.Byte();
  for (uint64_t i = 0; i < n; ++i)
    tree.Append(audit::LeafHash(absl::StrCat(salt, ":", i)));
  return tree;
}

std::string CheckInclusion(ByteReader& r) {
  if (r.Bool()) {  // raw: fuzzed sizes, hashes and proof
    const uint64_t index = r.Bool() ? r.Uint(8) : r.Uint(1);
    const uint64_t size = r.Bool() ? r.Uint(8) : r.Uint(1);
    const Hash leaf = HashFrom(r), root = HashFrom(r);
    std::vector<Hash> proof(static_cast<size_t>(r.Range(0, 70)));
    for (Hash& h : proof) h = HashFrom(r);
    if (index < size && audit::InclusionProofLength(index, size) !=
                            ModelInclusionLength(index, size)) {
      return absl::StrCat("InclusionProofLength(", index, ", ", size,
                          ") = ", audit::InclusionProofLength(index, size),
                          ", RFC 6962 PATH has ",
                          ModelInclusionLength(index, size));
    }
    const absl::Status s =
        audit::VerifyInclusion(index, size, leaf, proof, root);
    if (!s.ok()) {
      return CodeIs(s, {absl::StatusCode::kInvalidArgument,
                        absl::StatusCode::kDataLoss})
                 ? ""
                 : Unexpected("VerifyInclusion", s);
    }
    if (index >= size ||
        proof.size() !=
            static_cast<size_t>(audit::InclusionProofLength(index, size))) {
      return "VerifyInclusion accepted an impossible request or proof length";
    }
    absl::StatusOr<Hash> got =
        audit::RootFromInclusionProof(index, size, leaf, proof);
    if (!got.ok() || *got != root)
      return "VerifyInclusion accepted a proof leading elsewhere";
    return "";
  }
  const audit::MerkleTree tree = MakeTree(r);
  const uint64_t size =
      static_cast<uint64_t>(r.Range(1, static_cast<int64_t>(tree.size())));
  const uint64_t index =
      static_cast<uint64_t>(r.Range(0, static_cast<int64_t>(size) - 1));
  absl::StatusOr<std::vector<Hash>> proof = tree.InclusionProof(index, size);
  absl::StatusOr<Hash> root = tree.RootAt(size);
  absl::StatusOr<Hash> leaf = tree.LeafAt(index);
  if (!proof.ok() || !root.ok() || !leaf.ok())
    return "MerkleTree refused a valid request";
  if (proof->size() !=
      static_cast<size_t>(audit::InclusionProofLength(index, size))) {
    return "InclusionProofLength disagrees with MerkleTree";
  }
  if (absl::Status s =
          audit::VerifyInclusion(index, size, *leaf, *proof, *root);
      !s.ok()) {
    return absl::StrCat("genuine inclusion proof refused: ", s.ToString());
  }
  // One flipped bit anywhere must be caught.
  Hash l = *leaf, t = *root;
  std::vector<Hash> p = *proof;
  const int64_t where = r.Range(0, static_cast<int64_t>(p.size()) + 1);
  if (where == 0) {
    l = Flip(l, r);
  } else if (where == 1) {
    t = Flip(t, r);
  } else {
    p[where - 2] = Flip(p[where - 2], r);
  }
  const absl::Status s = audit::VerifyInclusion(index, size, l, p, t);
  if (s.code() != absl::StatusCode::kDataLoss) {
    return absl::StrCat("tampered inclusion proof (element ", where, ") gave ",
                        s.ToString());
  }
  return "";
}

std::string CheckConsistency(ByteReader& r) {
  if (r.Bool()) {  // raw
    const uint64_t size1 = r.Bool() ? r.Uint(8) : r.Uint(1);
    const uint64_t size2 = r.Bool() ? r.Uint(8) : r.Uint(1);
    const Hash root1 = HashFrom(r), root2 = HashFrom(r);
    std::vector<Hash> proof(static_cast<size_t>(r.Range(0, 130)));
    for (Hash& h : proof) h = HashFrom(r);
    if (size1 > 0 && size1 < size2 &&
        audit::ConsistencyProofLength(size1, size2) !=
            ModelConsistencyLength(size1, size2)) {
      return absl::StrCat("ConsistencyProofLength(", size1, ", ", size2,
                          ") = ", audit::ConsistencyProofLength(size1, size2),
                          ", RFC 6962 SUBPROOF has ",
                          ModelConsistencyLength(size1, size2));
    }
    const absl::Status s =
        audit::VerifyConsistency(size1, size2, proof, root1, root2);
    if (!s.ok()) {
      return CodeIs(s, {absl::StatusCode::kInvalidArgument,
                        absl::StatusCode::kDataLoss})
                 ? ""
                 : Unexpected("VerifyConsistency", s);
    }
    if (size1 > size2 ||
        proof.size() !=
            static_cast<size_t>(audit::ConsistencyProofLength(size1, size2))) {
      return "VerifyConsistency accepted an impossible request or proof length";
    }
    if (size1 == size2 && size1 != 0 && root1 != root2) {
      return "VerifyConsistency accepted equal sizes with different roots";
    }
    return "";
  }
  const audit::MerkleTree tree = MakeTree(r);
  const uint64_t size2 =
      static_cast<uint64_t>(r.Range(0, static_cast<int64_t>(tree.size())));
  const uint64_t size1 =
      static_cast<uint64_t>(r.Range(0, static_cast<int64_t>(size2)));
  absl::StatusOr<std::vector<Hash>> proof = tree.ConsistencyProof(size1, size2);
  absl::StatusOr<Hash> root1 = tree.RootAt(size1), root2 = tree.RootAt(size2);
  if (!proof.ok() || !root1.ok() || !root2.ok())
    return "MerkleTree refused a valid request";
  if (proof->size() !=
      static_cast<size_t>(audit::ConsistencyProofLength(size1, size2))) {
    return "ConsistencyProofLength disagrees with MerkleTree";
  }
  if (absl::Status s =
          audit::VerifyConsistency(size1, size2, *proof, *root1, *root2);
      !s.ok()) {
    return absl::StrCat("genuine consistency proof refused: ", s.ToString());
  }
  if (size1 == 0) return "";  // documented: any tree extends the empty one
  Hash a = *root1, b = *root2;
  std::vector<Hash> p = *proof;
  const int64_t where = r.Range(0, static_cast<int64_t>(p.size()) + 1);
  if (where == 0) {
    a = Flip(a, r);
  } else if (where == 1) {
    b = Flip(b, r);
  } else {
    p[where - 2] = Flip(p[where - 2], r);
  }
  const absl::Status s = audit::VerifyConsistency(size1, size2, p, a, b);
  if (s.code() != absl::StatusCode::kDataLoss) {
    return absl::StrCat("tampered consistency proof ", size1, "->", size2,
                        " (element ", where, ") gave ", s.ToString());
  }
  return "";
}

std::string CheckCanonical(absl::string_view bytes) {
  absl::StatusOr<audit::Event> e = audit::DecodeCanonical(bytes);
  if (!e.ok()) {
    return CodeIs(e.status(), {absl::StatusCode::kInvalidArgument})
               ? ""
               : Unexpected("DecodeCanonical", e.status());
  }
  if (!audit::ValidateEvent(*e).ok())
    return "DecodeCanonical accepted an invalid event";
  if (audit::EncodeCanonical(*e) != bytes)
    return "DecodeCanonical then EncodeCanonical differs";
  if (audit::CanonicalSize(*e) != bytes.size()) return "CanonicalSize differs";
  return "";
}

std::string CheckExportLine(absl::string_view line) {
  absl::StatusOr<audit::ExportRecord> rec = audit::ParseExportLine(line);
  if (!rec.ok()) {
    return CodeIs(rec.status(), {absl::StatusCode::kInvalidArgument})
               ? ""
               : Unexpected("ParseExportLine", rec.status());
  }
  if (!audit::ValidateEvent(rec->event).ok())
    return "ParseExportLine accepted an invalid event";
  std::string again = audit::FormatExportLine(*rec);
  if (again.empty() || again.back() != '\n')
    return "FormatExportLine without newline";
  again.pop_back();
  absl::StatusOr<audit::ExportRecord> back = audit::ParseExportLine(again);
  if (!back.ok())
    return absl::StrCat("formatted line does not parse: ",
                        back.status().ToString());
  if (!(*back == *rec)) return "export line round trip changed the record";
  return "";
}

std::string CheckSignRoundTrip(ByteReader& r) {
  audit::Checkpoint cp;
  cp.origin = std::string(r.ShortString());
  cp.size = r.Bool() ? r.Uint(8) : r.Uint(1);
  cp.root = HashFrom(r);
  const int64_t n = r.Range(0, 3);
  for (int64_t i = 0; i < n; ++i) cp.extensions.emplace_back(r.ShortString());
  const AuditKeys& keys = FuzzAuditKeys();
  absl::StatusOr<std::string> note = audit::SignCheckpoint(cp, *keys.signer);
  if (!note.ok()) {
    return CodeIs(note.status(), {absl::StatusCode::kInvalidArgument})
               ? ""
               : Unexpected("SignCheckpoint", note.status());
  }
  absl::StatusOr<audit::Checkpoint> back =
      audit::OpenCheckpoint(*note, *keys.verifier);
  if (!back.ok())
    return absl::StrCat("signed checkpoint does not open: ",
                        back.status().ToString());
  if (!(*back == cp)) return "checkpoint changed through sign and open";
  // Another key of the same name must be told apart.
  absl::StatusOr<std::string> forged = audit::SignCheckpoint(cp, *keys.other);
  if (!forged.ok()) return "SignCheckpoint with the other key failed";
  absl::StatusOr<audit::Checkpoint> wrong =
      audit::OpenCheckpoint(*forged, *keys.verifier);
  if (wrong.ok() || wrong.status().code() != absl::StatusCode::kDataLoss) {
    return "a checkpoint signed by another key opened (or wrong code)";
  }
  return "";
}

}  // namespace

std::string AuditParsersEntry(absl::string_view data) {
  ByteReader r(data);
  const uint8_t selector = r.Byte();
  switch (selector % 9) {
    case 0:
      return CheckCheckpointBody(r.Rest());
    case 1:
      return CheckOpenCheckpoint(r.Rest());
    case 2:
      return CheckOpenNote(r.Rest());
    case 3:
      return CheckKeyText(r.Rest());
    case 4:
      return CheckInclusion(r);
    case 5:
      return CheckConsistency(r);
    case 6:
      return CheckCanonical(r.Rest());
    case 7:
      return CheckExportLine(r.Rest());
    default:
      return CheckSignRoundTrip(r);
  }
}

}  // namespace ctg::fuzz
