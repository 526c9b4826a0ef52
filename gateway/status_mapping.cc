#include "gateway/status_mapping.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "store/write_outcome.h"

namespace ctg::gateway {
namespace {

// Longest status message sent. gRPC clients refuse response metadata over
// 8 KiB by default (the caller would see RESOURCE_EXHAUSTED instead of the
// real error), and the message travels percent-encoded there (up to three
// bytes per byte).
constexpr size_t kMaxMessageBytes = 2048;
// Room kept for the note saying the message was cut.
constexpr size_t kNoteBytes = 64;

// `message`, or its first lines (or bytes, at a UTF-8 boundary) with a note
// giving its full size.
std::string Bounded(absl::string_view message) {
  if (message.size() <= kMaxMessageBytes) return std::string(message);
  size_t cut = message.rfind('\n', kMaxMessageBytes - kNoteBytes);
  if (cut == absl::string_view::npos || cut == 0) {
    cut = kMaxMessageBytes - kNoteBytes;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80)
      --cut;
  }
  return absl::StrCat(message.substr(0, cut),
                      "\n\u2026 (message cut: ", message.size(),
                      " bytes in all)");
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      Bounded(status.message()));
}

grpc::Status NotRecordedStatus(const absl::Status& why, bool changes) {
  absl::string_view said;
  if (!store::IsOutcomeUnknown(why)) {
    said =
        "the call could not be recorded in the audit trail, nothing was done";
  } else if (changes) {
    said =
        "the call may have been done: the database's answer to its commit was "
        "lost, so whether it was done and recorded in the audit trail is "
        "unknown; check before retrying it";
  } else {
    said =
        "the call's audit event may or may not have been recorded (the "
        "database's answer to its commit was lost); its answer is withheld, "
        "nothing was changed";
  }
  return ToGrpcStatus(
      absl::UnavailableError(absl::StrCat(said, ": ", why.message())));
}

}  // namespace ctg::gateway
