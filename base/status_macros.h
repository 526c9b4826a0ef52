// Early-return helpers for absl::Status / absl::StatusOr, which Debian's
// abseil (20220623) does not ship (status_macros.h came later).
//
//   CTG_RETURN_IF_ERROR(DoThing());
//   CTG_ASSIGN_OR_RETURN(Table table, ParseTable(text));
#ifndef CTG_BASE_STATUS_MACROS_H_
#define CTG_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CTG_STATUS_CONCAT_INNER_(a, b) a##b
#define CTG_STATUS_CONCAT_(a, b) CTG_STATUS_CONCAT_INNER_(a, b)

// __COUNTER__ keeps the temporaries distinct when the macros nest (a lambda
// using them inside another use).
#define CTG_RETURN_IF_ERROR(expr) \
  CTG_RETURN_IF_ERROR_IMPL_(CTG_STATUS_CONCAT_(ctg_status_, __COUNTER__), expr)
#define CTG_RETURN_IF_ERROR_IMPL_(status, expr)                      \
  do {                                                               \
    if (::absl::Status status = (expr); !status.ok()) return status; \
  } while (false)

#define CTG_ASSIGN_OR_RETURN(lhs, rexpr)                                     \
  CTG_ASSIGN_OR_RETURN_IMPL_(CTG_STATUS_CONCAT_(ctg_statusor_, __COUNTER__), \
                             lhs, rexpr)

#define CTG_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)   \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // CTG_BASE_STATUS_MACROS_H_
