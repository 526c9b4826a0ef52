#include "store/sqlite/article7_stores.h"

#include "store/sqlite/caf_requests_table.h"
#include "store/sqlite/transfer_agreements_table.h"

namespace ctg::store::sqlite {

absl::StatusOr<std::string> SqliteCafRequestStore::NextId() const {
  return NextCafRequestId(conn_);
}
absl::Status SqliteCafRequestStore::Insert(const CafRequestRow& row) {
  return InsertCafRequest(conn_, row);
}
absl::StatusOr<int> SqliteCafRequestStore::AppendVersion(
    const std::string& id, const CafVersionRow& version) {
  return AppendCafVersion(conn_, id, version);
}
absl::Status SqliteCafRequestStore::AppendTransition(
    const std::string& id, const CafTransitionRow& transition) {
  return AppendCafTransition(conn_, id, transition);
}
absl::StatusOr<int> SqliteCafRequestStore::AppendQuestions(
    const std::string& id, const std::vector<std::string>& questions,
    const std::string& author, int64_t time_us) {
  return AppendCafQuestions(conn_, id, questions, author, time_us);
}
absl::Status SqliteCafRequestStore::AppendOpinion(
    const std::string& id, const CafOpinionRow& opinion) {
  return AppendCafOpinion(conn_, id, opinion);
}
absl::Status SqliteCafRequestStore::InsertApproval(
    const std::string& id, const CafApprovalRow& approval) {
  return InsertCafApproval(conn_, id, approval);
}
absl::Status SqliteCafRequestStore::InsertUpload(const std::string& id,
                                                 const CafUploadRow& upload,
                                                 const std::string& content) {
  return InsertCafUpload(conn_, id, upload, content);
}
absl::StatusOr<std::string> SqliteCafRequestStore::File(
    const std::string& sha256) const {
  return GetCafFile(conn_, sha256);
}
absl::StatusOr<int> SqliteCafRequestStore::AppendDownload(
    const std::string& id, const std::string& downloader, int64_t time_us) {
  return AppendCafDownload(conn_, id, downloader, time_us);
}
absl::StatusOr<StoredCafRequest> SqliteCafRequestStore::Get(
    const std::string& id) const {
  return GetCafRequest(conn_, id);
}
absl::StatusOr<std::vector<StoredCafRequest>> SqliteCafRequestStore::List(
    const CafRequestFilter& filter, int limit) const {
  return ListCafRequests(conn_, filter, limit);
}

absl::StatusOr<std::string> SqliteTransferAgreementStore::NextId() const {
  return NextAgreementId(conn_);
}
absl::Status SqliteTransferAgreementStore::Insert(const AgreementRow& row) {
  return InsertAgreement(conn_, row);
}
absl::Status SqliteTransferAgreementStore::InsertDecision(
    const std::string& id, const AgreementDecisionRow& decision) {
  return InsertAgreementDecision(conn_, id, decision);
}
absl::StatusOr<AgreementRow> SqliteTransferAgreementStore::Get(
    const std::string& id) const {
  return GetAgreement(conn_, id);
}
absl::StatusOr<std::vector<AgreementRow>> SqliteTransferAgreementStore::List(
    const AgreementFilter& filter, int limit) const {
  return ListAgreements(conn_, filter, limit);
}
absl::StatusOr<uint64_t> SqliteTransferAgreementStore::DecisionEvent(
    const std::string& id) const {
  return FindDecisionEvent(conn_, id);
}
absl::StatusOr<ReleaseRef> SqliteTransferAgreementStore::FindRelease(
    const std::string& extract_id) const {
  return GetReleaseByExtractId(conn_, extract_id);
}

}  // namespace ctg::store::sqlite
