// Onward-transfer agreements (rule R3) as the store keeps them: what the
// commune asked (immutable) and the Caf's decision (once). The ENDED state
// is never stored: it follows from the request's revocation or the
// convention's end (policy::EffectiveAgreementState). Also the lookups an
// agreement needs: the release it names (by extract id) and the audit
// event of its decision (for its receipt).
//
// A backend refuses, with kAborted, any change or deletion of an agreement
// or a decision, and a second decision. Handed out by a session
// (store/session.h) and valid only during it; const members only read. Not
// thread-safe: one thread at a time, that of its session.
#ifndef CTG_STORE_TRANSFER_AGREEMENT_STORE_H_
#define CTG_STORE_TRANSFER_AGREEMENT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctg::store {

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

struct AgreementFilter {
  std::string commune;     // "" for every commune
  std::string extract_id;  // "" for every release
  std::string request_id;  // "" for every request
  int64_t before_number = 0;
};

// A release (its first download) as an agreement names it.
struct ReleaseRef {
  std::string extract_id;
  std::string request_id;
  std::string commune;
  std::string sha256;
  int64_t time_us = 0;
};

// "AGR-000001" for 1; and back (nullopt for anything else).
std::string AgreementIdOf(int64_t number);
std::optional<int64_t> AgreementNumberOf(const std::string& id);

class TransferAgreementStore {
 public:
  virtual ~TransferAgreementStore() = default;

  virtual absl::StatusOr<std::string> NextId() const = 0;
  // Errors: kInvalidArgument for a bad id; kAborted when it exists or its
  // request is unknown.
  virtual absl::Status Insert(const AgreementRow& row) = 0;
  // Once per agreement (kAborted otherwise); kNotFound for an unknown one.
  virtual absl::Status InsertDecision(const std::string& id,
                                      const AgreementDecisionRow& decision) = 0;
  // Errors: kNotFound `agreement <id> not found`.
  virtual absl::StatusOr<AgreementRow> Get(const std::string& id) const = 0;
  // Newest first, at most `limit`.
  virtual absl::StatusOr<std::vector<AgreementRow>> List(
      const AgreementFilter& filter, int limit) const = 0;
  // The audit sequence of the successful DecideTransferAgreement event of
  // agreement `id`; 0 when there is none.
  virtual absl::StatusOr<uint64_t> DecisionEvent(
      const std::string& id) const = 0;
  // The release recorded with `extract_id`. Errors: kNotFound `release
  // <id> not found`.
  virtual absl::StatusOr<ReleaseRef> FindRelease(
      const std::string& extract_id) const = 0;
};

}  // namespace ctg::store

#endif  // CTG_STORE_TRANSFER_AGREEMENT_STORE_H_
