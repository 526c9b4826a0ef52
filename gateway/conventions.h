// Loading conventions with their rules applied: the bridge between the
// stored rows (store/convention_store.h) and policy/convention.h, shared by
// every service that must check a commune's convention (requests, extracts,
// catalogue).
#ifndef CTG_GATEWAY_CONVENTIONS_H_
#define CTG_GATEWAY_CONVENTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "policy/convention.h"
#include "policy/identity.h"
#include "store/convention_store.h"
#include "store/session.h"

namespace ctg::gateway {

// The rules' view of a stored convention. Errors: kDataLoss if stored dates
// do not parse (they were validated when written).
absl::StatusOr<policy::ConventionTerms> TermsOf(
    const store::ConventionRow& row);

// The convention a commune works under on `today`: the most recent one
// whose window contains today, else the most recent one. Errors:
// kFailedPrecondition when the commune has no convention at all.
absl::StatusOr<store::ConventionRow> CurrentConvention(
    store::ReadSession& session, const std::string& commune,
    absl::CivilDay today);

// A convention the caller may read: Caf roles read all, a commune only its
// own; another commune's convention is kNotFound, like a missing one.
absl::StatusOr<store::ConventionRow> ReadableConvention(
    store::ReadSession& session, const std::string& id,
    const policy::Identity& caller);

// Whether `territory` is in the convention's perimeter, given the commune of
// the territory in the statistical base (`territory_commune`, empty if
// unknown). A perimeter that is the commune code alone covers every
// territory of the commune.
bool InPerimeter(const store::ConventionRow& convention,
                 const std::string& territory,
                 const std::string& territory_commune);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_CONVENTIONS_H_
