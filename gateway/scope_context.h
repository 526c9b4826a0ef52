// What a commune may ask for, in the plain form the pure rules of
// policy/request_validation.h take (ValidateScope, ValidateSubmission,
// ValidateAmendment, ValidateDecision):
//
//   - the catalogue view: every indicator of the static catalogue
//     (statbase/catalogue.h) with the codes of its breakdowns, and the
//     periods present in the statistical base
//     (store::StatisticsStore::ListPeriods);
//   - the expanded perimeter of a convention: its territories as listed,
//     or, when it lists only the commune code (which covers the commune
//     and all its IRIS and QPVs, policy::ValidatePerimeter), the commune
//     and every territory of that commune in the statistical base
//     (store::StatisticsStore::ListTerritories, latest period), the same set
//     gateway/conventions.h's InPerimeter accepts.
//
// Used by the request workflow (submission, amendment, decision) and by the
// extracts, which must check an approved scope against the same sets.
//
// Functions read through the session they are given (a read or a write
// session) and keep no state: thread-safe as far as the session is.
#ifndef CTG_GATEWAY_SCOPE_CONTEXT_H_
#define CTG_GATEWAY_SCOPE_CONTEXT_H_

#include "absl/status/statusor.h"
#include "policy/request_validation.h"
#include "store/convention_store.h"
#include "store/session.h"

namespace ctg::gateway {

// The catalogue's indicators and breakdowns; no periods. No I/O.
policy::CatalogueView CatalogueIndicators();

// CatalogueIndicators() plus the periods of the statistical base (empty
// when nothing was imported yet: then no period can be asked for).
// Errors: the store's (kInternal, kUnavailable).
absl::StatusOr<policy::CatalogueView> LoadCatalogueView(
    store::ReadSession& session);

// The expanded perimeter of `convention` (see the file comment), named by
// its id in policy messages. Errors: the store's.
absl::StatusOr<policy::Perimeter> LoadPerimeter(
    store::ReadSession& session, const store::ConventionRow& convention);

// Both, for one convention.
struct ScopeContext {
  policy::CatalogueView catalogue;
  policy::Perimeter perimeter;
};
absl::StatusOr<ScopeContext> LoadScopeContext(
    store::ReadSession& session, const store::ConventionRow& convention);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SCOPE_CONTEXT_H_
