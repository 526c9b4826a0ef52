// Conventions (one per commune and period of validity) and their history.
// Rows are plain data; the rules (policy/convention.h) decide what they
// allow. Functions take the Connection of a transaction or read.
#ifndef CTG_STORE_CONVENTIONS_TABLE_H_
#define CTG_STORE_CONVENTIONS_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite.h"

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
  std::string action;  // created, suspended, reinstated, terminated, termination-corrected
  std::string actor;
  int64_t time_us = 0;
  std::string reason;
};

// Errors: kAborted when the id exists.
absl::Status InsertConvention(Connection& conn, const ConventionRow& row);
// Errors: kNotFound naming the id.
absl::StatusOr<ConventionRow> GetConvention(Connection& conn, const std::string& id);
// Conventions ordered by id, after `after_id`, at most `limit`; only those of
// `commune` when non-empty.
absl::StatusOr<std::vector<ConventionRow>> ListConventions(Connection& conn,
                                                           const std::string& commune,
                                                           const std::string& after_id,
                                                           int limit);
// Writes the mutable state columns (suspension, termination) of `row.id`.
absl::Status UpdateConventionState(Connection& conn, const ConventionRow& row);
// Number of conventions ever created for `commune` (to number the next one).
absl::StatusOr<int> CountConventions(Connection& conn, const std::string& commune);

absl::Status AppendConventionEvent(Connection& conn, const std::string& convention_id,
                                   const ConventionEventRow& event);
absl::StatusOr<std::vector<ConventionEventRow>> ConventionHistory(Connection& conn,
                                                                  const std::string& id);

}  // namespace ctg::store

#endif  // CTG_STORE_CONVENTIONS_TABLE_H_
