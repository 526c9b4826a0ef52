// Requests, their declaration (R2), recipients (R3) and histories (R1) in
// PostgreSQL: the counterpart of store/sqlite/requests_table.h behind
// store::RequestStore, same rows, numbering, refusals (the schema's
// triggers: kAborted) and errors.
//
// Not thread-safe: used by the one thread of its session.
#ifndef CTG_STORE_POSTGRES_PG_REQUESTS_H_
#define CTG_STORE_POSTGRES_PG_REQUESTS_H_

#include <string>
#include <vector>

#include "store/postgres/pg_session.h"
#include "store/request_store.h"

namespace ctg::store::postgres {

class PgRequestStore final : public RequestStore {
 public:
  explicit PgRequestStore(PgSession& session) : s_(session) {}

  absl::StatusOr<std::string> NextId() const override;
  absl::Status Insert(const RequestRow& row) override;
  absl::StatusOr<int> AppendVersion(const std::string& request_id,
                                    const VersionRow& version) override;
  absl::Status AppendTransition(const std::string& request_id,
                                const TransitionRow& transition) override;
  absl::StatusOr<int> AppendQuestions(const std::string& request_id,
                                      const std::vector<std::string>& questions,
                                      const std::string& author,
                                      int64_t time_us) override;
  absl::Status AppendOpinion(const std::string& request_id,
                             const OpinionRow& opinion) override;
  absl::Status InsertApproval(const std::string& request_id,
                              const ApprovalRow& approval) override;
  absl::StatusOr<StoredRequest> Get(const std::string& id) const override;
  absl::StatusOr<std::vector<StoredRequest>> List(const RequestFilter& filter,
                                                  int limit) const override;

 private:
  absl::Status LoadHistory(StoredRequest& out) const;
  PgSession& s_;
};

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_REQUESTS_H_
