// The SQLite tables of the Caf's requests to communes (migration 5 of
// store/sqlite/schema.cc): free functions over a connection, behind
// store::CafRequestStore (store/caf_request_store.h states the rules; the
// schema's triggers enforce them).
//
// Not thread-safe beyond the Connection's own rules.
#ifndef CTG_STORE_SQLITE_CAF_REQUESTS_TABLE_H_
#define CTG_STORE_SQLITE_CAF_REQUESTS_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/caf_request_store.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {

extern const char kCafRequestsSchema[];

absl::StatusOr<std::string> NextCafRequestId(Connection& conn);

// Inserts the declaration in state 0; the caller appends version 1 and the
// submission transition. Errors: kInvalidArgument for a bad id; kAborted
// when it exists.
absl::Status InsertCafRequest(Connection& conn, const CafRequestRow& row);
absl::StatusOr<int> AppendCafVersion(Connection& conn, const std::string& id,
                                     const CafVersionRow& version);
absl::Status AppendCafTransition(Connection& conn, const std::string& id,
                                 const CafTransitionRow& transition);
absl::StatusOr<int> AppendCafQuestions(
    Connection& conn, const std::string& id,
    const std::vector<std::string>& questions, const std::string& author,
    int64_t time_us);
absl::Status AppendCafOpinion(Connection& conn, const std::string& id,
                              const CafOpinionRow& opinion);
// Once per request (kAborted otherwise).
absl::Status InsertCafApproval(Connection& conn, const std::string& id,
                               const CafApprovalRow& approval);
// The file under its SHA-256 (stored once per content) and the upload,
// once per request (kAborted otherwise).
absl::Status InsertCafUpload(Connection& conn, const std::string& id,
                             const CafUploadRow& upload,
                             const std::string& content);
// The uploaded file's bytes. Errors: kNotFound.
absl::StatusOr<std::string> GetCafFile(Connection& conn,
                                       const std::string& sha256);
// Appends the next download (1, 2, ...) and returns its number.
absl::StatusOr<int> AppendCafDownload(Connection& conn, const std::string& id,
                                      const std::string& downloader,
                                      int64_t time_us);

// Errors: kNotFound `request <id> not found`.
absl::StatusOr<StoredCafRequest> GetCafRequest(Connection& conn,
                                               const std::string& id);

absl::StatusOr<std::vector<StoredCafRequest>> ListCafRequests(
    Connection& conn, const CafRequestFilter& filter, int limit);

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_CAF_REQUESTS_TABLE_H_
