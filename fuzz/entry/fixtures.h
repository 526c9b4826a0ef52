// Fixed audit material for the audit fuzz entries, built once per process:
// an Ed25519 signer from a fixed seed (made by OpenSSL in memory, loaded
// through NoteSigner::FromPrivateKeyPem like the gateway's key) and a small
// valid JSON Lines export signed with it. Deterministic: the same bytes in
// the fuzzer and in the replay test.
//
// Thread-safe (function-local statics); the returned objects are immutable.
#ifndef CTG_FUZZ_ENTRY_FIXTURES_H_
#define CTG_FUZZ_ENTRY_FIXTURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "audit/export_line.h"
#include "audit/note_key.h"

namespace ctg::fuzz {

inline constexpr char kAuditOrigin[] = "caf33.example/ctg-audit";

struct AuditKeys {
  const audit::NoteSigner* signer;      // name kAuditOrigin
  const audit::NoteVerifier* verifier;  // bound to kAuditOrigin
  const audit::NoteSigner* other;       // another key, same name
};
const AuditKeys& FuzzAuditKeys();

// Events 1..kExportEvents with an embedded checkpoint every
// kExportCheckpointEvery events, as the gateway exports them.
inline constexpr uint64_t kExportEvents = 12;
inline constexpr uint64_t kExportCheckpointEvery = 4;

struct ExportFixture {
  std::vector<audit::ExportRecord> records;
  std::vector<std::string> lines;  // each with its '\n'
  std::string text;                // the lines concatenated
  // Signed checkpoint of the first `size` events, for size 0..kExportEvents.
  std::vector<std::string> checkpoints;
};
const ExportFixture& FuzzExport();

}  // namespace ctg::fuzz

#endif  // CTG_FUZZ_ENTRY_FIXTURES_H_
