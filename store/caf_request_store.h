// The Caf's requests to communes (rule R1 in the Caf -> commune direction)
// as the store keeps them: the declaration, every version of its
// description and template, every transition, question and opinion, the
// approval's terms, the commune's upload (its file addressed by SHA-256)
// and the Caf's downloads.
//
// Append-only: a backend refuses, with kAborted, any change to a
// declaration (R2) or its deletion, any change or deletion of a version,
// transition, question, opinion, approval, upload, file or download, a
// transition that does not start from the request's current state, a
// second approval or upload; versions, question rounds and downloads are
// numbered 1, 2, 3... without gaps; the request's state is its last
// transition's `to_state`.
//
// Rows are plain data (numbers of the ctg.v1 enums; Unix microseconds).
// Handed out by a session (store/session.h) and valid only during it;
// const members only read. Not thread-safe: one thread at a time, that of
// its session.
#ifndef CTG_STORE_CAF_REQUEST_STORE_H_
#define CTG_STORE_CAF_REQUEST_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctg::store {

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

struct CafRequestFilter {
  std::string commune;  // "" for every commune
  int state = 0;        // stored state; 0 for any
  int64_t before_number = 0;
};

// "CREQ-000001" for 1; and back (nullopt for anything else).
std::string CafRequestIdOf(int64_t number);
std::optional<int64_t> CafRequestNumberOf(const std::string& id);

class CafRequestStore {
 public:
  virtual ~CafRequestStore() = default;

  // The id the next inserted request should take.
  virtual absl::StatusOr<std::string> NextId() const = 0;
  // Inserts the declaration with no state yet; the caller appends version 1
  // and the submission transition in the same session. Errors:
  // kInvalidArgument for a bad id; kAborted when it exists.
  virtual absl::Status Insert(const CafRequestRow& row) = 0;
  // Errors (all): kNotFound for an unknown request.
  virtual absl::StatusOr<int> AppendVersion(const std::string& id,
                                            const CafVersionRow& version) = 0;
  // kAborted when `from_state` is not the current state.
  virtual absl::Status AppendTransition(const std::string& id,
                                        const CafTransitionRow& transition) = 0;
  virtual absl::StatusOr<int> AppendQuestions(
      const std::string& id, const std::vector<std::string>& questions,
      const std::string& author, int64_t time_us) = 0;
  virtual absl::Status AppendOpinion(const std::string& id,
                                     const CafOpinionRow& opinion) = 0;
  // Once per request (kAborted otherwise).
  virtual absl::Status InsertApproval(const std::string& id,
                                      const CafApprovalRow& approval) = 0;
  // The file under its SHA-256 (stored once per content) and the upload,
  // once per request (kAborted otherwise).
  virtual absl::Status InsertUpload(const std::string& id,
                                    const CafUploadRow& upload,
                                    const std::string& content) = 0;
  // The uploaded file's bytes. Errors: kNotFound.
  virtual absl::StatusOr<std::string> File(const std::string& sha256) const = 0;
  // Appends the next download (1, 2, ...) and returns its number.
  virtual absl::StatusOr<int> AppendDownload(const std::string& id,
                                             const std::string& downloader,
                                             int64_t time_us) = 0;
  // Errors: kNotFound `request <id> not found`.
  virtual absl::StatusOr<StoredCafRequest> Get(const std::string& id) const = 0;
  // Newest first, at most `limit`, each with its history.
  virtual absl::StatusOr<std::vector<StoredCafRequest>> List(
      const CafRequestFilter& filter, int limit) const = 0;
};

}  // namespace ctg::store

#endif  // CTG_STORE_CAF_REQUEST_STORE_H_
