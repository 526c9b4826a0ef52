#include "gateway/services/release_inputs.h"

#include "absl/strings/str_join.h"
#include "base/status_macros.h"

namespace ctg::gateway {

absl::StatusOr<ReleaseInputs> LoadReleaseInputs(
    store::ReadSession& session, CommuneBases& bases,
    const std::string& commune, const std::vector<std::string>& periods) {
  ReleaseInputs out;
  std::vector<std::string> versions;
  for (const std::string& period : periods) {
    CTG_ASSIGN_OR_RETURN(CommuneBase base, bases.Get(session, period, commune));
    out.bases[period] = base.base;
    versions.push_back(base.base_version);
  }
  out.base_version = absl::StrJoin(versions, " ");
  CTG_ASSIGN_OR_RETURN(out.memory, session.releases().GetMemory(commune));
  return out;
}

absl::StatusOr<policy::sdc::ReleaseMemory> ParseMemory(
    const store::MemoryRow& row) {
  if (row.text.empty()) return policy::sdc::ReleaseMemory();
  return policy::sdc::ReleaseMemory::Parse(row.text);
}

}  // namespace ctg::gateway
