// C2SP signed notes (https://c2sp.org/signed-note): a UTF-8 text ending in
// '\n', a blank line, then one or more signature lines
//
//   — <key name> <base64(4-byte big-endian key ID || signature)>\n
//
// (U+2014 EM DASH, a space, the name, a space, the signature). The text is
// what is signed, through its final newline. All functions are thread-safe.
#ifndef CTG_AUDIT_SIGNED_NOTE_H_
#define CTG_AUDIT_SIGNED_NOTE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "audit/note_key.h"

namespace ctg::audit {

// "— " in UTF-8: the prefix of every signature line.
inline constexpr char kNoteSignaturePrefix[] = "\xe2\x80\x94 ";
// Most signature lines accepted in one note (the spec asks for >= 16).
inline constexpr size_t kMaxNoteSignatures = 100;

struct NoteSignature {
  std::string key_name;
  uint32_t key_id = 0;
  std::string signature;  // raw signature bytes, after the key ID
};

struct ParsedNote {
  std::string text;  // through its final '\n'
  std::vector<NoteSignature> signatures;
};

// Splits a note into its text and signature lines without verifying
// anything. InvalidArgument ("malformed note: ...") if the note is too
// large, not UTF-8, holds control characters other than '\n', has no blank
// line before the signatures, or has a signature line that is not
// "— name base64" with a valid name and at least 5 decoded bytes.
absl::StatusOr<ParsedNote> ParseNote(absl::string_view note);

// `text` followed by a blank line and the signer's signature line.
// InvalidArgument if `text` is empty, does not end in '\n', is not UTF-8 or
// holds other control characters.
absl::StatusOr<std::string> SignNote(absl::string_view text,
                                     const NoteSigner& signer);

struct VerifiedNote {
  std::string text;      // the signed text, through its final '\n'
  std::string key_name;  // name under which the verifier's key signed
};

// Parses `note` and checks that `verifier`'s key signed it. Signatures of
// other keys are ignored (cosigners). Errors: InvalidArgument for a
// malformed note; DataLoss "bad signature" when a line claims to be from
// the key but does not verify (the text or signature was altered);
// DataLoss "wrong key" when no line is from the key, naming the key names
// and IDs that did sign.
absl::StatusOr<VerifiedNote> OpenNote(absl::string_view note,
                                      const NoteVerifier& verifier);

}  // namespace ctg::audit

#endif  // CTG_AUDIT_SIGNED_NOTE_H_
