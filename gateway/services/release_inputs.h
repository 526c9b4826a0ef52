// What a release of a commune's scope is computed from, read in the caller's
// snapshot: the commune's statistical base for each period and its release
// memory. Shared by the feasibility preview and extracts, so that both see
// the same inputs.
//
// Functions are thread-safe as far as their arguments are (CommuneBases is).
#ifndef CTG_GATEWAY_SERVICES_RELEASE_INPUTS_H_
#define CTG_GATEWAY_SERVICES_RELEASE_INPUTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/commune_bases.h"
#include "gateway/protection.h"
#include "policy/sdc/release_memory.h"
#include "store/release_ledger.h"
#include "store/session.h"

namespace ctg::gateway {

struct ReleaseInputs {
  BasesByPeriod bases;       // one per period of the scope
  std::string base_version;  // the periods' base versions, joined by " "
  store::MemoryRow memory;   // the commune's release memory, as stored
};

// Errors: as CommuneBases::Get and ReleaseLedger::GetMemory.
absl::StatusOr<ReleaseInputs> LoadReleaseInputs(
    store::ReadSession& session, CommuneBases& bases,
    const std::string& commune, const std::vector<std::string>& periods);

// The stored memory parsed (empty when nothing was released yet). Errors: as
// policy::sdc::ReleaseMemory::Parse.
absl::StatusOr<policy::sdc::ReleaseMemory> ParseMemory(
    const store::MemoryRow& row);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_RELEASE_INPUTS_H_
