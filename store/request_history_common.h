// What both backends' request-history code shares, whatever the SQL: the
// commune's requests and the Caf's requests to communes (the two directions
// of Article 7, R1) keep their transitions, questions and opinions in tables
// of the same names and columns in either schema, and their codes as
// single-space joined lists. store/sqlite/request_history_tables.h and
// store/postgres/pg_request_history.h build their queries on this.
//
// Pure; thread-safe.
#ifndef CTG_STORE_REQUEST_HISTORY_COMMON_H_
#define CTG_STORE_REQUEST_HISTORY_COMMON_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ctg::store {

// The tables of one direction: the declarations' table and the prefix of
// its history tables (`<prefix>transitions`, `<prefix>questions`, ...).
// Constant names, never client text.
struct RequestTables {
  absl::string_view requests;  // "requests"
  absl::string_view prefix;    // "request_"
};
inline constexpr RequestTables kCommuneRequestTables = {"requests", "request_"};
inline constexpr RequestTables kCafRequestTables = {"caf_requests",
                                                    "caf_request_"};

// `codes` joined by single spaces. Errors: kInvalidArgument `<field>.<list>:
// "<code>" is not a code` for an empty code or one with white space.
absl::StatusOr<std::string> JoinCodes(absl::string_view field,
                                      absl::string_view list,
                                      const std::vector<std::string>& codes);
// The codes of a joined list.
std::vector<std::string> SplitCodes(absl::string_view joined);

// kNotFound `request <id> not found` (the id made safe to print).
absl::Status RequestNotFoundError(const std::string& id);

}  // namespace ctg::store

#endif  // CTG_STORE_REQUEST_HISTORY_COMMON_H_
