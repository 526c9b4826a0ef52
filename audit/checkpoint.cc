#include "audit/checkpoint.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "audit/internal/utf8.h"
#include "audit/signed_note.h"

namespace ctg::audit {
namespace {

absl::Status CheckLine(absl::string_view line, absl::string_view what) {
  if (line.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: ", what, " is empty"));
  }
  if (!internal::IsValidUtf8(line)) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: ", what, " is not valid UTF-8"));
  }
  for (char c : line) {
    if (static_cast<uint8_t>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat(
          "checkpoint: ", what, " holds a newline or control character"));
    }
  }
  return absl::OkStatus();
}

absl::Status Prefixed(const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat("checkpoint: ", s.message()));
}

}  // namespace

absl::StatusOr<std::string> FormatCheckpointBody(const Checkpoint& c) {
  if (auto s = CheckLine(c.origin, "origin"); !s.ok()) return s;
  std::string out =
      absl::StrCat(c.origin, "\n", c.size, "\n", HashToBase64(c.root), "\n");
  for (const std::string& ext : c.extensions) {
    if (auto s = CheckLine(ext, "extension line"); !s.ok()) return s;
    absl::StrAppend(&out, ext, "\n");
  }
  return out;
}

absl::StatusOr<Checkpoint> ParseCheckpointBody(absl::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError(
        "checkpoint: text does not end in a newline");
  }
  text.remove_suffix(1);
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint: ", lines.size(),
        " lines, expected at least 3 (origin, tree size, root hash)"));
  }
  Checkpoint c;
  if (auto s = CheckLine(lines[0], "origin (line 1)"); !s.ok()) return s;
  c.origin = std::string(lines[0]);
  const absl::string_view size = lines[1];
  bool size_ok =
      !size.empty() && size.size() <= 20 && (size == "0" || size[0] != '0');
  uint64_t value = 0;
  for (char ch : size) {
    if (!size_ok) break;
    if (ch < '0' || ch > '9' || value > (UINT64_MAX - (ch - '0')) / 10) {
      size_ok = false;
      break;
    }
    value = value * 10 + (ch - '0');
  }
  if (!size_ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: tree size (line 2) \"", size.substr(0, 32),
                     "\" is not a decimal number without leading zeros"));
  }
  c.size = value;
  absl::StatusOr<Hash> root = HashFromBase64(lines[2]);
  if (!root.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint: root hash (line 3): ", root.status().message()));
  }
  c.root = *root;
  for (size_t i = 3; i < lines.size(); ++i) {
    if (auto s = CheckLine(lines[i], absl::StrCat("extension line ", i + 1));
        !s.ok()) {
      return s;
    }
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                           const NoteSigner& signer) {
  absl::StatusOr<std::string> body = FormatCheckpointBody(checkpoint);
  if (!body.ok()) return body.status();
  return SignNote(*body, signer);
}

absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view note,
                                          const NoteVerifier& verifier) {
  absl::StatusOr<VerifiedNote> verified = OpenNote(note, verifier);
  if (!verified.ok()) return Prefixed(verified.status());
  return ParseCheckpointBody(verified->text);
}

absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view note,
                                          absl::Span<const NoteVerifier> keys) {
  if (keys.empty())
    return absl::InvalidArgumentError("checkpoint: no key to verify it with");
  absl::Status first_error;
  for (const NoteVerifier& key : keys) {
    absl::StatusOr<Checkpoint> opened = OpenCheckpoint(note, key);
    if (opened.ok()) return opened;
    // A line that claims to be from one of the keys and fails is tampering,
    // whatever the other keys say.
    if (absl::StrContains(opened.status().message(), "bad signature") ||
        opened.status().code() == absl::StatusCode::kInvalidArgument) {
      return opened.status();
    }
    if (first_error.ok()) first_error = opened.status();
  }
  return first_error;
}

}  // namespace ctg::audit
