// The Caf's requests to communes (store/caf_request_store.h) and the
// onward-transfer agreements (store/transfer_agreement_store.h) on the
// PostgreSQL backend. Their tables exist (schema migrations 5 and 6, as on
// SQLite), but the stores are not ported yet: every call is refused with
// kUnimplemented, the message naming the backend, and nothing is written.
//
// Thread-safe (no state).
#ifndef CTG_STORE_POSTGRES_PG_ARTICLE7_H_
#define CTG_STORE_POSTGRES_PG_ARTICLE7_H_

#include <cstdint>
#include <string>
#include <vector>

#include "store/caf_request_store.h"
#include "store/transfer_agreement_store.h"

namespace ctg::store::postgres {

class PgCafRequestStore final : public CafRequestStore {
 public:
  absl::StatusOr<std::string> NextId() const override;
  absl::Status Insert(const CafRequestRow& row) override;
  absl::StatusOr<int> AppendVersion(const std::string& id,
                                    const CafVersionRow& row) override;
  absl::Status AppendTransition(const std::string& id,
                                const CafTransitionRow& row) override;
  absl::StatusOr<int> AppendQuestions(const std::string& id,
                                      const std::vector<std::string>& questions,
                                      const std::string& by,
                                      int64_t at_us) override;
  absl::Status AppendOpinion(const std::string& id,
                             const CafOpinionRow& row) override;
  absl::Status InsertApproval(const std::string& id,
                              const CafApprovalRow& row) override;
  absl::Status InsertUpload(const std::string& id, const CafUploadRow& row,
                            const std::string& file) override;
  absl::StatusOr<std::string> File(const std::string& id) const override;
  absl::StatusOr<int> AppendDownload(const std::string& id,
                                     const std::string& by,
                                     int64_t at_us) override;
  absl::StatusOr<StoredCafRequest> Get(const std::string& id) const override;
  absl::StatusOr<std::vector<StoredCafRequest>> List(
      const CafRequestFilter& filter, int limit) const override;
};

class PgTransferAgreementStore final : public TransferAgreementStore {
 public:
  absl::StatusOr<std::string> NextId() const override;
  absl::Status Insert(const AgreementRow& row) override;
  absl::Status InsertDecision(const std::string& id,
                              const AgreementDecisionRow& row) override;
  absl::StatusOr<AgreementRow> Get(const std::string& id) const override;
  absl::StatusOr<std::vector<AgreementRow>> List(const AgreementFilter& filter,
                                                 int limit) const override;
  absl::StatusOr<uint64_t> DecisionEvent(const std::string& id) const override;
  absl::StatusOr<ReleaseRef> FindRelease(
      const std::string& release_id) const override;
};

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_ARTICLE7_H_
