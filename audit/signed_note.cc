#include "audit/signed_note.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "audit/audit_log_format.h"
#include "audit/internal/utf8.h"

namespace ctg::audit {
namespace {

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("malformed note: ", why));
}

// UTF-8 and no control character but '\n'.
absl::Status CheckNoteChars(absl::string_view s, absl::string_view what) {
  const size_t bad = internal::FirstInvalidUtf8(s);
  if (bad != s.size()) {
    return Malformed(
        absl::StrCat(what, " is not valid UTF-8 (byte ", bad, ")"));
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<uint8_t>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) {
      return Malformed(absl::StrCat(what, " holds control character 0x",
                                    absl::Hex(c, absl::kZeroPad2), " at byte ",
                                    i));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ParsedNote> ParseNote(absl::string_view note) {
  if (note.size() > kMaxNoteBytes) {
    return Malformed(absl::StrCat(
        note.size(), " bytes, more than the limit of ", kMaxNoteBytes));
  }
  if (auto s = CheckNoteChars(note, "note"); !s.ok()) return s;
  const size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos) {
    return Malformed("no blank line between the text and the signatures");
  }
  ParsedNote out;
  out.text = std::string(note.substr(0, split + 1));
  absl::string_view sigs = note.substr(split + 2);
  if (sigs.empty()) return Malformed("no signature lines after the blank line");
  if (sigs.back() != '\n')
    return Malformed("last signature line does not end in a newline");
  sigs.remove_suffix(1);
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(sigs, '\n')) {
    ++line_no;
    if (out.signatures.size() == kMaxNoteSignatures) {
      return Malformed(
          absl::StrCat("more than ", kMaxNoteSignatures, " signatures"));
    }
    if (!absl::ConsumePrefix(&line, kNoteSignaturePrefix)) {
      return Malformed(absl::StrCat(
          "signature line ", line_no,
          " does not start with \"\xe2\x80\x94 \" (em dash, space)"));
    }
    const size_t space = line.find(' ');
    if (space == absl::string_view::npos) {
      return Malformed(
          absl::StrCat("signature line ", line_no,
                       " has no space between key name and signature"));
    }
    NoteSignature sig;
    sig.key_name = std::string(line.substr(0, space));
    if (auto s = ValidateKeyName(sig.key_name); !s.ok()) {
      return Malformed(
          absl::StrCat("signature line ", line_no, ": ", s.message()));
    }
    const absl::string_view b64 = line.substr(space + 1);
    std::string raw;
    if (!absl::Base64Unescape(b64, &raw) || absl::Base64Escape(raw) != b64) {
      return Malformed(absl::StrCat("signature line ", line_no,
                                    ": signature is not standard base64"));
    }
    if (raw.size() < 5) {
      return Malformed(absl::StrCat("signature line ", line_no,
                                    ": signature shorter than 5 bytes"));
    }
    sig.key_id = uint32_t{static_cast<uint8_t>(raw[0])} << 24 |
                 uint32_t{static_cast<uint8_t>(raw[1])} << 16 |
                 uint32_t{static_cast<uint8_t>(raw[2])} << 8 |
                 uint32_t{static_cast<uint8_t>(raw[3])};
    sig.signature = raw.substr(4);
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

absl::StatusOr<std::string> SignNote(absl::string_view text,
                                     const NoteSigner& signer) {
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError(
        "note text must be non-empty and end in a newline");
  }
  if (auto s = CheckNoteChars(text, "note text"); !s.ok()) {
    return absl::InvalidArgumentError(s.message());
  }
  absl::StatusOr<std::string> sig = signer.Sign(text);
  if (!sig.ok()) return sig.status();
  std::string blob(4, '\0');
  const uint32_t id = signer.key_id();
  for (int i = 0; i < 4; ++i) blob[i] = static_cast<char>(id >> (24 - 8 * i));
  blob += *sig;
  return absl::StrCat(text, "\n", kNoteSignaturePrefix, signer.name(), " ",
                      absl::Base64Escape(blob), "\n");
}

absl::StatusOr<VerifiedNote> OpenNote(absl::string_view note,
                                      const NoteVerifier& verifier) {
  absl::StatusOr<ParsedNote> parsed = ParseNote(note);
  if (!parsed.ok()) return parsed.status();
  std::vector<std::string> others;
  for (const NoteSignature& sig : parsed->signatures) {
    if (!verifier.Matches(sig.key_name, sig.key_id)) {
      others.push_back(
          absl::StrFormat("\"%s\" (key id %08x)", sig.key_name, sig.key_id));
      continue;
    }
    if (!verifier.Verify(parsed->text, sig.signature)) {
      return absl::DataLossError(absl::StrFormat(
          "bad signature: the signature by key \"%s\" (key id %08x) does not "
          "verify: the note text or its signature was altered",
          sig.key_name, sig.key_id));
    }
    return VerifiedNote{std::move(parsed->text), sig.key_name};
  }
  std::string expected =
      verifier.name().empty()
          ? std::string("the given public key")
          : absl::StrFormat("key \"%s\" (key id %08x)", verifier.name(),
                            verifier.KeyIdFor(verifier.name()));
  return absl::DataLossError(
      absl::StrCat("wrong key: the note is not signed by ", expected,
                   "; it is signed by ", absl::StrJoin(others, ", ")));
}

}  // namespace ctg::audit
