#include "store/postgres/pg_article7.h"

#include "absl/strings/str_cat.h"

namespace ctg::store::postgres {
namespace {

absl::Status NotYet(const char* what) {
  return absl::UnimplementedError(
      absl::StrCat(what, " is not available on the PostgreSQL backend yet"));
}
absl::Status CafRequests() { return NotYet("the Caf's requests to communes"); }
absl::Status Agreements() { return NotYet("the onward-transfer agreements"); }

}  // namespace

absl::StatusOr<std::string> PgCafRequestStore::NextId() const {
  return CafRequests();
}
absl::Status PgCafRequestStore::Insert(const CafRequestRow&) {
  return CafRequests();
}
absl::StatusOr<int> PgCafRequestStore::AppendVersion(const std::string&,
                                                     const CafVersionRow&) {
  return CafRequests();
}
absl::Status PgCafRequestStore::AppendTransition(const std::string&,
                                                 const CafTransitionRow&) {
  return CafRequests();
}
absl::StatusOr<int> PgCafRequestStore::AppendQuestions(
    const std::string&, const std::vector<std::string>&, const std::string&,
    int64_t) {
  return CafRequests();
}
absl::Status PgCafRequestStore::AppendOpinion(const std::string&,
                                              const CafOpinionRow&) {
  return CafRequests();
}
absl::Status PgCafRequestStore::InsertApproval(const std::string&,
                                               const CafApprovalRow&) {
  return CafRequests();
}
absl::Status PgCafRequestStore::InsertUpload(const std::string&,
                                             const CafUploadRow&,
                                             const std::string&) {
  return CafRequests();
}
absl::StatusOr<std::string> PgCafRequestStore::File(const std::string&) const {
  return CafRequests();
}
absl::StatusOr<int> PgCafRequestStore::AppendDownload(const std::string&,
                                                      const std::string&,
                                                      int64_t) {
  return CafRequests();
}
absl::StatusOr<StoredCafRequest> PgCafRequestStore::Get(
    const std::string&) const {
  return CafRequests();
}
// Nothing can be stored here (every write is refused), so a listing is
// truthfully empty: the R13 report and the listings keep working.
absl::StatusOr<std::vector<StoredCafRequest>> PgCafRequestStore::List(
    const CafRequestFilter&, int) const {
  return std::vector<StoredCafRequest>{};
}

absl::StatusOr<std::string> PgTransferAgreementStore::NextId() const {
  return Agreements();
}
absl::Status PgTransferAgreementStore::Insert(const AgreementRow&) {
  return Agreements();
}
absl::Status PgTransferAgreementStore::InsertDecision(
    const std::string&, const AgreementDecisionRow&) {
  return Agreements();
}
absl::StatusOr<AgreementRow> PgTransferAgreementStore::Get(
    const std::string&) const {
  return Agreements();
}
absl::StatusOr<std::vector<AgreementRow>> PgTransferAgreementStore::List(
    const AgreementFilter&, int) const {
  return std::vector<AgreementRow>{};  // empty, as above
}
absl::StatusOr<uint64_t> PgTransferAgreementStore::DecisionEvent(
    const std::string&) const {
  return Agreements();
}
absl::StatusOr<ReleaseRef> PgTransferAgreementStore::FindRelease(
    const std::string&) const {
  return Agreements();
}

}  // namespace ctg::store::postgres
