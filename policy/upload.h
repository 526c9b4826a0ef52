// The commune's answer to an approved request of the Caf (R1, Caf ->
// commune): the data file it uploads and the Caf's download of it.
//
// The commune's data is not subject to the Caf's secret statistique (that
// protects the Caf's allocataires, R6, R7). What the gateway checks
// instead, in this order (ValidateUpload):
//   1. size: at most the configured limit (RESOURCE_EXHAUSTED);
//   2. the commune's attestation that the file holds no personal data
//      (R5, R8): required;
//   3. the SHA-256 content address: when the client states the digest of
//      what it sent, it must equal the digest of what arrived;
//   4. type: a UTF-8 CSV file (RFC 4180: comma, double-quote quoting, CRLF
//      or LF line ends), every row with the header's number of fields;
//   5. no cell a spreadsheet would run as a formula when the Caf opens the
//      file (CSV injection): none starts with = + - @ (or a tab or carriage
//      return) unless it is a number;
//   6. when the approved request carries a template
//      (policy/caf_request.h): the header is exactly the template's
//      columns, in order; a "territory" ("period") column holds only the
//      template's territories (periods), when it lists some.
// Errors are kInvalidArgument naming the field ("data", "no_personal_data",
// "sha256") and, for the content, the line and column.
//
// Pure: no I/O, no clock (the gateway computes the digest). Thread-safe.
#ifndef CTG_POLICY_UPLOAD_H_
#define CTG_POLICY_UPLOAD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/caf_request.h"
#include "policy/identity.h"
#include "policy/request_state.h"

namespace ctg::policy {

// An approved request of the Caf, as an upload or a download finds it.
struct UploadTarget {
  std::string id;       // named in messages
  std::string commune;  // the commune the request is addressed to (tenant)
  RequestState state = RequestState::kSubmitted;  // EffectiveRequestState
  std::optional<DataTemplate> data_template;      // as approved
  bool uploaded = false;   // the commune's file is stored
  int downloads_used = 0;  // by the Caf
  int download_quota = 1;  // of the approval (1..)
};

// R1, R8: OK when `who` may upload the commune's data for `target` now.
// Checks, in order: visible (another commune's request: kNotFound, as a
// missing one); a commune-reviewer (kPermissionDenied); APPROVED
// (kFailedPrecondition `request CREQ-000001 is UNDER_STUDY; data is
// uploaded once the commune approved the request`); nothing uploaded yet
// (kFailedPrecondition; the upload is the one answer, append-only).
absl::Status CheckMayUpload(const Identity& who, const UploadTarget& target);

// kResourceExhausted `data: <n> bytes, more than limits.max_upload_bytes
// (<max>)` when `size` > `max_bytes`. The gateway calls it while receiving,
// to stop early, and ValidateUpload again on the whole file.
absl::Status CheckUploadSize(int64_t size, int64_t max_bytes);

struct Upload {
  std::string content;            // the file's bytes
  std::string sha256;             // lower-case hex of `content`, by the gateway
  std::string declared_sha256;    // the client's statement; empty: none
  bool no_personal_data = false;  // the commune's attestation (R5)
};

// The checks of the header comment, in that order. Returns the number of
// data rows (the header excluded).
absl::StatusOr<int64_t> ValidateUpload(
    const Upload& upload, const std::optional<DataTemplate>& data_template,
    int64_t max_bytes);

// R1, R8: OK when `who` may download the commune's data for `target`.
// Checks, in order: a Caf requester (kPermissionDenied); APPROVED (not
// revoked nor expired; kFailedPrecondition); uploaded (kFailedPrecondition
// `the commune has not uploaded the data of request ... yet`); a download
// left (kFailedPrecondition naming the quota).
absl::Status CheckMayDownloadUpload(const Identity& who,
                                    const UploadTarget& target);

// The rows of a CSV text (RFC 4180). Error: kInvalidArgument
// `data: line <n>: ...` for an unterminated quote or a character after a
// closing quote.
absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(
    absl::string_view text);

}  // namespace ctg::policy

#endif  // CTG_POLICY_UPLOAD_H_
