// The Caf's requests to communes (rule R1 in the Caf -> commune direction)
// as stored: the declaration, every version of its description and
// template, every transition, question and opinion, the approval's terms,
// the commune's upload (content-addressed by SHA-256) and the Caf's
// downloads. Migration 5 of store/schema.cc.
//
// Nothing is edited in place; the schema's triggers refuse UPDATE and
// DELETE on every history table, any change to a declaration (R2), and a
// transition that does not start from the current state; a request's
// `state` column follows its last transition. A refusal by a trigger is
// kAborted (store/sqlite.h).
//
// Rows are plain data (numbers of the ctg.v1 enums; Unix microseconds).
// Functions take the Connection of a transaction (writes) or of a read;
// they are not thread-safe beyond the Connection's own rules.
#ifndef CTG_STORE_CAF_REQUESTS_TABLE_H_
#define CTG_STORE_CAF_REQUESTS_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite.h"

namespace ctg::store {

extern const char kCafRequestsSchema[];

struct CafTemplateRow {
  std::vector<std::string> columns;  // codes without whitespace
  std::vector<std::string> territories;
  std::vector<std::string> periods;
};

struct CafRequestRow {
  std::string id;  // "CREQ-000001"
  std::string commune;
  std::string convention_id;
  std::string purpose;
  std::string objective;
  std::string requester;  // SPIFFE ID of the Caf requester
  int retention_months = 0;
  std::vector<std::string> recipients;  // the Caf's own services
  int64_t create_time_us = 0;
  int state = 0;  // read only: set by the last transition
  int64_t update_time_us = 0;
};

struct CafVersionRow {
  int version = 0;  // read only
  std::string description;
  std::optional<CafTemplateRow> data_template;
  std::string answer;
  std::string author;
  int64_t time_us = 0;
};

struct CafTransitionRow {
  int from_state = 0;
  int to_state = 0;
  std::string actor;
  int64_t time_us = 0;
  std::string reason;
};

struct CafQuestionRow {
  int round = 0;  // read only
  std::string text;
  std::string author;
  int64_t time_us = 0;
};

struct CafOpinionRow {
  int aspect = 0;  // 1 opportunity, 2 feasibility
  int value = 0;   // ctg.v1.Opinion
  std::string reasoning;
  std::string reviewer;
  int version = 0;
  int64_t time_us = 0;
};

struct CafApprovalRow {
  std::optional<int64_t> end_time_us;
  int download_quota = 1;
  int64_t time_us = 0;
};

struct CafUploadRow {
  std::string sha256;  // hex: the content address
  int64_t size_bytes = 0;
  int64_t rows = 0;
  std::string uploader;
  bool no_personal_data = false;
  int64_t time_us = 0;
  uint64_t audit_sequence = 0;  // read only: 0 (the event follows the row)
};

struct CafDownloadRow {
  int download = 0;
  std::string downloader;
  int64_t time_us = 0;
};

struct StoredCafRequest {
  CafRequestRow request;
  std::vector<CafVersionRow> versions;
  std::vector<CafTransitionRow> transitions;
  std::vector<CafQuestionRow> questions;
  std::vector<CafOpinionRow> opinions;
  std::optional<CafApprovalRow> approval;
  std::optional<CafUploadRow> upload;
  std::vector<CafDownloadRow> downloads;
};

// "CREQ-000001" for 1; and back (nullopt for anything else).
std::string CafRequestIdOf(int64_t number);
std::optional<int64_t> CafRequestNumberOf(const std::string& id);

absl::StatusOr<std::string> NextCafRequestId(Connection& conn);

// Inserts the declaration in state 0; the caller appends version 1 and the
// submission transition. Errors: kInvalidArgument for a bad id; kAborted
// when it exists.
absl::Status InsertCafRequest(Connection& conn, const CafRequestRow& row);
absl::StatusOr<int> AppendCafVersion(Connection& conn, const std::string& id,
                                     const CafVersionRow& version);
absl::Status AppendCafTransition(Connection& conn, const std::string& id,
                                 const CafTransitionRow& transition);
absl::StatusOr<int> AppendCafQuestions(Connection& conn, const std::string& id,
                                       const std::vector<std::string>& questions,
                                       const std::string& author, int64_t time_us);
absl::Status AppendCafOpinion(Connection& conn, const std::string& id,
                              const CafOpinionRow& opinion);
// Once per request (kAborted otherwise).
absl::Status InsertCafApproval(Connection& conn, const std::string& id,
                               const CafApprovalRow& approval);
// The file under its SHA-256 (stored once per content) and the upload,
// once per request (kAborted otherwise).
absl::Status InsertCafUpload(Connection& conn, const std::string& id, const CafUploadRow& upload,
                             const std::string& content);
// The uploaded file's bytes. Errors: kNotFound.
absl::StatusOr<std::string> GetCafFile(Connection& conn, const std::string& sha256);
// Appends the next download (1, 2, ...) and returns its number.
absl::StatusOr<int> AppendCafDownload(Connection& conn, const std::string& id,
                                      const std::string& downloader, int64_t time_us);

// Errors: kNotFound `request <id> not found`.
absl::StatusOr<StoredCafRequest> GetCafRequest(Connection& conn, const std::string& id);

struct CafRequestFilter {
  std::string commune;  // "" for every commune
  int state = 0;        // stored state; 0 for any
  int64_t before_number = 0;
};
absl::StatusOr<std::vector<StoredCafRequest>> ListCafRequests(Connection& conn,
                                                              const CafRequestFilter& filter,
                                                              int limit);

}  // namespace ctg::store

#endif  // CTG_STORE_CAF_REQUESTS_TABLE_H_
