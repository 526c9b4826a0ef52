// Conventions (one per commune and period of validity) and their history,
// as the store keeps them. Rows are plain data; the rules
// (policy/convention.h, policy/convention_lifecycle.h) decide what they
// allow.
//
// A convention's declaration (id, commune, perimeter, validity, prior
// agreements) is written once; only its state (suspension, termination)
// changes. Its history (events) is append-only.
//
// Handed out by a session (store/session.h), valid only during it; const
// members only read. Not thread-safe: one thread at a time.
#ifndef CTG_STORE_CONVENTION_STORE_H_
#define CTG_STORE_CONVENTION_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctg::store {

struct PriorAgreementRow {
  std::string title;
  std::string date;  // YYYY-MM-DD
  std::string description;
};

struct ConventionRow {
  std::string id;
  std::string commune;
  std::string commune_name;
  std::vector<std::string> perimeter;
  std::string valid_from;   // YYYY-MM-DD
  std::string valid_until;  // YYYY-MM-DD
  std::string caf_name;
  std::vector<PriorAgreementRow> prior_agreements;
  bool suspended = false;
  std::string suspension_reason;
  std::string termination_notice_date;     // "" when not terminated
  std::string termination_effective_date;  // "" when not terminated
  int64_t create_time_us = 0;
};

struct ConventionEventRow {
  std::string action;  // created, suspended, reinstated, terminated,
                       // termination-corrected
  std::string actor;
  int64_t time_us = 0;
  std::string reason;
};

class ConventionStore {
 public:
  virtual ~ConventionStore() = default;

  // Errors: kAborted when the id exists.
  virtual absl::Status Insert(const ConventionRow& row) = 0;
  // Errors: kNotFound naming the id.
  virtual absl::StatusOr<ConventionRow> Get(const std::string& id) const = 0;
  // Conventions ordered by id, after `after_id`, at most `limit`; only those
  // of `commune` when non-empty.
  virtual absl::StatusOr<std::vector<ConventionRow>> List(
      const std::string& commune, const std::string& after_id,
      int limit) const = 0;
  // Writes the state (suspension, termination) of `row.id`; the rest of
  // `row` is ignored. Errors: kNotFound naming the id.
  virtual absl::Status UpdateState(const ConventionRow& row) = 0;
  // Number of conventions ever created for `commune` (to number the next
  // one).
  virtual absl::StatusOr<int> CountForCommune(
      const std::string& commune) const = 0;

  // Appends one event to the convention's history.
  virtual absl::Status AppendEvent(const std::string& convention_id,
                                   const ConventionEventRow& event) = 0;
  // The convention's events in recording order.
  virtual absl::StatusOr<std::vector<ConventionEventRow>> History(
      const std::string& id) const = 0;
};

}  // namespace ctg::store

#endif  // CTG_STORE_CONVENTION_STORE_H_
