// The SQLite tables of onward-transfer agreements (migration 6 of
// store/sqlite/schema.cc), behind store::TransferAgreementStore
// (store/transfer_agreement_store.h states the rules; the schema's triggers
// enforce them). Free functions over a connection; not thread-safe beyond
// the Connection's own rules.
#ifndef CTG_STORE_SQLITE_TRANSFER_AGREEMENTS_TABLE_H_
#define CTG_STORE_SQLITE_TRANSFER_AGREEMENTS_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite/sqlite.h"
#include "store/transfer_agreement_store.h"

namespace ctg::store::sqlite {

extern const char kTransferAgreementsSchema[];

absl::StatusOr<std::string> NextAgreementId(Connection& conn);
absl::Status InsertAgreement(Connection& conn, const AgreementRow& row);
absl::Status InsertAgreementDecision(Connection& conn, const std::string& id,
                                     const AgreementDecisionRow& decision);
absl::StatusOr<AgreementRow> GetAgreement(Connection& conn,
                                          const std::string& id);
absl::StatusOr<std::vector<AgreementRow>> ListAgreements(
    Connection& conn, const AgreementFilter& filter, int limit);
absl::StatusOr<uint64_t> FindDecisionEvent(Connection& conn,
                                           const std::string& id);
absl::StatusOr<ReleaseRef> GetReleaseByExtractId(Connection& conn,
                                                 const std::string& extract_id);

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_TRANSFER_AGREEMENTS_TABLE_H_
