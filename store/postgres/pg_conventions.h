// Conventions (R10-R12), their prior agreements and history in PostgreSQL:
// the counterpart of store/convention_store.h, same rows and errors.
// Identifiers are ordered byte-wise (COLLATE "C"), as SQLite orders them,
// whatever the database's collation, so that pages are the same.
//
// Functions use the session they are given (one thread at a time).
#ifndef CTG_STORE_POSTGRES_PG_CONVENTIONS_H_
#define CTG_STORE_POSTGRES_PG_CONVENTIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/convention_store.h"
#include "store/postgres/pg_session.h"

namespace ctg::store::postgres {

// Errors: kAborted when the id exists.
absl::Status PgInsertConvention(PgSession& tx, const ConventionRow& row);
// Errors: kNotFound.
absl::StatusOr<ConventionRow> PgGetConvention(PgSession& session,
                                              const std::string& id);
// Conventions with id > after_id (of `commune` unless empty), by id.
absl::StatusOr<std::vector<ConventionRow>> PgListConventions(
    PgSession& session, const std::string& commune, const std::string& after_id,
    int limit);
// Suspension and termination fields. Errors: kNotFound.
absl::Status PgUpdateConventionState(PgSession& tx, const ConventionRow& row);
absl::StatusOr<int> PgCountConventions(PgSession& session,
                                       const std::string& commune);
absl::Status PgAppendConventionEvent(PgSession& tx,
                                     const std::string& convention_id,
                                     const ConventionEventRow& event);
// In the order appended.
absl::StatusOr<std::vector<ConventionEventRow>> PgConventionHistory(
    PgSession& session, const std::string& id);

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_CONVENTIONS_H_
