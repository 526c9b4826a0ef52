// The Caf's requests to communes (store/caf_request_store.h) and the
// onward-transfer agreements (store/transfer_agreement_store.h) in
// PostgreSQL: the counterparts of store/sqlite/caf_requests_table.h and
// transfer_agreements_table.h on the tables of schema migrations 5 and 6,
// with the same rows, numbering, refusals (the schema's triggers and keys:
// kAborted) and errors.
//
// Across replicas: writes run inside PgDatabase::Write, whose transaction
// holds the audit sequencer, so numbering (ids, versions, rounds,
// downloads) and the transitions' chain see every write other replicas
// committed before.
//
// Not thread-safe: used by the one thread of its session.
#ifndef CTG_STORE_POSTGRES_PG_ARTICLE7_H_
#define CTG_STORE_POSTGRES_PG_ARTICLE7_H_

#include <cstdint>
#include <string>
#include <vector>

#include "store/caf_request_store.h"
#include "store/postgres/pg_session.h"
#include "store/transfer_agreement_store.h"

namespace ctg::store::postgres {

class PgCafRequestStore final : public CafRequestStore {
 public:
  explicit PgCafRequestStore(PgSession& session) : s_(session) {}

  absl::StatusOr<std::string> NextId() const override;
  absl::Status Insert(const CafRequestRow& row) override;
  absl::StatusOr<int> AppendVersion(const std::string& id,
                                    const CafVersionRow& version) override;
  absl::Status AppendTransition(const std::string& id,
                                const CafTransitionRow& transition) override;
  absl::StatusOr<int> AppendQuestions(const std::string& id,
                                      const std::vector<std::string>& questions,
                                      const std::string& author,
                                      int64_t time_us) override;
  absl::Status AppendOpinion(const std::string& id,
                             const CafOpinionRow& opinion) override;
  absl::Status InsertApproval(const std::string& id,
                              const CafApprovalRow& approval) override;
  absl::Status InsertUpload(const std::string& id, const CafUploadRow& upload,
                            const std::string& content) override;
  absl::StatusOr<std::string> File(const std::string& sha256) const override;
  absl::StatusOr<int> AppendDownload(const std::string& id,
                                     const std::string& downloader,
                                     int64_t time_us) override;
  absl::StatusOr<StoredCafRequest> Get(const std::string& id) const override;
  absl::StatusOr<std::vector<StoredCafRequest>> List(
      const CafRequestFilter& filter, int limit) const override;

 private:
  absl::Status LoadHistory(StoredCafRequest& out) const;
  PgSession& s_;
};

class PgTransferAgreementStore final : public TransferAgreementStore {
 public:
  explicit PgTransferAgreementStore(PgSession& session) : s_(session) {}

  absl::StatusOr<std::string> NextId() const override;
  absl::Status Insert(const AgreementRow& row) override;
  absl::Status InsertDecision(const std::string& id,
                              const AgreementDecisionRow& decision) override;
  absl::StatusOr<AgreementRow> Get(const std::string& id) const override;
  absl::StatusOr<std::vector<AgreementRow>> List(const AgreementFilter& filter,
                                                 int limit) const override;
  absl::StatusOr<uint64_t> DecisionEvent(const std::string& id) const override;
  absl::StatusOr<ReleaseRef> FindRelease(
      const std::string& extract_id) const override;

 private:
  PgSession& s_;
};

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_ARTICLE7_H_
