// Checks of list filters that could otherwise never match: a filter value
// of the wrong shape gives an empty list and no hint. Thread-safe (pure).
#ifndef CTG_CLI_FILTERS_H_
#define CTG_CLI_FILTERS_H_

#include <string>

#include "absl/status/status.h"

namespace ctg::cli {

// --commune: empty, or an INSEE commune code (5 characters, "33069").
// Errors (kInvalidArgument) name --`flag` and the expected form.
absl::Status CheckCommuneFilter(const std::string& flag,
                                const std::string& value);

// --organisation of audit events: empty, "commune/INSEE" or "caf/ID", the
// organisation part of a SPIFFE ID. Errors (kInvalidArgument) say what was
// expected, with a corrected value when one is obvious ("33069" ->
// "commune/33069").
absl::Status CheckOrganisationFilter(const std::string& value);

}  // namespace ctg::cli

#endif  // CTG_CLI_FILTERS_H_
