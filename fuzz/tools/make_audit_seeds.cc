// Writes the seed inputs of the audit_parsers and audit_verifier targets
// (fuzz/corpus/<target>/) from the fixture key and export (fixtures.h), so
// that the seeds hold genuinely signed notes and valid events:
//
//   build-fuzz/fuzz/ctg_fuzz_make_audit_seeds fuzz/corpus
//
// Deterministic: running it again rewrites the same bytes.
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/note_key.h"
#include "audit/signed_note.h"
#include "fuzz/entry/fixtures.h"

namespace {

std::string g_root;

void Write(const std::string& target, const std::string& name, char selector,
           const std::string& payload) {
  const std::string path = absl::StrCat(g_root, "/", target, "/", name);
  std::ofstream out(path, std::ios::binary);
  if (selector != '\xff') out.put(selector);
  out << payload;
  if (!out) std::fprintf(stderr, "cannot write %s\n", path.c_str());
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  using namespace ctg;  // NOLINT
  const fuzz::ExportFixture& fx = fuzz::FuzzExport();
  const fuzz::AuditKeys& keys = fuzz::FuzzAuditKeys();
  const std::string p = "audit_parsers";

  // 0: checkpoint bodies; 1: signed checkpoints; 2: notes.
  for (uint64_t size : {0, 4, 12}) {
    const std::string& note = fx.checkpoints[size];
    Write(p, absl::StrCat("checkpoint_body_", size), 0,
          note.substr(0, note.find("\n\n") + 1));
    Write(p, absl::StrCat("checkpoint_note_", size), 1, note);
  }
  Write(
      p, "checkpoint_body_extension", 0,
      "caf33.example/"
      "ctg-audit\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next one\n");
  const std::string& note12 = fx.checkpoints[12];
  auto cosigned = ctg::audit::SignNote(
      note12.substr(0, note12.find("\n\n") + 1), *keys.other);
  if (cosigned.ok()) {
    // The other key's line first, then ours: a cosigned note.
    const std::string theirs = cosigned->substr(cosigned->find("\n\n") + 2);
    Write(p, "note_cosigned", 2,
          absl::StrCat(note12.substr(0, note12.find("\n\n") + 2), theirs,
                       note12.substr(note12.find("\n\n") + 2)));
    Write(p, "note_wrong_key", 2, *cosigned);
  }
  auto text_note = ctg::audit::SignNote("hello\nworld\n", *keys.signer);
  if (text_note.ok()) Write(p, "note_text", 2, *text_note);
  // 3: verifier keys.
  Write(p, "key_verifier", 3, keys.signer->VerifierKey());
  Write(p, "key_pem", 3, keys.signer->PublicKeyPem());
  Write(p, "key_bad_id", 3, "caf33.example/ctg-audit+00000000+AQ==");
  // 4, 5: proofs (tree mode: first byte even; raw mode: odd).
  Write(p, "inclusion_tree", 4, Bytes({0, 13, 7, 9, 5, 3, 0x41}));
  Write(p, "inclusion_raw", 4,
        Bytes({1, 0, 5, 0, 9}) + std::string(64, 'h') + Bytes({2}));
  Write(p, "consistency_tree", 5, Bytes({0, 40, 1, 37, 12, 2, 0x13}));
  Write(p, "consistency_raw", 5,
        Bytes({1, 0, 3, 0, 8}) + std::string(64, 'r') + Bytes({3}));
  // 6: canonical events; 7: export lines.
  for (int k : {0, 3, 4}) {
    Write(p, absl::StrCat("canonical_", k + 1), 6,
          ctg::audit::EncodeCanonical(fx.records[k].event));
    std::string line = fx.lines[k];
    line.pop_back();
    Write(p, absl::StrCat("export_line_", k + 1), 7, line);
  }
  // 8: sign and open.
  Write(p, "sign_round_trip", 8,
        absl::StrCat("\x17", "caf33.example/ctg-audit", "\x01\x2a",
                     std::string(32, 'z'), "\x01\x05", "ext 1"));

  // audit_verifier: mode byte, number of mutations, mutations.
  const std::string v = "audit_verifier";
  Write(v, "genuine_final_checkpoint", '\xff', Bytes({0, 0}));
  Write(v, "genuine_final_checkpoint_stream", '\xff', Bytes({0x40, 0}));
  Write(v, "genuine_no_checkpoint", '\xff', Bytes({2, 0}));
  Write(v, "genuine_mid_checkpoint_crlf_threads", '\xff', Bytes({0x1b, 6, 0}));
  Write(v, "flip_bit", '\xff', Bytes({0, 1, 0, 0x34, 0x02, 3}));
  Write(v, "set_byte", '\xff', Bytes({0x50, 1, 1, 0x10, 0x05, '7'}));
  Write(v, "insert_byte", '\xff', Bytes({0, 1, 2, 0x90, 0x00, ' '}));
  Write(v, "delete_bytes", '\xff', Bytes({2, 1, 3, 0x20, 0x01, 3}));
  Write(v, "drop_line", '\xff', Bytes({0, 1, 4, 5, 0}));
  Write(v, "drop_last_line", '\xff', Bytes({2, 1, 4, 11, 0}));
  Write(v, "swap_lines", '\xff', Bytes({0x10, 1, 5, 2, 0, 3, 0}));
  Write(v, "duplicate_line", '\xff', Bytes({0, 1, 6, 4, 0, 9, 0}));
  Write(v, "replace_line", '\xff', Bytes({0, 1, 7, 1, 0, 2, 0}));
  Write(v, "truncate", '\xff', Bytes({0, 1, 8, 0x00, 0x0c}));
  Write(v, "splice_token", '\xff', Bytes({0x04, 1, 9, 4, 0x40, 0x00, 2}));
  Write(v, "several", '\xff',
        Bytes({0x53, 4, 0, 0x10, 0x02, 1, 4, 3, 0, 9, 7, 0x80, 0x01, 1}));
  return 0;
}
