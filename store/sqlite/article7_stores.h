// The stores of Article 7's other exchanges over one SQLite connection:
// the Caf's requests to communes (store/caf_request_store.h) and the
// onward-transfer agreements (store/transfer_agreement_store.h), thin
// adapters over store/sqlite/caf_requests_table.h and
// transfer_agreements_table.h. Used by the SQLite sessions only.
//
// Not thread-safe: as the Connection they are given, which must outlive
// them.
#ifndef CTG_STORE_SQLITE_ARTICLE7_STORES_H_
#define CTG_STORE_SQLITE_ARTICLE7_STORES_H_

#include "store/caf_request_store.h"
#include "store/sqlite/sqlite.h"
#include "store/transfer_agreement_store.h"

namespace ctg::store::sqlite {

class SqliteCafRequestStore final : public CafRequestStore {
 public:
  explicit SqliteCafRequestStore(Connection& conn) : conn_(conn) {}
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
  Connection& conn_;
};

class SqliteTransferAgreementStore final : public TransferAgreementStore {
 public:
  explicit SqliteTransferAgreementStore(Connection& conn) : conn_(conn) {}
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
  Connection& conn_;
};

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_ARTICLE7_STORES_H_
