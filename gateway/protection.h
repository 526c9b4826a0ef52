// The secret statistique applied to a commune's scope: hands the commune's
// statistical bases and the catalogue's relations to policy/sdc's
// BuildScopeModel (which decides the reader model: indicators, territories,
// pieces, requested cells), and runs ProtectTable against the commune's
// release memory. Used by the reviewers' feasibility preview and by extracts.
//
// Pure apart from its inputs (no I/O); thread-safe.
#ifndef CTG_GATEWAY_PROTECTION_H_
#define CTG_GATEWAY_PROTECTION_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/config.h"
#include "policy/request_validation.h"
#include "policy/sdc/release.h"
#include "policy/sdc/release_memory.h"
#include "policy/sdc/rules.h"
#include "policy/sdc/table_model.h"
#include "statbase/base.h"

namespace ctg::gateway {

// The commune's base per period of the scope.
using BasesByPeriod =
    std::map<std::string, std::shared_ptr<const statbase::Base>>;

// The engine's configuration from the gateway's [secret_statistique].
policy::sdc::SdcConfig SdcConfigFrom(const SecretStatistiqueConfig& config);

// The table model of `scope` (every indicator of the scope and of `memory`,
// the earlier releases to the commune, and those tied to them, every
// territory of the commune and its hidden pieces), with exactly the scope's
// cells requested. Errors: as ProtectScope, before protection.
absl::StatusOr<policy::sdc::TableModel> BuildScopeModel(
    const std::string& commune, const BasesByPeriod& bases,
    const policy::Scope& scope, const policy::sdc::ReleaseMemory& memory = {});

// Protects `scope` (indicators, territories, periods, breakdowns; empty
// breakdowns: totals only) of `commune`. The release lists exactly the
// requested cells, sorted by (territory, period, indicator, breakdown,
// category). Errors: kFailedPrecondition when the bases of two periods do not
// have the same territories, or when earlier releases make the table unsafe
// (ProtectTable's message); kInvalidArgument for a scope the bases cannot
// answer (unknown territory or indicator).
absl::StatusOr<policy::sdc::Release> ProtectScope(
    const std::string& commune, const BasesByPeriod& bases,
    const policy::Scope& scope, const policy::sdc::ReleaseMemory& memory,
    const policy::sdc::SdcConfig& config, const std::string& base_version);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_PROTECTION_H_
