// Onward-transfer agreements (rule R3) as stored: what the commune asked
// (immutable) and the Caf's decision (once, append-only). The ENDED state
// is never stored: it follows from the request's revocation or the
// convention's end (policy::EffectiveAgreementState). Migration 6 of
// store/schema.cc. Also the lookup of a release by its extract id, which
// an agreement names.
//
// Functions take the Connection of a transaction (writes) or of a read;
// they are not thread-safe beyond the Connection's own rules.
#ifndef CTG_STORE_TRANSFER_AGREEMENTS_TABLE_H_
#define CTG_STORE_TRANSFER_AGREEMENTS_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite.h"

namespace ctg::store {

extern const char kTransferAgreementsSchema[];

struct AgreementDecisionRow {
  int state = 0;  // 2 approved, 3 rejected (ctg.v1.TransferAgreementState)
  std::string reasons;
  std::string reviewer;
  int64_t time_us = 0;
  uint64_t audit_sequence = 0;  // read only: the decision's event, 0 if unknown
};

struct AgreementRow {
  std::string id;  // "AGR-000001"
  std::string extract_id;
  std::string request_id;
  std::string commune;
  std::string convention_id;
  std::string extract_sha256;
  std::string recipient;
  std::string purpose;
  std::string requester;
  int64_t create_time_us = 0;
  std::optional<AgreementDecisionRow> decision;  // read only
};

std::string AgreementIdOf(int64_t number);
std::optional<int64_t> AgreementNumberOf(const std::string& id);
absl::StatusOr<std::string> NextAgreementId(Connection& conn);

// Errors: kInvalidArgument for a bad id; kAborted when it exists.
absl::Status InsertAgreement(Connection& conn, const AgreementRow& row);
// Once per agreement (kAborted otherwise); kNotFound for an unknown one.
absl::Status InsertAgreementDecision(Connection& conn, const std::string& id,
                                     const AgreementDecisionRow& decision);
// Errors: kNotFound `agreement <id> not found`.
absl::StatusOr<AgreementRow> GetAgreement(Connection& conn, const std::string& id);

struct AgreementFilter {
  std::string commune;     // "" for every commune
  std::string extract_id;  // "" for every release
  std::string request_id;  // "" for every request
  int64_t before_number = 0;
};
// Newest first, at most `limit`.
absl::StatusOr<std::vector<AgreementRow>> ListAgreements(Connection& conn,
                                                         const AgreementFilter& filter,
                                                         int limit);

// The audit sequence of the successful DecideTransferAgreement event of
// agreement `id` (its receipt is built from it); 0 when there is none.
absl::StatusOr<uint64_t> FindDecisionEvent(Connection& conn, const std::string& id);

// The release (first download) recorded with `extract_id`. Errors:
// kNotFound `release <id> not found`.
struct ReleaseRef {
  std::string extract_id;
  std::string request_id;
  std::string commune;
  std::string sha256;
  int64_t time_us = 0;
};
absl::StatusOr<ReleaseRef> GetReleaseByExtractId(Connection& conn, const std::string& extract_id);

}  // namespace ctg::store

#endif  // CTG_STORE_TRANSFER_AGREEMENTS_TABLE_H_
