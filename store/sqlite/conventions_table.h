// Conventions (one per commune and period of validity) and their history.
// Rows are plain data; the rules (policy/convention.h) decide what they
// allow. Functions take the Connection of a transaction or read.
#ifndef CTG_STORE_SQLITE_CONVENTIONS_TABLE_H_
#define CTG_STORE_SQLITE_CONVENTIONS_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/convention_store.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::sqlite {

// Errors: kAborted when the id exists.
absl::Status InsertConvention(Connection& conn, const ConventionRow& row);
// Errors: kNotFound naming the id.
absl::StatusOr<ConventionRow> GetConvention(Connection& conn,
                                            const std::string& id);
// Conventions ordered by id, after `after_id`, at most `limit`; only those of
// `commune` when non-empty.
absl::StatusOr<std::vector<ConventionRow>> ListConventions(
    Connection& conn, const std::string& commune, const std::string& after_id,
    int limit);
// Writes the mutable state columns (suspension, termination) of `row.id`.
absl::Status UpdateConventionState(Connection& conn, const ConventionRow& row);
// Number of conventions ever created for `commune` (to number the next one).
absl::StatusOr<int> CountConventions(Connection& conn,
                                     const std::string& commune);

absl::Status AppendConventionEvent(Connection& conn,
                                   const std::string& convention_id,
                                   const ConventionEventRow& event);
absl::StatusOr<std::vector<ConventionEventRow>> ConventionHistory(
    Connection& conn, const std::string& id);

}  // namespace ctg::store::sqlite

#endif  // CTG_STORE_SQLITE_CONVENTIONS_TABLE_H_
